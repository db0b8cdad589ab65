"""The menu per role reaches every page the role may use and only those; the help page per role; the
403 / 404 / 500 pages are Chinese and carry the site's navigation; a refusal is one log line."""

from __future__ import annotations

import logging
import re
import sys

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from wenchuang.core.logging import ExpectedDenialFilter
from wenchuang.web.navigation import MENU

pytestmark = pytest.mark.django_db

ACTOR_ROLES = {
    "anonymous_client": "anonymous",
    "city_admin_client": "city_admin",
    "district_admin_client": "district_admin",
    "data_manager_client": "data_manager",
    "enterprise_user_client": "enterprise",
    "finance_user_client": "finance",
    "system_admin_client": "system_admin",
    "security_admin_client": "security_admin",
    "audit_admin_client": "audit_admin",
}
NAV = re.compile(r'<nav class="navbar-nav[^"]*"[^>]*>(.*?)</nav>', re.S)


def _menu(html: str) -> dict[str, str]:
    block = NAV.search(html)
    assert block, "no main navigation on the page"
    return {label: href for href, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', block.group(1))}


@pytest.mark.parametrize("fixture", list(ACTOR_ROLES))
def test_each_roles_menu_reaches_its_pages(request, fixture, reference) -> None:
    client = request.getfixturevalue(fixture)
    role = ACTOR_ROLES[fixture]
    menu = _menu(client.get("/help/").content.decode())
    expected = {e.label for e in MENU if role in e.roles}
    assert set(menu) == expected
    for label, href in menu.items():
        response = client.get(href)
        assert response.status_code in (200, 302), (role, label, href, response.status_code)
        if response.status_code == 302:  # the home page sends staff on to their cockpit
            assert "/accounts/login/" not in response["Location"], (role, label)


def test_the_menus_name_the_issue_pages(
    city_admin_client, district_admin_client, system_admin_client
) -> None:
    district = _menu(district_admin_client.get("/help/").content.decode())
    assert {"数据导入", "报告中心", "邀请码", "帮助"} <= set(district)
    city = _menu(city_admin_client.get("/help/").content.decode())
    assert {"报告中心", "邀请码", "帮助", "驾驶舱"} <= set(city) and "用户管理" not in city
    admin = _menu(system_admin_client.get("/help/").content.decode())
    assert {"用户管理", "邀请码", "帮助"} <= set(admin)


def test_the_help_page_lists_the_roles_tasks(
    system_admin_client, city_admin_client, anonymous_client
) -> None:
    assert "批量创建区县账号" in system_admin_client.get("/help/").content.decode()
    city = city_admin_client.get("/help/").content.decode()
    assert "市级管理员的常用操作" in city and "编写并定稿终期评估报告" in city
    assert "企业认领" in anonymous_client.get("/help/").content.decode()


def test_the_403_page_is_chinese_and_navigable(district_admin_client) -> None:
    response = district_admin_client.get("/accounts/users/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问（403）" in html and "已记入审计日志" in html
    assert _menu(html)["报告中心"] == "/reports/"
    assert 'href="/help/"' in html


def test_the_404_page_is_chinese_and_navigable(city_admin_client) -> None:
    response = city_admin_client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在（404）" in html and "/no-such-page/" in html
    assert "驾驶舱" in _menu(html)


def test_the_500_page_is_chinese() -> None:
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "服务器错误（500）" in html and 'href="/help/"' in html


def test_a_refusal_is_logged_as_one_line(settings) -> None:
    assert "denials_one_line" in settings.LOGGING["loggers"]["django.request"]["filters"]
    try:
        raise PermissionError("denied")
    except PermissionError:
        exc_info = sys.exc_info()
    request = RequestFactory().get("/accounts/users/")
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden (Permission denied): %s", ("/x",), exc_info
    )
    record.status_code = 403
    record.request = request
    assert ExpectedDenialFilter().filter(record)
    text = logging.Formatter().format(record)
    assert text == "Refused 403: GET /accounts/users/ (user anonymous)"
    assert "\n" not in text and "Traceback" not in text


@pytest.mark.django_db(transaction=True)  # the test closes the connection under Django
def test_a_lost_database_connection_is_a_chinese_503_with_retry_after() -> None:
    from django.db import connection

    from wenchuang.api.exceptions import server_error as site_server_error

    if connection.vendor != "postgresql":
        pytest.skip("the embedded SQLite has no server connection to lose")
    connection.ensure_connection()
    connection.connection.close()  # the server went away under the request: the real driver error
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        page = site_server_error(RequestFactory().get("/"))
        api = site_server_error(RequestFactory().get("/api/v1/plans/"))
    else:
        pytest.fail("a closed connection answered a query")
    finally:
        connection.close()
    assert page.status_code == 503 and page["Retry-After"] == "10"
    assert "服务暂时不可用（503）" in page.content.decode()
    assert api.status_code == 503 and b"service_unavailable" in api.content
    # Any other error stays Django's 500 page.
    try:
        raise ValueError("a bug")
    except ValueError:
        assert site_server_error(RequestFactory().get("/")).status_code == 500
