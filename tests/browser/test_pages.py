"""The pages in a real browser: sign in, cockpit (cards, charts, map, badge explanation), enterprise
library (HTMX filter, district scoping), English switch, axe-core, screenshots under var/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _charts_drawn(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.wc-chart')].every(el => el.querySelector('canvas'))",
        timeout=15000,
    )


def test_the_cockpit_renders_cards_charts_map_and_explanations(site: dict[str, Any], page: Any) -> None:
    sign_in(page, site["url"], "browser_dm")
    assert page.url.endswith("/cockpit/")
    assert page.locator("article.wc-card").count() == 10  # the 8 main indicators and the two 2035 rows
    _charts_drawn(page)
    assert page.locator(".wc-chart-map canvas").count() == 1
    assert page.locator(".wc-chart canvas").count() == 3

    explanation = page.locator("#explain-value_added")
    assert not explanation.is_visible()
    page.click("[data-bs-target='#explain-value_added']")
    explanation.wait_for(state="visible")
    assert "进度比R" in explanation.inner_text()

    assert axe_violations(page) == []
    screenshot(page, "cockpit")
    page.emulate_media(media="print")
    screenshot(page, "cockpit-print")
    # The print stylesheet's promise: the cockpit on one A4 landscape page.
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1
    page.emulate_media(media="screen")

    # two clicks from the cockpit to a number's detail: the card title opens the indicator page
    page.click("#card-value_added-title a")
    page.wait_for_load_state("networkidle")
    _charts_drawn(page)
    assert "按区县" in page.content()
    screenshot(page, "indicator")
    assert page.console.errors == []


def test_the_enterprise_library_filters_with_htmx(site: dict[str, Any], page: Any) -> None:
    sign_in(page, site["url"], "browser_dm")
    page.goto(f"{site['url']}/enterprises/")
    rows = page.locator("tr.wc-enterprise-row")
    assert rows.count() == 3
    page.select_option("#id_district", "330108")
    page.wait_for_function("() => document.querySelectorAll('tr.wc-enterprise-row').length === 1")
    assert "示例·滨江动漫有限公司" in rows.first.inner_text()
    assert "district=330108" in page.url
    assert axe_violations(page) == []
    screenshot(page, "enterprises")
    page.click("text=示例·滨江动漫有限公司")
    page.wait_for_load_state("networkidle")
    screenshot(page, "enterprise-profile")
    assert page.console.errors == []


def test_a_district_office_cannot_see_another_districts_enterprise(site: dict[str, Any], page: Any) -> None:
    sign_in(page, site["url"], "browser_xihu")
    page.goto(f"{site['url']}/enterprises/")
    body = page.content()
    assert "示例·西湖数字文化有限公司" in body and "示例·滨江动漫有限公司" not in body
    response = page.goto(f"{site['url']}/enterprises/{site['firms']['binjiang'].uscc}/")
    assert response.status == 403


def test_the_english_switch_works(site: dict[str, Any], page: Any) -> None:
    sign_in(page, site["url"], "browser_dm")
    page.click("button[value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Cockpit" in page.locator("h1").inner_text()
    screenshot(page, "cockpit-en")
    page.click("button[value=zh-hans]")
    page.wait_for_load_state("networkidle")
    assert "驾驶舱" in page.locator("h1").inner_text()


def test_the_other_pages_render(site: dict[str, Any], page: Any) -> None:
    page.goto(f"{site['url']}/")
    screenshot(page, "home-public")
    page.goto(f"{site['url']}/layout/")
    _charts_drawn(page)
    screenshot(page, "layout")
    page.goto(f"{site['url']}/platforms/")
    screenshot(page, "platforms")
    sign_in(page, site["url"], "browser_dm")
    page.goto(f"{site['url']}/talents/")
    assert "330106199001011234" not in page.content()
    screenshot(page, "talents")
    assert page.console.errors == []
