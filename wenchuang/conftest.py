"""Standard actors for every app's tests: one account per role, and a logged-in client for each.

Administrator roles and the city office have a confirmed TOTP device and a 2FA-verified session, so
their clients pass the mandatory second factor. `superuser_client` is a verified system administrator
with is_superuser, able to open every Django admin page.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from wenchuang.accounts.models import Role, User
from wenchuang.accounts.tests.factories import EnterpriseFactory, UserFactory, logged_in_client
from wenchuang.registry.models import District, Enterprise

# CI shares two cores with other work: a slow draw is the machine, not the strategy. Examples and
# deadlines stay as each test sets them.
hypothesis_settings.register_profile(
    "shared-machine", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
hypothesis_settings.load_profile("shared-machine")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 with a million rounds per test user would dominate the run time; production is unchanged.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; keep tests independent.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference(db):
    from wenchuang.classify.reference import reference_load

    return reference_load()


@pytest.fixture
def xihu(reference) -> District:
    return District.objects.get(code="330106")


@pytest.fixture
def enterprise(xihu) -> Enterprise:
    return EnterpriseFactory(name="杭州西湖测试文化传媒有限公司", district=xihu)


@pytest.fixture
def city_admin(reference) -> User:
    return UserFactory(username="city_admin", role=Role.CITY_ADMIN, organisation="杭州市文创办")


@pytest.fixture
def district_admin(xihu) -> User:
    return UserFactory(
        username="district_admin", role=Role.DISTRICT_ADMIN, districts=[xihu], organisation="西湖区文创办"
    )


@pytest.fixture
def data_manager(reference) -> User:
    return UserFactory(username="data_manager", role=Role.DATA_MANAGER)


@pytest.fixture
def enterprise_user(enterprise) -> User:
    return UserFactory(username="enterprise_user", role=Role.ENTERPRISE, enterprise=enterprise)


@pytest.fixture
def finance_user(reference) -> User:
    return UserFactory(username="finance_user", role=Role.FINANCE, organisation="杭州测试银行")


@pytest.fixture
def system_admin(reference) -> User:
    return UserFactory(username="system_admin", role=Role.SYSTEM_ADMIN)


@pytest.fixture
def security_admin(reference) -> User:
    return UserFactory(username="security_admin", role=Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(reference) -> User:
    return UserFactory(username="audit_admin", role=Role.AUDIT_ADMIN)


@pytest.fixture
def superuser(reference) -> User:
    return UserFactory(username="superuser", role=Role.SYSTEM_ADMIN, is_superuser=True)


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture
def city_admin_client(city_admin) -> Client:
    return logged_in_client(city_admin)


@pytest.fixture
def district_admin_client(district_admin) -> Client:
    return logged_in_client(district_admin)


@pytest.fixture
def data_manager_client(data_manager) -> Client:
    return logged_in_client(data_manager)


@pytest.fixture
def enterprise_user_client(enterprise_user) -> Client:
    return logged_in_client(enterprise_user)


@pytest.fixture
def finance_user_client(finance_user) -> Client:
    return logged_in_client(finance_user)


@pytest.fixture
def system_admin_client(system_admin) -> Client:
    return logged_in_client(system_admin)


@pytest.fixture
def security_admin_client(security_admin) -> Client:
    return logged_in_client(security_admin)


@pytest.fixture
def audit_admin_client(audit_admin) -> Client:
    return logged_in_client(audit_admin)


@pytest.fixture
def superuser_client(superuser) -> Client:
    return logged_in_client(superuser)


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker is not None and marker.kwargs.get("transaction")) or any(
        f in fixtures for f in ("transactional_db", "live_server")
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by it
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A transactional test ends with a flush that also removes what the data migrations seeded
    (validation rules, keyword rules, the scorecard table). Django's runner puts such tests last; across
    parallel workers nothing can, so they carry the `transactional` mark and `make test` runs them in a
    second, sequential pass after the parallel one; there each starts from the migrated state."""
    for item in items:
        if _transactional(item):
            item.add_marker(pytest.mark.transactional)
            # Each starts from the migrated state (seeded rows included), restored by Django.
            marker = item.get_closest_marker("django_db")
            kwargs = {**(marker.kwargs if marker is not None else {}), "transaction": True}
            item.add_marker(pytest.mark.django_db(**kwargs, serialized_rollback=True))
