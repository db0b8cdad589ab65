"""Enterprises through the API are scoped like the web: a district office never sees another
district's firm (403, the same body as for a firm that does not exist)."""

from __future__ import annotations

import pytest

from wenchuang.accounts.models import AuditEvent
from wenchuang.accounts.tests.factories import EnterpriseFactory, logged_in_client
from wenchuang.registry.models import District, EnterpriseYear

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"


@pytest.fixture
def binjiang_firm(reference):
    return EnterpriseFactory(name="滨江测试动漫有限公司", district=District.objects.get(code="330108"))


@pytest.fixture
def firms(enterprise, binjiang_firm, xihu):
    more = [EnterpriseFactory(name=f"西湖测试数字文化{i}有限公司", district=xihu) for i in range(5)]
    EnterpriseYear.objects.create(enterprise=more[0], year=2021, revenue=5000, is_above_scale=True)
    EnterpriseYear.objects.create(enterprise=more[1], year=2021, revenue=100, is_above_scale=False)
    return [enterprise, binjiang_firm, *more]


def _usccs(response):
    assert response.status_code == 200, response.content
    return {e["uscc"] for e in response.json()["results"]}


def test_the_city_office_and_the_data_manager_see_the_city(firms, city_admin_client, data_manager_client):
    every = {f.uscc for f in firms}
    assert _usccs(city_admin_client.get(URL)) == every
    assert _usccs(data_manager_client.get(URL)) == every


def test_a_district_office_sees_only_its_district(firms, binjiang_firm, district_admin_client):
    seen = _usccs(district_admin_client.get(URL))
    assert binjiang_firm.uscc not in seen and len(seen) == 6
    assert _usccs(district_admin_client.get(URL, {"district": "330108"})) == set()


def test_a_district_office_gets_the_same_403_for_elsewhere_and_missing(
    firms, binjiang_firm, enterprise, district_admin_client
):
    assert district_admin_client.get(f"{URL}{enterprise.uscc}/").status_code == 200
    elsewhere = district_admin_client.get(f"{URL}{binjiang_firm.uscc}/")
    missing = district_admin_client.get(f"{URL}91330108MA2ZZZZZZ5/")
    assert elsewhere.status_code == missing.status_code == 403
    assert elsewhere.content == missing.content
    assert elsewhere.json() == {"detail": "无权访问该对象或对象不存在", "code": "not_accessible"}
    assert AuditEvent.objects.filter(event="permission_denied", request_id=elsewhere["X-Request-ID"]).exists()


def test_an_enterprise_sees_only_itself(firms, enterprise, binjiang_firm, enterprise_user_client):
    assert _usccs(enterprise_user_client.get(URL)) == {enterprise.uscc}
    assert enterprise_user_client.get(f"{URL}{binjiang_firm.uscc}/").status_code == 403


@pytest.mark.parametrize("actor", ["finance_user_client", "system_admin_client"])
def test_it_refuses_roles_without_micro_data(firms, request, actor):
    client = request.getfixturevalue(actor)
    r = client.get(URL)
    assert r.status_code == 403 and r["Content-Type"] == "application/json"
    assert r.json()["code"] == "permission_denied" and "WWW-Authenticate" not in r
    assert "\u4e00" <= r.json()["detail"][0] <= "\u9fff"  # Chinese
    assert AuditEvent.objects.filter(event="permission_denied", request_id=r["X-Request-ID"]).exists()


@pytest.mark.parametrize("path", ["", "91330106MA2ZZZZZZ5/"])
def test_it_requires_credentials_with_a_401_that_names_the_scheme(firms, anonymous_client, path):
    r = anonymous_client.get(f"{URL}{path}")
    assert r.status_code == 401 and r["WWW-Authenticate"] == "Token"
    assert r["Content-Type"] == "application/json"
    assert r.json() == {
        "detail": "未登录：请先登录，或在请求头中提供令牌（Authorization: Token <令牌>）",
        "code": "not_authenticated",
    }
    assert AuditEvent.objects.filter(event="permission_denied", request_id=r["X-Request-ID"]).exists()


def test_a_browser_session_still_works_and_keeps_its_csrf_check(firms, city_admin, city_admin_client):
    assert city_admin_client.get(URL).status_code == 200
    strict = logged_in_client(city_admin)
    strict.handler.enforce_csrf_checks = True  # as a browser: a session POST without the CSRF token fails
    r = strict.post("/api/v1/imports/", {"kind": "registration"})
    assert r.status_code == 403 and r.json()["detail"].startswith("CSRF校验失败")


def test_it_filters_by_district_category_above_scale_and_search(firms, enterprise, city_admin_client):
    assert len(_usccs(city_admin_client.get(URL, {"district": "330106"}))) == 6
    above = _usccs(city_admin_client.get(URL, {"above_scale": "true", "year": 2021}))
    assert above == {firms[2].uscc}
    assert _usccs(city_admin_client.get(URL, {"above_scale": "true"})) == above  # latest year by default
    assert _usccs(city_admin_client.get(URL, {"q": "滨江测试"})) == {firms[1].uscc}
    assert _usccs(city_admin_client.get(URL, {"q": enterprise.uscc[:12]})) >= {enterprise.uscc}
    category = enterprise.culture_category
    if category is not None:
        major = category.parent.parent.code
        assert enterprise.uscc in _usccs(city_admin_client.get(URL, {"major": major}))


def test_it_serves_no_personal_data(firms, enterprise, city_admin_client):
    item = city_admin_client.get(URL).json()["results"][0]
    assert set(item) == {
        "uscc", "name", "district", "gbt_code", "culture_category", "status", "status_label",
        "founded_on", "platform", "is_demo",
    }  # fmt: skip
    detail = city_admin_client.get(f"{URL}{enterprise.uscc}/").json()
    assert set(detail) - set(item) == {"business_scope", "years"}


def test_the_list_is_paginated_and_audited_as_an_export(firms, city_admin_client):
    r = city_admin_client.get(URL, {"page_size": 2})
    body = r.json()
    assert body["count"] == 7 and len(body["results"]) == 2 and body["next"]
    row = AuditEvent.objects.get(event="export", request_id=r["X-Request-ID"])
    assert row.detail["channel"] == "api" and row.detail["rows"] == 2


def test_list_query_count_does_not_grow_with_rows(
    firms, xihu, district_admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        district_admin_client.get(URL)
    for i in range(30):
        EnterpriseFactory(name=f"西湖测试批量{i}有限公司", district=xihu)
    with django_assert_max_num_queries(10):
        r = district_admin_client.get(URL)
    assert r.json()["count"] == 36
