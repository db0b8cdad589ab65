from __future__ import annotations

import pytest
from django.core.management import call_command

from wenchuang.classify.models import CultureCategory, GbtIndustryMapping
from wenchuang.classify.reference import reference_load
from wenchuang.registry.models import District

pytestmark = pytest.mark.django_db


def test_it_loads_the_standards_counts() -> None:
    reference_load()
    assert District.objects.count() == 13
    assert [CultureCategory.objects.filter(level=level).count() for level in (1, 2, 3)] == [9, 43, 146]
    minors = CultureCategory.objects.filter(level=3)
    assert minors.filter(domain="core").count() == 81
    assert minors.filter(domain="related").count() == 65
    assert minors.filter(is_new_form=True).count() == 16
    assert GbtIndustryMapping.objects.count() == 156
    assert GbtIndustryMapping.objects.filter(partial=True).count() == 18


def test_it_keeps_the_2021_division_change() -> None:
    reference_load()
    codes = set(District.objects.values_list("code", flat=True))
    assert {"330113", "330114"} <= codes  # 临平区, 钱塘区 set up in 2021
    assert not codes & {"330103", "330104"}  # 下城区, 江干区 retired


def test_every_minor_class_has_a_parent_chain_and_consistent_domain() -> None:
    reference_load()
    for minor in CultureCategory.objects.filter(level=3).select_related("parent__parent"):
        major = minor.parent.parent
        assert major.level == 1 and minor.code.startswith(major.code)
        assert minor.domain == ("core" if major.code <= "06" else "related")


def test_unverified_names_stay_flagged() -> None:
    reference_load()
    flagged = CultureCategory.objects.filter(name_check="U")
    assert flagged.filter(level=3).count() == 10
    assert flagged.filter(code="0321").get().needs_check


def test_it_is_idempotent_and_keeps_a_reviewers_correction() -> None:
    reference_load()
    CultureCategory.objects.filter(code="0321").update(name="建筑设计服务（已核）", name_check="V1")
    counts = reference_load()
    assert sum(counts.created.values()) == 0
    assert CultureCategory.objects.get(code="0321").name == "建筑设计服务（已核）"
    assert CultureCategory.objects.count() == 198


def test_the_command_reports_json() -> None:
    from io import StringIO

    out = StringIO()
    call_command("reference", "load", "--json", stdout=out)
    assert '"districts": 13' in out.getvalue()
