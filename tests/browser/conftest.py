"""Real-browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

Skipped, with a message saying so, only when no `chromium` binary is on PATH; CI installs it
(scripts/system-deps.sh), so there they always run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wenchuang.accounts.models import Role
from wenchuang.accounts.testing import audit_rows_clear
from wenchuang.accounts.tests.factories import UserFactory
from wenchuang.registry.models import District
from wenchuang.web.tests import data

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Browser-Test-Pass-2026!"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CHROMIUM = shutil.which("chromium")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if CHROMIUM is not None:
        return
    skip = pytest.mark.skip(
        reason="Chromium not found on PATH (`which chromium`): real-browser tests skipped; "
        "run scripts/system-deps.sh as root to install it"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running; Django refuses ORM calls inside one unless told.
    # Set for the browser session only and restored after it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server: Any, transactional_db: Any, settings: Any) -> Iterator[dict[str, Any]]:
    settings.AXES_ENABLED = False
    built = data.build()
    xihu = District.objects.get(code="330106")
    built["data_manager"] = UserFactory(username="browser_dm", role=Role.DATA_MANAGER, password=PASSWORD)
    built["district_admin"] = UserFactory(
        username="browser_xihu", role=Role.DISTRICT_ADMIN, districts=[xihu], password=PASSWORD
    )
    built["url"] = live_server.url
    yield built
    audit_rows_clear()


class Console:
    """Collects console errors and page errors of a page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.console = Console(pg)
    yield pg
    context.close()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state("networkidle")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the current page."""
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self' + nonce) refuses
    # add_script_tag's inline <script>, and the test must not weaken the CSP it is checking under.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
