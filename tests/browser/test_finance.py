"""金融服务 end to end in a real browser: an enterprise sees its score and the reasons, posts a demand to
one bank; that bank (and no other) sees it, the contact masked, and answers with an offer and the loan,
registered in the risk-compensation pool; the bank reports a default, the city office pays the
compensation, and the ledger balances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django_otp.oath import totp

from tests.browser.conftest import PASSWORD, axe_violations, screenshot, sign_in
from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import UserFactory, totp_device_for
from wenchuang.finance import services
from wenchuang.finance.models import Account, CreditFact, FinancingDemand, PoolLoan
from wenchuang.finance.selectors import pool_summary
from wenchuang.finance.tests.factories import InstitutionFactory, ProductFactory, finance_user_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def finance_site(site: dict[str, Any]) -> dict[str, Any]:
    _shipped_scorecard()
    firm = site["firms"]["xihu_digital"]
    CreditFact.objects.create(
        enterprise=firm,
        year=2024,
        tax_credit_grade="B",
        copyrights=4,
        patents=0,
        awards=0,
        penalties=1,
        social_insurance_months=12,
        source="测试",
    )
    services.scores_compute(year=2024)
    bank_a, bank_b = InstitutionFactory(name="示例·甲银行"), InstitutionFactory(name="示例·乙银行")
    ProductFactory(
        institution=bank_a, name="示例·文创信用贷", eligibility={">=": [{"var": "credit_score"}, 300]}
    )
    site["enterprise_user"] = UserFactory(
        username="browser_firm", role=Role.ENTERPRISE, enterprise=firm, password=PASSWORD
    )
    site["bank_a"] = finance_user_for(bank_a, "browser_bank_a", password=PASSWORD)
    site["bank_b"] = finance_user_for(bank_b, "browser_bank_b", password=PASSWORD)
    site["city"] = UserFactory(username="browser_city", role=Role.CITY_ADMIN, password=PASSWORD)
    site["banks"] = (bank_a, bank_b)
    return site


def _shipped_scorecard() -> None:
    """The points table the data migration publishes: an earlier transactional test's flush may have
    removed it (the live server's database is not restored from the migrated state)."""
    from datetime import date

    from wenchuang.finance import scorecard
    from wenchuang.finance.models import ScorecardVersion

    if not ScorecardVersion.objects.filter(is_current=True).exists():
        ScorecardVersion.objects.create(
            code=scorecard.DEFAULT_VERSION,
            name=scorecard.DEFAULT_NAME,
            method=scorecard.DEFAULT_METHOD,
            table=scorecard.DEFAULT_TABLE,
            published_on=date(2026, 12, 1),
            is_current=True,
        )


def _sign_in_with_otp(page: Any, base: str, user: Any) -> None:
    device = totp_device_for(user)
    sign_in(page, base, user.username)
    assert "/accounts/otp/verify/" in page.url
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _sign_out(page: Any) -> None:
    page.context.clear_cookies()


def test_score_demand_offer_loan_default_and_compensation(finance_site: dict[str, Any], page: Any) -> None:
    url = finance_site["url"]
    bank_a, _bank_b = finance_site["banks"]

    # the enterprise: its score, the points and reasons per attribute, the product it qualifies for
    sign_in(page, url, "browser_firm")
    page.click("nav >> text=金融服务")
    page.wait_for_load_state("networkidle")
    assert "/finance/score/" in page.url
    total = page.locator("#score-total").inner_text()
    assert "总分" in total and "/ 1000" in total
    reasons = page.locator("#score-reasons").inner_text()
    assert "纳税信用等级" in reasons and "B级" in reasons and "纳税信用等级达到“A级”可增加50分" in reasons
    assert "行政处罚记录（当年）降至1次以下可增加40分" in reasons
    assert "信用评分" in page.locator("#product-matches").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "finance-my-score")

    # posts a demand that only 甲银行 may see
    page.goto(f"{url}/finance/demands/")
    page.fill("#d-amount", "300")
    page.fill("#d-term", "12")
    page.fill("#d-purpose", "数字内容制作设备更新")
    page.fill("#d-cname", "王小明")
    page.fill("#d-cphone", "13912345678")
    page.check(f"#inst-{bank_a.pk}")
    page.click("#publish-demand")
    page.wait_for_load_state("networkidle")
    assert page.locator("#demand-state").inner_text() == "待响应"
    demand = FinancingDemand.objects.get()
    assert list(demand.shared_with.all()) == [bank_a]
    _sign_out(page)

    # 乙银行 sees nothing and is refused the page
    sign_in(page, url, "browser_bank_b")
    page.goto(f"{url}/finance/demands/")
    assert page.locator("tr.wc-demand-row").count() == 0
    assert page.goto(f"{url}/finance/demands/{demand.pk}/").status == 403
    _sign_out(page)

    # 甲银行 sees it with the contact masked, offers, records the loan into the pool
    sign_in(page, url, "browser_bank_a")
    page.console.errors.clear()  # the 403 above (and its page's favicon request) was the point
    page.goto(f"{url}/finance/demands/")
    assert page.locator("tr.wc-demand-row").count() == 1
    page.click(f"text=#{demand.pk}")
    page.wait_for_load_state("networkidle")
    contact = page.locator("#demand-contact").inner_text()
    assert "139****5678" in contact and "13912345678" not in page.content() and "王**" in contact
    page.select_option("#r-kind", "offer")
    page.fill("#r-amount", "300")
    page.fill("#r-rate", "3.85")
    page.click("#send-response")
    page.wait_for_load_state("networkidle")
    assert page.locator("#demand-state").inner_text() == "已获报价"
    page.fill("#g-amount", "280")
    page.click("#grant-loan")
    page.wait_for_load_state("networkidle")
    assert page.locator("#demand-state").inner_text() == "已放款"
    assert "280" in page.locator("#demand-outcome").inner_text()
    screenshot(page, "finance-demand-granted")
    loan = PoolLoan.objects.get(demand=demand)
    assert (loan.institution, loan.principal) == (bank_a, Decimal("280.00"))

    # …and reports the default on the pool page
    page.goto(f"{url}/finance/pool/")
    page.locator(f"#loan-{loan.pk} >> text=登记违约").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#loan-{loan.pk} .loan-state").inner_text() == "已违约"
    _sign_out(page)

    # the city office pays money in and the compensation out; the ledger balances
    _sign_in_with_otp(page, url, finance_site["city"])
    page.goto(f"{url}/finance/pool/")
    page.fill("#c-amount", "1000")
    page.click("form[action$='/pool/contribute/'] button")
    page.wait_for_load_state("networkidle")
    page.locator(f"#loan-{loan.pk} >> text=支付补偿").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#loan-{loan.pk} .loan-state").inner_text() == "已补偿"
    balances = page.locator("#balances").inner_text()
    assert "资金池存款" in balances and "860.00" in balances  # 1000 − 50% × 280
    assert axe_violations(page) == []
    screenshot(page, "finance-pool")
    summary = pool_summary(user=finance_site["city"])
    assert sum(summary.balances.values()) == 0
    assert summary.balances[Account.POOL_CASH] == Decimal("860.00")
    assert services.pool_reconcile().ok
    assert page.console.errors == []
