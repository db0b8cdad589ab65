"""The office's work in a real browser: the 系统管理员 creates a district account from 用户管理; the city
office edits 存在问题, moves the final evaluation to 定稿 and downloads a portrait DOCX and PDF whose
pages, rendered to images, show the cover, the page numbers and the edited text; a 403 page is Chinese
and navigable. Page images are kept under var/screenshots/ for a person to look at."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from docx import Document as read_docx

from tests.browser.conftest import PASSWORD, SCREENSHOTS, axe_violations, screenshot, sign_in
from wenchuang.accounts.models import Role, User
from wenchuang.accounts.tests.factories import UserFactory, logged_in_client
from wenchuang.reports.models import ReportVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}
EDITED = "示例：部分区县文化产业统计基础薄弱，年度数据报送不及时。"


def signed_in_with_second_factor(page: Any, base: str, user: User) -> None:
    """Administrators and the city office pass a TOTP step at sign-in; the browser gets the session of a
    2FA-verified client instead (the TOTP step itself is tested in accounts)."""
    client = logged_in_client(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}])


def test_the_system_administrator_creates_a_district_account(site: dict[str, Any], page: Any) -> None:
    admin = UserFactory(username="browser_sysadmin", role=Role.SYSTEM_ADMIN, password=PASSWORD)
    signed_in_with_second_factor(page, site["url"], admin)
    page.goto(f"{site['url']}/help/")
    page.click("nav >> text=用户管理")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/accounts/users/")
    page.click("#user-new")
    page.fill("input[name=username]", "browser_new_xihu")
    page.fill("input[name=full_name]", "王五")
    page.select_option("select[name=role]", "district_admin")
    page.click("#account-form button[type=submit]")
    # a district role without a district is refused, in Chinese, and nothing is created
    assert "区县管理员必须指定至少一个管辖区县" in page.content()
    assert not User.objects.filter(username="browser_new_xihu").exists()
    page.select_option("select[name=districts]", label="西湖区（330106）")
    page.fill("input[name=organisation]", "西湖区文创办")
    page.click("#account-form button[type=submit]")
    page.wait_for_selector("#temporary-passwords")
    password = page.locator("#temporary-passwords code").inner_text().strip()
    screenshot(page, "user-created")
    created = User.objects.get(username="browser_new_xihu")
    assert created.role == Role.DISTRICT_ADMIN and [d.code for d in created.districts.all()] == ["330106"]
    page.click("text=返回用户管理")
    assert "browser_new_xihu" in page.locator("#user-table").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "users")

    # the new district office signs in with the temporary password and finds its pages in the menu
    other = page.context.browser.new_context(locale="zh-CN")
    p2 = other.new_page()
    p2.goto(f"{site['url']}/accounts/login/")
    p2.fill("input[name=username]", "browser_new_xihu")
    p2.fill("input[name=password]", password)
    p2.click("form button[type=submit]")
    p2.wait_for_load_state("networkidle")
    assert p2.url.endswith("/accounts/password/")  # a temporary password is changed first
    assert "临时密码" in p2.content()
    menu = p2.locator("header nav").inner_text()
    assert all(item in menu for item in ("数据导入", "报告中心", "邀请码", "帮助"))
    other.close()
    assert page.console.errors == []


def _pdf_pages(pdf: Path, out: Path) -> list[Path]:
    exe = shutil.which("pdftoppm")
    assert exe, "poppler-utils is installed by scripts/system-deps.sh"
    subprocess.run([exe, "-r", "60", "-png", str(pdf), str(out / "final")], check=True)  # noqa: S603
    return sorted(out.glob("final-*.png"))


def _pdf_text(pdf: Path) -> list[str]:
    exe = shutil.which("pdftotext")
    assert exe
    text = subprocess.run(  # noqa: S603
        [exe, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def _download(page: Any, selector: str, target: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(str(target))
    return target


def test_the_city_office_finalises_the_final_evaluation_and_downloads_it(
    site: dict[str, Any], page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = IMMEDIATE
    settings.VAR_DIR = tmp_path
    settings.WENCHUANG_REPORT_ISSUER = "杭州市文化创意产业办公室"
    city = UserFactory(username="browser_city", role=Role.CITY_ADMIN, password=PASSWORD)
    signed_in_with_second_factor(page, site["url"], city)
    page.goto(f"{site['url']}/cockpit/")
    page.click("header nav >> text=报告中心")
    page.wait_for_load_state("networkidle")
    page.click("#version-new button[type=submit]")
    page.wait_for_selector("#sections-form")
    problems = page.locator("textarea[name=problems]")
    assert "未实现" in problems.input_value() or "暂无数据" in problems.input_value()
    assert "进展顺利" not in page.locator("#sections-form").inner_text()
    problems.fill(EDITED)
    page.click("#sections-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.content()
    screenshot(page, "final-evaluation-draft")

    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#version-state").inner_text() == "审核中"
    page.once("dialog", lambda d: d.accept())  # 定稿后不能再修改，确定定稿？
    page.click("button[value=finalise]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#version-state").inner_text() == "定稿"
    assert page.locator("#sections-form").count() == 0 and EDITED in page.content()
    assert [r.state for r in ReportVersion.objects.all()] == ["final"]
    assert page.locator("#version-history tbody tr").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "final-evaluation-finalised")
    version_url = page.url

    # PDF: generated in the background (immediate here), downloaded, every page rendered to an image
    page.click("button[value=pdf]")
    page.wait_for_selector("text=下载PDF", timeout=120000)
    pdf = _download(page, "text=下载PDF", tmp_path / "final.pdf")
    pages = _pdf_text(pdf)
    assert "杭州市文化创意产业办公室" in pages[0] and "终期评估报告" in pages[0]
    assert "—" not in pages[0]  # the cover has no page number
    assert re.search(r"—\s*1\s*—", pages[1]) and re.search(r"—\s*2\s*—", pages[2])
    assert any(EDITED in p.replace("\n", "").replace(" ", "") for p in pages)
    images = _pdf_pages(pdf, tmp_path)
    assert len(images) >= 3
    from PIL import Image

    for img in images[:3]:
        with Image.open(img) as im:
            assert im.height > im.width  # portrait
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for img in images:
        shutil.copy(img, SCREENSHOTS / f"final-evaluation-pdf-{img.stem.split('-')[-1]}.png")

    # DOCX: portrait A4, the edited text, “— PAGE —” footers
    page.goto(version_url)
    page.click("button[value=docx]")
    page.wait_for_selector("text=下载DOCX", timeout=120000)
    docx_path = _download(page, "text=下载DOCX", tmp_path / "final.docx")
    doc = read_docx(io.BytesIO(docx_path.read_bytes()))
    section = doc.sections[0]
    assert section.page_height > section.page_width
    assert EDITED in [p.text for p in doc.paragraphs]
    assert "杭州市文化创意产业办公室" in [p.text for p in doc.paragraphs]
    assert "PAGE" in section.footer._element.xml and "— " in section.footer._element.xml
    assert page.console.errors == []


def test_a_refused_page_is_chinese_and_navigable(site: dict[str, Any], page: Any) -> None:
    sign_in(page, site["url"], "browser_xihu")
    response = page.goto(f"{site['url']}/accounts/users/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "无权访问（403）"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert axe_violations(page) == []
    screenshot(page, "403")
    page.click("header nav >> text=报告中心")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/reports/") and "报告中心" in page.locator("h1").inner_text()
    page.goto(f"{site['url']}/no-such-page/")
    assert page.locator("h1").inner_text() == "页面不存在（404）"
    page.click("header nav >> text=帮助")
    page.wait_for_load_state("networkidle")
    assert "区县管理员的常用操作" in page.locator("h1").inner_text()
