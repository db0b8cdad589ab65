"""One scoping mechanism: each role sees exactly its slice of the registry."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from wenchuang.accounts.models import Role
from wenchuang.accounts.tests.factories import EnterpriseFactory, UserFactory
from wenchuang.registry.models import District, Talent
from wenchuang.registry.selectors import (
    ObjectNotAccessible,
    district_list_for_user,
    enterprise_get_for_user,
    enterprise_list_for_user,
    platform_list_for_user,
    talent_list_for_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def binjiang_enterprise(reference):
    return EnterpriseFactory(name="滨江测试动漫有限公司", district=District.objects.get(code="330108"))


def _names(qs):
    return sorted(e.name for e in qs)


def test_city_wide_roles_see_every_district(city_admin, data_manager, enterprise, binjiang_enterprise):
    for user in (city_admin, data_manager):
        assert enterprise_list_for_user(user=user).count() == 2
        assert district_list_for_user(user=user).count() == District.objects.count()


def test_district_admin_sees_only_its_districts(district_admin, enterprise, binjiang_enterprise):
    assert _names(enterprise_list_for_user(user=district_admin)) == [enterprise.name]
    assert list(district_list_for_user(user=district_admin).values_list("code", flat=True)) == ["330106"]


def test_district_admin_bound_to_two_districts_sees_both(xihu, enterprise, binjiang_enterprise):
    user = UserFactory(role=Role.DISTRICT_ADMIN, districts=[xihu, District.objects.get(code="330108")])
    assert enterprise_list_for_user(user=user).count() == 2


def test_enterprise_user_sees_only_itself(enterprise_user, enterprise, binjiang_enterprise):
    assert list(enterprise_list_for_user(user=enterprise_user)) == [enterprise]


@pytest.mark.parametrize(
    "actor", ["finance_user", "system_admin", "security_admin", "audit_admin", "superuser"]
)
def test_other_roles_see_no_enterprise_micro_data(request, actor, enterprise):
    user = request.getfixturevalue(actor)
    assert enterprise_list_for_user(user=user).count() == 0
    assert talent_list_for_user(user=user).count() == 0


def test_public_sees_no_micro_data_but_the_published_layout(enterprise):
    anonymous = AnonymousUser()
    assert enterprise_list_for_user(user=anonymous).count() == 0
    assert district_list_for_user(user=anonymous).count() == 0
    assert platform_list_for_user(user=anonymous).model.__name__ == "Platform"


def test_it_raises_the_same_error_for_out_of_scope_and_missing(district_admin, binjiang_enterprise):
    with pytest.raises(ObjectNotAccessible) as elsewhere:
        enterprise_get_for_user(user=district_admin, uscc_or_pk=binjiang_enterprise.uscc)
    with pytest.raises(ObjectNotAccessible) as missing:
        enterprise_get_for_user(user=district_admin, uscc_or_pk="91330106MA2ZZZZZZZ")
    assert str(elsewhere.value) == str(missing.value)


def test_it_fetches_in_scope_by_uscc_or_pk(district_admin, enterprise):
    assert enterprise_get_for_user(user=district_admin, uscc_or_pk=enterprise.uscc) == enterprise
    assert enterprise_get_for_user(user=district_admin, uscc_or_pk=enterprise.pk) == enterprise


def test_talents_follow_district_and_enterprise_scope(
    district_admin, enterprise_user, enterprise, binjiang_enterprise
):
    mine = Talent.objects.create(
        name="张三", category="leading", district=enterprise.district, enterprise=enterprise
    )
    Talent.objects.create(name="李四", category="leading", district=binjiang_enterprise.district)
    assert list(talent_list_for_user(user=district_admin)) == [mine]
    assert list(talent_list_for_user(user=enterprise_user)) == [mine]


def test_inactive_accounts_see_nothing(city_admin, enterprise):
    city_admin.is_active = False
    assert enterprise_list_for_user(user=city_admin).count() == 0


def test_it_refuses_a_superuser_that_is_not_the_system_administrator(reference):
    with pytest.raises(IntegrityError):
        UserFactory(username="bad", role=Role.AUDIT_ADMIN, is_superuser=True)


def test_each_account_holds_one_administrator_role_and_group(system_admin, security_admin, audit_admin):
    for user in (system_admin, security_admin, audit_admin):
        assert user.groups.count() == 1
        assert user.is_staff
        assert user.requires_two_factor


def test_enterprise_binding_is_only_for_enterprise_accounts(enterprise):
    with pytest.raises(IntegrityError):
        UserFactory(username="bad2", role=Role.CITY_ADMIN, enterprise=enterprise)
