"""用户管理 without the Django admin: the 系统管理员 creates, changes, disables and resets accounts, a
district role without a district is refused, district accounts come in bulk from a sheet (all or
nothing, row-level Chinese messages), invitation codes are issued and listed; every change audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from wenchuang.accounts.models import AuditEvent, InvitationCode, Role, User
from wenchuang.registry.models import District

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="accounts.User", detail__action__startswith="user_")
        .order_by("pk")
        .values_list("detail__action", flat=True)
    )


def _password_on(page: str) -> str:
    start = page.index("<code>", page.index("temporary-passwords")) + len("<code>")
    return page[start : page.index("</code>", start)]


def test_the_system_administrator_creates_a_district_account(system_admin_client, xihu) -> None:
    response = system_admin_client.post(
        "/accounts/users/new/",
        {
            "username": "xihu_office",
            "role": Role.DISTRICT_ADMIN,
            "districts": [xihu.pk],
            "organisation": "西湖区",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "仅显示这一次" in page
    user = User.objects.get(username="xihu_office")
    assert user.role == Role.DISTRICT_ADMIN and list(user.districts.all()) == [xihu]
    # the password shown works, and is not stored in clear
    password = _password_on(page)
    assert user.check_password(password)
    assert password not in user.password
    assert _actions() == ["user_create"]


def test_a_district_role_without_a_district_is_refused(system_admin_client) -> None:
    page = system_admin_client.post(
        "/accounts/users/new/", {"username": "nodistrict", "role": Role.DISTRICT_ADMIN}
    ).content.decode()
    assert "区县管理员必须指定至少一个管辖区县" in page
    assert not User.objects.filter(username="nodistrict").exists()
    assert _actions() == []


def test_it_changes_role_disables_and_resets(system_admin_client, system_admin, data_manager, xihu) -> None:
    url = f"/accounts/users/{data_manager.pk}/"
    # changing to a district role without a district is refused and changes nothing
    page = system_admin_client.post(url, {"role": Role.DISTRICT_ADMIN}).content.decode()
    assert "区县管理员必须指定至少一个管辖区县" in page
    assert User.objects.get(pk=data_manager.pk).role == Role.DATA_MANAGER
    system_admin_client.post(url, {"role": Role.DISTRICT_ADMIN, "districts": [xihu.pk]})
    changed = User.objects.get(pk=data_manager.pk)
    assert changed.role == Role.DISTRICT_ADMIN and list(changed.districts.all()) == [xihu]

    system_admin_client.post(f"/accounts/users/{data_manager.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=data_manager.pk).is_active
    page = system_admin_client.post(f"/accounts/users/{data_manager.pk}/password/").content.decode()
    password = _password_on(page)
    system_admin_client.post(f"/accounts/users/{data_manager.pk}/active/", {"active": "1"})
    assert User.objects.get(pk=data_manager.pk).check_password(password)

    # nobody disables themselves
    system_admin_client.post(f"/accounts/users/{system_admin.pk}/active/", {"active": "0"})
    assert User.objects.get(pk=system_admin.pk).is_active
    assert _actions() == ["user_update", "user_disable", "user_password_reset", "user_enable"]
    update = AuditEvent.objects.get(detail__action="user_update")
    assert update.detail["before"]["role"] == "data_manager" and update.detail["after"]["districts"] == [
        "330106"
    ]


def _sheet(rows: list[list[str]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "accounts.xlsx"
    return buf


def test_bulk_creation_is_all_or_nothing_with_row_messages(system_admin_client, reference) -> None:
    bad = _sheet(
        [
            ["用户名", "姓名", "区县", "单位", "电子邮箱"],
            ["sh_office", "甲", "上城区", "上城区文创办", ""],
            ["", "乙", "西湖区", "", ""],
            ["bj_office", "丙", "西糊区", "", "not-an-email"],
            ["sh_office", "丁", "330108", "", ""],
        ]
    )
    page = system_admin_client.post("/accounts/users/import/", {"file": bad}).content.decode()
    assert "第3行 用户名：不能为空" in page
    assert "第4行 区县：“西糊区”不是本市区县" in page
    assert "第4行 电子邮箱：“not-an-email”格式不正确" in page
    assert "第5行 用户名：“sh_office”与第2行重复" in page
    assert not User.objects.filter(role=Role.DISTRICT_ADMIN).exists()

    good = _sheet(
        [
            ["用户名", "姓名", "区县", "单位"],
            ["sh_office", "甲", "上城区", "上城区文创办"],
            ["bj_office", "丙", "330108", "滨江区文创办"],
        ]
    )
    page = system_admin_client.post("/accounts/users/import/", {"file": good}).content.decode()
    assert page.count("<code>") == 2
    created = {
        u.username: [d.code for d in u.districts.all()] for u in User.objects.filter(role="district_admin")
    }
    expected_sh = District.objects.get(name="上城区").code
    assert created == {"sh_office": [expected_sh], "bj_office": ["330108"]}
    assert AuditEvent.objects.filter(event="import", detail__action="user_bulk_create").count() == 1
    assert _actions().count("user_create") == 2


def test_a_csv_sheet_in_gb18030_is_read(system_admin_client, reference) -> None:
    content = "用户名,区县\r\nxh2,西湖区\r\n".encode("gb18030")
    upload = io.BytesIO(content)
    upload.name = "a.csv"
    system_admin_client.post("/accounts/users/import/", {"file": upload})
    assert User.objects.get(username="xh2").districts.get().name == "西湖区"


def test_invitation_codes_are_issued_and_listed(
    system_admin_client, district_admin_client, enterprise
) -> None:
    page = system_admin_client.post("/accounts/invitations/", {"uscc": enterprise.uscc}).content.decode()
    assert "已为" in page and enterprise.name in page and "未使用" in page
    assert InvitationCode.objects.filter(enterprise=enterprise).count() == 1
    assert enterprise.uscc in district_admin_client.get("/accounts/invitations/").content.decode()
    page = system_admin_client.post("/accounts/invitations/", {"uscc": "91330108MA2ZZZZZZ5"}).content.decode()
    assert "未找到" in page


def test_other_roles_cannot_manage_accounts(city_admin_client, district_admin_client) -> None:
    for client in (city_admin_client, district_admin_client):
        assert client.get("/accounts/users/").status_code == 403
        assert client.post("/accounts/users/new/", {"username": "x", "role": "city_admin"}).status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_a_sheet_above_the_row_limit_is_refused_whole(system_admin_client, reference) -> None:
    from wenchuang.accounts.user_services import SHEET_MAX_ROWS

    rows = [["用户名", "区县"], *[[f"u{i}", "西湖区"] for i in range(SHEET_MAX_ROWS + 1)]]
    page = system_admin_client.post("/accounts/users/import/", {"file": _sheet(rows)}).content.decode()
    assert f"一次最多导入{SHEET_MAX_ROWS}行" in page
    assert not User.objects.filter(username__startswith="u", role=Role.DISTRICT_ADMIN).exists()


def test_a_temporary_password_is_changed_at_the_first_sign_in(system_admin_client, xihu) -> None:
    from django.test import Client

    page = system_admin_client.post(
        "/accounts/users/new/", {"username": "temp_xihu", "role": Role.DISTRICT_ADMIN, "districts": [xihu.pk]}
    ).content.decode()
    password = _password_on(page)
    client = Client()
    client.post("/accounts/login/", {"username": "temp_xihu", "password": password})
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    new = "Changed-Pass-2026-xihu!"
    client.post("/accounts/password/", {"old_password": password, "new_password1": new, "new_password2": new})
    assert client.get("/reports/").status_code == 200
