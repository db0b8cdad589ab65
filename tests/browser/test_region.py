"""A district office opens its own cockpit against its own plan, in a real browser: from the menu to
西湖区's cockpit with the sample district plan's cards and progress chart; another district's cockpit
answers a Chinese 403 page. Screenshots under var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import axe_violations, screenshot, sign_in
from wenchuang.plan.services import plan_load
from wenchuang.stats import services
from wenchuang.web.tests import data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XIHU_PLAN = "xihu-14th-culture-sample"


def test_a_district_office_opens_its_own_cockpit_against_its_own_plan(
    site: dict[str, Any], page: Any
) -> None:
    plan_load(path=settings.DATA_DIR / "plans" / f"{XIHU_PLAN}.yaml")
    services.indicator_values_recompute(plan_code=XIHU_PLAN, years=data.YEARS)
    sign_in(page, site["url"], "browser_xihu")
    page.goto(f"{site['url']}/help/")
    page.click("nav >> text=区县驾驶舱")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/districts/330106/")
    assert page.locator("h1#region-title").inner_text().startswith("西湖区驾驶舱")
    assert "对照本区规划：西湖区文化产业发展“十四五”规划（示例）" in page.content()
    cards = page.locator("article.wc-card")
    assert cards.count() >= 6
    first = page.locator('article[data-indicator="value_added"]')
    assert "西湖区文化产业增加值" in first.inner_text() and "2025年目标" in first.inner_text()
    assert "暂无数据" not in first.locator(".wc-value").inner_text()
    # The status badge opens its explanation, and the progress chart is drawn.
    first.locator("button.wc-status").click()
    page.wait_for_selector("#explain-value_added.show")
    page.wait_for_function(
        "() => document.querySelector('.wc-chart[data-options=chart-progress] canvas') !== null",
        timeout=15000,
    )
    assert axe_violations(page) == []
    screenshot(page, "district-cockpit")

    # Another district's cockpit: a Chinese 403 page that keeps the site's navigation.
    response = page.goto(f"{site['url']}/districts/330108/")
    assert response.status == 403
    assert "不在您的管辖范围" in page.content()
    assert page.locator("header nav").inner_text().count("区县驾驶舱") == 1
    assert page.console.errors == [] or all("403" in e for e in page.console.errors)
