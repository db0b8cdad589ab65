"""A unit reports, the lead office accepts, and the score changes exactly as the method says (each
expected figure computed by hand from the rules in the test)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from wenchuang.assessment import scoring, selectors, services
from wenchuang.assessment.tests.factories import RULES, district_unit, make_method, make_milestone
from wenchuang.core.errors import DomainError, ForbiddenError

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 1)


def _sheet(unit, year=2023):
    _, rows = selectors.scores(year=year, today=TODAY)
    return next(r for r in rows if r.unit.pk == unit.pk)


def test_a_district_reports_and_the_score_changes_as_the_method_says(reference, district_admin, city_admin):
    make_method()
    xihu = district_unit("330106")
    # weights: 'platforms' programme → 20 each; 'talent' → default 10. Σ = 20 + 20 + 10 = 50
    yes = make_milestone(unit=xihu, code="t1")
    num = make_milestone(unit=xihu, code="t2", measure="number", target=20)
    other = make_milestone(unit=xihu, code="t3", programme="talent")
    start = _sheet(xihu)
    # nothing reported, all three past due (31 Dec 2023 < 1 Mar 2024): 3 × 2 points off
    assert (start.sheet.base, start.sheet.deducted, start.sheet.total) == (0, 6, -6)

    r1 = services.report_submit(
        user=district_admin, milestone_id=yes.pk, done=True, evidence="认定文件", on=date(2023, 11, 1)
    )
    assert _sheet(xihu).sheet.total == Decimal(
        -4
    )  # reported: no overdue deduction, but not yet accepted: 0 points
    services.report_review(user=city_admin, report_id=r1.pk, accept=True)
    assert _sheet(xihu).sheet.total == Decimal(100 * 20 / 50 - 4)  # 40 − 4

    r2 = services.report_submit(
        user=district_admin, milestone_id=num.pk, value=Decimal(15), evidence="统计表", on=date(2024, 1, 10)
    )
    services.report_review(user=city_admin, report_id=r2.pk, accept=True)
    sheet = _sheet(xihu).sheet
    # 40 + 40 × 15/20 = 70; late report −1; t3 overdue −2
    assert (sheet.base, sheet.deducted, sheet.total) == (Decimal(70), Decimal(3), Decimal(67))
    assert [line.points for line in sheet.lines] == [Decimal(40), Decimal(30), Decimal(0)]
    assert "完成15/目标20" in sheet.lines[1].detail and "迟报" in sheet.deductions[0].detail

    services.adjustment_add(
        user=city_admin,
        unit_id=xihu.pk,
        year=2023,
        kind="bonus",
        item="国家级荣誉",
        points=Decimal(8),
        reason="获评国家文化产业示范园区",
    )
    assert _sheet(xihu).sheet.total == Decimal(67 + 5)  # bonus capped at 5
    assert other.pk


def test_the_ranking_orders_units_by_total(reference, city_admin):
    make_method()
    a, b = district_unit("330106"), district_unit("330108")
    ma, mb = make_milestone(unit=a, code="a1"), make_milestone(unit=b, code="b1")
    for m in (ma, mb):
        r = services.report_submit(
            user=city_admin, milestone_id=m.pk, done=m is mb, evidence="e", on=date(2023, 6, 1)
        )
        services.report_review(user=city_admin, report_id=r.pk, accept=True)
    _, rows = selectors.scores(year=2023, today=TODAY)
    assert [(r.rank, r.unit.code, r.sheet.total) for r in rows] == [
        (1, b.code, Decimal(100)),
        (2, a.code, Decimal(0)),
    ]


def test_a_district_sees_and_reports_only_its_own_tasks(reference, district_admin, city_admin):
    make_method()
    own = make_milestone(unit=district_unit("330106"), code="o1")
    other = make_milestone(unit=district_unit("330108"), code="x1")
    assert list(selectors.milestones(user=district_admin, year=2023)) == [own]
    assert set(selectors.milestones(user=city_admin, year=2023)) == {own, other}
    with pytest.raises(ForbiddenError):
        services.report_submit(user=district_admin, milestone_id=other.pk, done=True, evidence="e")
    with pytest.raises(DomainError, match="佐证"):
        services.report_submit(user=district_admin, milestone_id=own.pk, done=True, evidence=" ")
    r = services.report_submit(user=district_admin, milestone_id=own.pk, done=True, evidence="e")
    with pytest.raises(ForbiddenError):
        services.report_review(user=district_admin, report_id=r.pk, accept=True)
    with pytest.raises(DomainError, match="原因"):
        services.report_review(user=city_admin, report_id=r.pk, accept=False)


def test_a_method_revision_is_a_new_version_and_bad_rules_are_refused(reference):
    m1 = services.method_publish(code="annual", name="办法", applies_from=2021, rules=RULES)
    m2 = services.method_publish(
        code="annual", name="办法（修订）", applies_from=2023, rules={**RULES, "late_deduction": 3}
    )
    assert (m1.version, m2.version) == (1, 2)
    assert selectors.method_for(year=2022) == m1 and selectors.method_for(year=2024) == m2
    with pytest.raises(DomainError, match="缺少"):
        services.method_publish(code="annual", name="坏", applies_from=2021, rules={"weights": {}})


def test_scoring_is_pure_and_caps_deductions():
    ms = [
        scoring.MilestoneInput("t", "p", f"m{i}", "yesno", None, date(2023, 1, 1), None, False)
        for i in range(15)
    ]
    sheet = scoring.score(rules=RULES, milestones=ms, adjustments=[], today=TODAY)
    assert (sheet.deducted, sheet.total) == (Decimal(20), Decimal(-20))  # 15 × 2 = 30, capped at 20
    assert len(sheet.overdue) == 15


def test_the_lines_add_up_to_the_task_score_after_rounding():
    # three equal weights: 33.333… each; the lines must add up to 100.00, not 99.99
    ms = [
        scoring.MilestoneInput(
            f"t{i}", "p", f"m{i}", "yesno", None, date(2025, 1, 1), (None, True, date(2023, 1, 1)), True
        )
        for i in range(3)
    ]
    sheet = scoring.score(rules=RULES, milestones=ms, adjustments=[], today=TODAY)
    assert [line.points for line in sheet.lines] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sheet.base == sum(line.points for line in sheet.lines) == Decimal("100.00")
