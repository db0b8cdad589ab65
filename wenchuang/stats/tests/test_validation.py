"""Validation rules kept as data, run set-based over the enterprise-years."""

from __future__ import annotations

import pytest

from wenchuang.stats import selectors, services
from wenchuang.stats.models import ValidationRule, ValidationViolation
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_default_rules_flag_what_the_issue_names_and_reruns_are_idempotent() -> None:
    f.load_reference()
    assert set(ValidationRule.objects.values_list("code", flat=True)) >= {
        "va-le-output",
        "revenue-yoy-50",
        "employees-with-revenue",
    }
    code = f.plain_code()
    bad_va = f.enterprise(culture_code=code)
    f.year(bad_va, 2020, revenue=100, components=(50, 10, 10, 40), total_output=90, employees=5)
    jumper = f.enterprise(culture_code=code, district_code="330108")
    f.year(jumper, 2020, revenue=100, employees=5)
    f.year(jumper, 2021, revenue=151, employees=5)
    steady = f.enterprise(culture_code=code)
    f.year(steady, 2020, revenue=100, employees=5)
    f.year(steady, 2021, revenue=149, employees=5)
    f.year(steady, 2022, revenue=0, employees=5)  # −100%: flagged; the next year's ÷0 is skipped
    f.year(steady, 2023, revenue=10, employees=5)
    no_staff = f.enterprise()
    f.year(no_staff, 2021, revenue=10)

    first = services.validation_run()
    again = services.validation_run()
    assert first == again
    found = {(v.rule.code, v.enterprise_id, v.year) for v in selectors.violation_list()}
    assert found == {
        ("va-le-output", bad_va.pk, 2020),
        ("revenue-yoy-50", jumper.pk, 2021),
        ("revenue-yoy-50", steady.pk, 2022),
        ("employees-with-revenue", no_staff.pk, 2021),
    }
    v = ValidationViolation.objects.get(rule__code="revenue-yoy-50", enterprise=jumper)
    assert float(v.left_value) == pytest.approx(0.51)
    binjiang = f.district("330108").pk
    assert [x.enterprise_id for x in selectors.violation_list(districts=[binjiang])] == [jumper.pk]

    # Rules are data: a new one takes effect on the next run, for the years asked only.
    ValidationRule.objects.create(
        code="exports-le-revenue", name="出口额不超过营业收入", left="exports", operator="<=", right="revenue"
    )
    f.year(no_staff, 2022, revenue=10, exports=20, employees=1)
    services.validation_run(years=[2022])
    assert ValidationViolation.objects.filter(rule__code="exports-le-revenue").count() == 1
    assert ValidationViolation.objects.filter(year=2020).count() == 1  # other years untouched
