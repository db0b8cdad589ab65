"""End to end in the browser: nothing reaches the public unpublished. The public home says 暂无已发布数据
until the city office publishes on 数据发布; an import afterwards changes only the staff's working
figures (marked 未发布 on the cockpit) until the city office publishes the revision with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import UserFactory, logged_in_client
from wenchuang.stats import services as stats_services
from wenchuang.stats.tests import factories as f
from wenchuang.web.tests.data import PLAN

pytestmark = pytest.mark.browser


def _as_city(page: Any, base: str) -> None:
    """The city office needs 2FA: reuse a verified session (the sign-in flow is tested elsewhere)."""
    city = UserFactory(username="browser_city_pub", role=Role.CITY_ADMIN)
    client = logged_in_client(city)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])


def _public_value_added(page: Any, base: str) -> str:
    page.context.clear_cookies()
    page.goto(f"{base}/")
    row = page.locator("table.indicator-table tbody tr", has_text="全市文化产业增加值").first
    return row.locator("td").nth(5).inner_text().strip()


def test_the_city_office_publishes_and_the_public_home_page_changes(site: dict[str, Any], page: Any) -> None:
    base = site["url"]
    assert _public_value_added(page, base) == "暂无已发布数据"
    assert "暂无已发布数据" in page.inner_text("[data-field=version]")

    _as_city(page, base)
    page.goto(f"{base}/publications/")
    assert "尚未发布任何版本" in page.inner_text("[data-field=current]")
    assert "全市文化产业增加值" in page.inner_text("table[data-table=changes]")
    page.click("#publish-form button")
    assert "已发布第1版" in page.inner_text("body")
    assert "第1版" in page.inner_text("table[data-table=versions]")

    first = _public_value_added(page, base)
    assert first not in ("暂无已发布数据", "暂无数据", "")
    assert "第1版" in page.inner_text("[data-field=version]")

    # A later import moves the working figures only.
    firm = f.enterprise(district_code="330106", culture_code=f.plain_code())
    f.year(firm, 2024, revenue=80000, components=(8000, 2000, 3000, 6000), is_above_scale=True)
    stats_services.rollup_refresh(years=[2024])
    stats_services.indicator_values_recompute(plan_code=PLAN, years=[2024])
    assert _public_value_added(page, base) == first

    _as_city(page, base)
    page.goto(f"{base}/cockpit/")
    card = page.locator("article[data-indicator=value_added]")
    assert "未发布" in card.inner_text() and f"已发布（第1版）：{first}" in card.inner_text()
    page.goto(f"{base}/publications/")
    assert "修订" in page.inner_text("table[data-table=changes]")
    page.fill("#reason", "补报西湖区企业2024年年报")
    page.click("#publish-form button")
    assert "已发布第2版" in page.inner_text("body")

    second = _public_value_added(page, base)
    assert second != first
    assert "第2版" in page.inner_text("[data-field=version]")
    assert page.console.errors == []
