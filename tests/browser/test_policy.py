"""文创E点通 for enterprises in a real browser, end to end: a 统计员 builds a rule in the form-based
builder (a wrong value is refused in Chinese, then the policy's test cases pass); the 免申即享 list
appears and a round is confirmed; an enterprise signs in, sees its explanation and the notice, applies
for a 快申快享 policy, is returned for a missing attachment, resubmits, is approved by the district and
the city office and paid, and rates the service; the calculator works without login; the search finds
the clause; the effect table counts it all."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django_otp.oath import totp

from tests.browser.conftest import PASSWORD, axe_violations, screenshot, sign_in
from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import UserFactory, totp_device_for
from wenchuang.policy.models import Application
from wenchuang.policy.seed import seed_demo_policies
from wenchuang.policy.tests.factories import firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = {"mimeType": "application/pdf", "buffer": b"%PDF-1.4 browser test"}


def _context_page(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    return context.new_page()


def _sign_in_city(page: Any, base: str, user: Any) -> None:
    device = totp_device_for(user)  # enrolled before signing in: the login asks for the code
    sign_in(page, base, user.username)
    page.fill(
        "input[name=otp_token], input[name=token]",
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}",
    )
    page.click('button:has-text("验证")')
    page.wait_for_load_state("networkidle")


def test_policy_service_end_to_end(site: dict[str, Any], page: Any, browser: Any) -> None:
    base = site["url"]
    seed_demo_policies()
    company = firm(
        revenue="6200",
        park="national",
        grade="A",
        founded_on=date(2016, 5, 1),
        name="示例·西湖园区文创有限公司",
    )
    UserFactory(username="browser_firm", role=Role.ENTERPRISE, enterprise=company, password=PASSWORD)
    city = UserFactory(username="browser_city", role=Role.CITY_ADMIN, password=PASSWORD)

    # 1. A 统计员 builds a rule in the form: a wrong value is refused in Chinese, a right one is saved.
    sign_in(page, base, "browser_dm")
    page.goto(f"{base}/policy/policies/demo-export-key/rule/")
    assert page.locator("#test-results").inner_text().count("通过 ✓") == 2
    page.select_option("#id_c-1-param", "")
    page.fill("#id_c-1-value", "很多")
    page.click("#save-rule")
    page.wait_for_load_state("networkidle")
    assert "“上年出口额”是数值，不能与文字“很多”比较" in page.content()
    page.select_option("#id_c-1-param", "")
    page.fill("#id_c-1-value", "600")
    page.fill("#id_valid_from", "2026-01-01")
    page.click("#save-rule")
    page.wait_for_load_state("networkidle")
    assert "已保存第2版，2个测试用例全部通过" in page.content()
    screenshot(page, "policy-rule-builder")

    # 2. The 免申即享 list appears; a round is computed and confirmed.
    page.goto(f"{base}/policy/policies/demo-phoenix-listing/exempt/")
    assert "示例·西湖园区文创有限公司" in page.locator("table").first.inner_text()
    page.click("#compute-round")
    page.wait_for_load_state("networkidle")
    page.click("#confirm-round")
    page.wait_for_load_state("networkidle")
    assert page.locator("#round-state").inner_text() == "已确认并通知"

    # 3. The enterprise signs in, sees its explanation and the notice, applies.
    ent = _context_page(browser)
    sign_in(ent, base, "browser_firm")
    ent.goto(f"{base}/policy/my/")
    body = ent.content()
    assert "免申即享：您符合“示例·文化企业上市培育（凤凰行动）奖励”" in body
    assert "上年营业收入 6,200万元 ≥ 5,000万元" in body
    assert axe_violations(ent) == []
    screenshot(ent, "policy-my-enterprise")
    ent.goto(f"{base}/policy/policies/demo-park-certification/")
    assert "符合条件 ✓" in ent.locator("#my-match").inner_text()
    ent.click("#apply-btn")
    ent.wait_for_load_state("networkidle")
    app_url = ent.url
    for kind in ("租赁合同", "租金缴纳凭证"):
        ent.select_option("#kind", kind)
        ent.set_input_files("#file", files=[{"name": f"{kind}.pdf", **PDF}])
        ent.click("form:has(#file) button")
        ent.wait_for_load_state("networkidle")
    ent.click("#submit-btn")
    ent.wait_for_load_state("networkidle")
    assert ent.locator("#app-state").inner_text() == "待区县审核"
    assert "快申快享时限" in ent.locator("#clock").inner_text()

    # 4. The district office returns it: the lease's stamped page is missing.
    district = _context_page(browser)
    sign_in(district, base, "browser_xihu")
    district.goto(app_url)
    district.select_option("#id_action", "return")
    district.fill("#id_reason", "租赁合同缺少盖章页，请补充")
    district.click("#review-form button")
    district.wait_for_load_state("networkidle")
    assert "退回修改" in district.locator("#app-state").inner_text()

    # 5. The enterprise sees the reason, uploads again and resubmits; the district approves.
    ent.goto(app_url)
    assert "租赁合同缺少盖章页" in ent.locator("#reason").inner_text()
    ent.select_option("#kind", "租赁合同")
    ent.set_input_files("#file", files=[{"name": "租赁合同（含盖章页）.pdf", **PDF}])
    ent.click("form:has(#file) button")
    ent.wait_for_load_state("networkidle")
    ent.click("#submit-btn")
    ent.wait_for_load_state("networkidle")
    district.goto(app_url)
    district.select_option("#id_action", "approve")
    district.click("#review-form button")
    district.wait_for_load_state("networkidle")
    assert "待市级审核" in district.locator("#app-state").inner_text()

    # 6. The city office approves and records the payment.
    cityp = _context_page(browser)
    _sign_in_city(cityp, base, city)
    assert "/accounts/" not in cityp.url
    cityp.goto(app_url)
    cityp.select_option("#id_action", "approve")
    cityp.click("#review-form button")
    cityp.wait_for_load_state("networkidle")
    cityp.fill("#id_reference", "示例凭证001")
    cityp.click("#pay-form button")
    cityp.wait_for_load_state("networkidle")
    assert cityp.locator("#app-state").inner_text() == "已兑现"

    # 7. The enterprise rates the service.
    ent.goto(app_url)
    ent.select_option("#id_rating", "5")
    ent.click("#rate-form button")
    ent.wait_for_load_state("networkidle")
    assert "服务评价：5 星" in ent.content()
    app = Application.objects.get()
    assert app.state == "paid" and app.rating == 5

    # 8. The calculator works without login.
    anon = _context_page(browser)
    anon.goto(f"{base}/policy/calculator/")
    anon.select_option("#id_above_scale", "1")
    anon.select_option("#id_listed", "0")
    anon.fill("#id_revenue", "6200")
    anon.select_option("#id_tax_credit", "A")
    anon.click("#calculator-form button")
    anon.wait_for_load_state("networkidle")
    assert (
        "示例·文化企业上市培育（凤凰行动）奖励"
        in anon.locator(".wc-result[data-status=true]").first.inner_text()
    )
    assert axe_violations(anon) == []

    # 9. The search finds the clause.
    anon.goto(f"{base}/policy/search/?q=动漫企业有哪些补贴")
    assert "对动漫企业原创动画片" in anon.locator(".wc-hit").first.inner_text()
    screenshot(anon, "policy-search")

    # 10. The effect table counts it all.
    cityp.goto(f"{base}/policy/effect/")
    rows = {
        r.locator("td").first.inner_text(): [c.inner_text() for c in r.locator("td").all()]
        for r in cityp.locator("#effect-table tbody tr").all()
    }
    park = rows["示例·入驻认定文化产业园区（基地）企业房租补助"]
    assert park[3:8] == ["1", "1", "1", "1", "20.00"]  # qualifying, applying, approved, paid, amount
    assert park[9] == "0"  # not overdue
    screenshot(cityp, "policy-effect")
    for p in (page, ent, district, cityp, anon):
        assert getattr(p, "console", None) is None or p.console.errors == []
