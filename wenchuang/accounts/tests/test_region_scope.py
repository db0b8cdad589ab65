"""Scope at every level: in a city deployment the roles mean what they always did; in a province
deployment the unbound 市级管理员 is the province office, one bound to a city sees that city's counties,
a 区县管理员 its bound counties. Binding is validated and audited."""

from __future__ import annotations

import pytest

from wenchuang.accounts import user_services as us
from wenchuang.accounts.models import AuditEvent, Role, User
from wenchuang.accounts.tests.factories import EnterpriseFactory, UserFactory
from wenchuang.classify.reference import reference_load
from wenchuang.core.scope import user_scope
from wenchuang.registry.models import District
from wenchuang.registry.regions import region_district_ids
from wenchuang.registry.selectors import district_list_for_user, enterprise_list_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(settings):
    settings.WENCHUANG_REGION_CODE = "330000"
    settings.WENCHUANG_DEPLOYMENT_LEVEL = "province"
    reference_load()
    return {code: District.objects.get(code=code) for code in ("330106", "330203", "330212", "330302")}


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # the scope is cached per user object


def test_a_city_deployment_keeps_the_roles_meaning(city_admin, district_admin, data_manager) -> None:
    assert user_scope(city_admin).city_wide
    assert user_scope(data_manager).city_wide
    assert user_scope(city_admin).filter(district_field="district") is None
    scope = user_scope(district_admin)
    assert scope.district_ids == {District.objects.get(code="330106").pk}


def test_offices_at_every_level_of_a_province_deployment(province) -> None:
    firms = {code: EnterpriseFactory(district=d) for code, d in province.items()}
    office = UserFactory(role=Role.CITY_ADMIN)  # unbound: the deployment region, the province
    ningbo = UserFactory(role=Role.CITY_ADMIN, region_code="330200")
    ningbo_stats = UserFactory(role=Role.DATA_MANAGER, region_code="330200")
    county = UserFactory(role=Role.DISTRICT_ADMIN, districts=[province["330203"]])

    assert user_scope(office).city_wide
    assert set(enterprise_list_for_user(user=office)) == set(firms.values())

    scope = user_scope(ningbo)
    assert scope.district_ids == set(region_district_ids("330200"))
    assert len(scope.district_ids) == 10
    assert scope.district_names == "宁波市" and scope.region_code == "330200"
    assert not scope.city_wide
    assert scope.covers_district(province["330212"].pk)
    assert not scope.covers_district(province["330106"].pk)
    assert set(enterprise_list_for_user(user=ningbo)) == {firms["330203"], firms["330212"]}
    assert set(enterprise_list_for_user(user=ningbo_stats)) == {firms["330203"], firms["330212"]}
    assert {d.parent_code for d in district_list_for_user(user=ningbo)} == {"330200"}
    assert "宁波市" in scope.outside("该企业")

    assert set(enterprise_list_for_user(user=county)) == {firms["330203"]}


def test_an_office_bound_to_the_deployment_region_sees_all_of_it(province) -> None:
    user = UserFactory(role=Role.CITY_ADMIN, region_code="330000")
    assert user_scope(user).city_wide


def test_the_system_administrator_binds_an_office_to_a_city(province, system_admin) -> None:
    created = us.user_create(
        by=system_admin, username="nb_office", role=Role.CITY_ADMIN, region_code="330200"
    )
    assert created.user.region_code == "330200"
    assert user_scope(_fresh(created.user)).district_ids == set(region_district_ids("330200"))
    event = AuditEvent.objects.filter(detail__action="user_create").latest("pk")
    assert event.detail["region_code"] == "330200"

    us.user_update(by=system_admin, user=created.user, role=Role.CITY_ADMIN, districts=[], region_code="")
    assert user_scope(_fresh(created.user)).city_wide
    event = AuditEvent.objects.filter(detail__action="user_update").latest("pk")
    assert (event.detail["before"]["region_code"], event.detail["after"]["region_code"]) == ("330200", "")

    # the deployment region itself is stored as unbound
    us.user_update(
        by=system_admin, user=created.user, role=Role.CITY_ADMIN, districts=[], region_code="330000"
    )
    assert User.objects.get(pk=created.user.pk).region_code == ""


@pytest.mark.parametrize(
    ("role", "region", "message"),
    [
        (Role.CITY_ADMIN, "320100", "不是本部署区域"),
        (Role.CITY_ADMIN, "330204", "不是本部署区域"),  # 江东区, retired in 2016
        (Role.CITY_ADMIN, "330212", "区县管理员"),
        (Role.FINANCE, "330200", "只有市级管理员、统计员"),
    ],
)
def test_a_wrong_binding_is_refused_in_chinese(province, system_admin, role, region, message) -> None:
    with pytest.raises(us.AccountError, match=message):
        us.user_create(by=system_admin, username="x_office", role=role, region_code=region)
    assert not User.objects.filter(username="x_office").exists()


def test_in_a_city_deployment_there_is_no_lower_region_to_bind(city_admin, system_admin) -> None:
    with pytest.raises(us.AccountError, match="不是本部署区域"):
        us.user_create(by=system_admin, username="nb_office", role=Role.CITY_ADMIN, region_code="330200")


def test_the_account_form_offers_the_cities_of_a_province(province, system_admin_client) -> None:
    body = system_admin_client.get("/accounts/users/new/").content.decode()
    assert "部署区域全部（浙江省）" in body
    assert "宁波市（330200）" in body
