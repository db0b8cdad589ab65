from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from wenchuang.classify.models import CultureCategory
from wenchuang.classify.reference import reference_load
from wenchuang.core import uscc
from wenchuang.registry.models import District, Enterprise, EnterpriseYear, ExportItem, Platform, Talent

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each() -> None:
    reference_load()
    district = District.objects.get(code="330106")
    platform = Platform.objects.create(
        name="示例·测试园区", kind="park", level="municipal", district=district
    )
    enterprise = Enterprise.objects.create(
        uscc=uscc.make_valid("91330106MA2CK7Q13"),
        name="示例·测试文化有限公司",
        gbt_code="8730",
        district=district,
        platform=platform,
        founded_on=datetime.date(2015, 3, 1),
        culture_category=CultureCategory.objects.get(code="0221"),
        is_demo=True,
    )
    EnterpriseYear.objects.create(enterprise=enterprise, year=2020, revenue=100, employees=5)
    Talent.objects.create(
        name="示例人才", category="celebrity", id_number="330106199001011234", phone="13812345678"
    )
    ExportItem.objects.create(kind="base", name="示例·出口基地", recognized_year=2020)


def _admin_urls() -> list[str]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_FakeSuperRequest()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            if hasattr(model_admin, "history_view"):
                urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return urls


class _FakeSuperRequest:
    class user:
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(_perm: str, _obj: object = None) -> bool:
            return True


def test_every_admin_page_answers_200_for_an_administrator(
    superuser_client: Client, one_of_each: None
) -> None:
    urls = _admin_urls()
    assert len(urls) > 20
    # The audit log is the 审计管理员's alone (三员分立); the matrix test covers who may read it.
    expected = {url: 403 if "/accounts/auditevent/" in url else 200 for url in urls}
    assert {url: superuser_client.get(url).status_code for url in urls} == expected


def test_the_talent_admin_never_shows_personal_data_in_clear(
    superuser_client: Client, one_of_each: None
) -> None:
    talent = Talent.objects.get()
    for url in (
        reverse("admin:registry_talent_changelist"),
        reverse("admin:registry_talent_change", args=[talent.pk]),
        reverse("admin:registry_talent_history", args=[talent.pk]),
    ):
        body = superuser_client.get(url).content.decode()
        assert "330106199001011234" not in body and "13812345678" not in body
    assert (
        "3301**********1234"
        in superuser_client.get(reverse("admin:registry_talent_changelist")).content.decode()
    )


def test_a_correction_of_an_unverified_name_is_recorded(superuser_client: Client, one_of_each: None) -> None:
    category = CultureCategory.objects.get(code="0321")
    url = reverse("admin:classify_culturecategory_change", args=[category.pk])
    response = superuser_client.post(
        url,
        {
            "name": "建筑设计服务",
            "domain": "core",
            "is_new_form": "",
            "new_form_seq": "",
            "name_check": "V1",
            "gbt_mappings-TOTAL_FORMS": "1",
            "gbt_mappings-INITIAL_FORMS": "1",
            "gbt_mappings-MIN_NUM_FORMS": "0",
            "gbt_mappings-MAX_NUM_FORMS": "1000",
            "gbt_mappings-0-id": str(category.gbt_mappings.get().pk),
            "gbt_mappings-0-category": str(category.pk),
            "gbt_mappings-0-gbt_code": "7484",
            "gbt_mappings-0-gbt_name": "工程设计活动",
            "gbt_mappings-0-partial": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = category.history.latest()
    assert latest.history_type == "~" and latest.history_user is not None
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name_check", "U", "V1")]
