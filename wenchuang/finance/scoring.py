"""Scoring all enterprises at once: the points table (finance.scorecard) turned into one SQL statement.

`facts_queryset(year)` gives, per active enterprise with facts for the year, the value of every
scorecard attribute as an SQL expression over the registry (enterprise, its year and previous-year
facts) and finance.CreditFact. `points_sql(table, year)` adds one CASE per attribute (the bands, in
order) plus the total and the grade; `scores_refresh` runs it as a single INSERT … SELECT, so the
database does the work in one pass and nothing is scored row by row in Python. The explanation of one
enterprise's score evaluates the same facts with `scorecard.evaluate`; the tests check the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Substr

from wenchuang.finance.models import CreditScore
from wenchuang.finance.scorecard import ATTRIBUTES
from wenchuang.registry.models import Enterprise


def facts_queryset(year: int) -> QuerySet[Enterprise]:
    """Active enterprises with registry or credit facts for `year`, with aliases f_<attribute>."""
    cur, prev, cf = "cur__", "prev__", "cf__"
    return (
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
        .annotate(
            cur=FilteredRelation("years", condition=Q(years__year=year)),
            prev=FilteredRelation("years", condition=Q(years__year=year - 1)),
            cf=FilteredRelation("credit_facts", condition=Q(credit_facts__year=year)),
            tax=FilteredRelation("tax_years", condition=Q(tax_years__year=year)),
        )
        .filter(Q(cur__year__isnull=False) | Q(cf__year__isnull=False))
        .alias(
            # The imported tax data (税务数据导入) first, the credit facts' entry otherwise.
            f_tax_grade=Coalesce(
                NullIf(F("tax__credit_grade"), Value("")),
                NullIf(F(f"{cf}tax_credit_grade"), Value("")),
                output_field=CharField(),
            ),
            # The year as the text's first four digits: no per-row function call on SQLite.
            f_years=Value(year) - Cast(Substr(Cast("founded_on", CharField()), 1, 4), IntegerField()),
            f_growth=Case(
                When(
                    Q(**{f"{prev}revenue__gt": 0, f"{cur}revenue__isnull": False}),
                    then=Cast(
                        (F(f"{cur}revenue") - F(f"{prev}revenue")) * Value(100.0) / F(f"{prev}revenue"),
                        FloatField(),
                    ),
                ),
                default=None,
                output_field=FloatField(),
            ),
            f_margin=Case(
                When(
                    Q(**{f"{cur}revenue__gt": 0, f"{cur}operating_surplus__isnull": False}),
                    then=Cast(F(f"{cur}operating_surplus") * Value(100.0) / F(f"{cur}revenue"), FloatField()),
                ),
                default=None,
                output_field=FloatField(),
            ),
            f_employees=F(f"{cur}employees"),
            f_ip=Case(
                When(
                    Q(**{f"{cf}copyrights__isnull": False}) | Q(**{f"{cf}patents__isnull": False}),
                    then=Coalesce(F(f"{cf}copyrights"), 0) + Coalesce(F(f"{cf}patents"), 0),
                ),
                default=None,
                output_field=IntegerField(),
            ),
            f_awards=F(f"{cf}awards"),
            f_listed=F(f"{cur}is_listed"),
            f_key=Case(
                When(Q(**{f"{cur}is_leading": True}) | Q(**{f"{cf}is_key_enterprise": True}), then=True),
                When(Q(**{f"{cur}year__isnull": True, f"{cf}is_key_enterprise__isnull": True}), then=None),
                default=False,
                output_field=BooleanField(),
            ),
            f_park=Case(When(platform__isnull=False, then=True), default=False, output_field=BooleanField()),
            f_penalties=F(f"{cf}penalties"),
            f_social=F(f"{cf}social_insurance_months"),
        )
    )


def _band_sql(column: str, band: Mapping[str, Any]) -> tuple[str, list[Any]]:
    if "eq" in band:
        return f"{column} = %s", [band["eq"]]
    parts, params = [], []
    if "gte" in band:
        parts.append(f"{column} >= %s")
        params.append(band["gte"])
    if "lt" in band:
        parts.append(f"{column} < %s")
        params.append(band["lt"])
    return " AND ".join(parts) or f"{column} IS NOT NULL", params


def points_sql(table: Mapping[str, Any], year: int) -> tuple[str, list[Any], str, list[Any]]:
    """(WITH clause, its parameters, SELECT, its parameters): eid, score_total, score_grade and
    p_<attribute>… for every enterprise. The facts and the points are materialised common table
    expressions, so every fact and every attribute's points are computed once per row (inlined, the
    databases would repeat them in every band, the total and the grade): the facts (the ORM query),
    one CASE per attribute over them (NULL matches no band: 0 points), then their sum and its grade."""
    q = connection.ops.quote_name
    facts = {f"v_{c}": F(f"f_{c}") for c in ATTRIBUTES}
    inner, inner_params = (
        facts_queryset(year)
        .annotate(eid=F("pk"), **facts)
        .values("eid", *facts)
        .order_by()
        .query.sql_with_params()
    )
    cases, band_params = [], []
    for a in table["attributes"]:
        column = f"f.{q('v_' + a['code'])}"
        whens = []
        for band in a["bands"]:
            cond, cond_params = _band_sql(column, band)
            whens.append(f"WHEN {cond} THEN {int(band['points'])}")
            band_params += cond_params
        cases.append(f"CASE {' '.join(whens)} ELSE 0 END AS {q('p_' + a['code'])}")
    points = [q(f"p_{a['code']}") for a in table["attributes"]]
    total = " + ".join(f"p.{c}" for c in points)
    grades = sorted(table["grades"], key=lambda g: -g["min"])
    grade_case = " ".join(f"WHEN {total} >= {int(g['min'])} THEN %s" for g in grades)
    grade_params = [g["grade"] for g in grades] + [grades[-1]["grade"]]
    with_clause = (
        f"WITH f AS MATERIALIZED ({inner}), "  # noqa: S608
        f"p AS MATERIALIZED (SELECT f.{q('eid')} AS eid, {', '.join(cases)} FROM f)"
    )
    select = (
        f"SELECT p.eid, {total} AS score_total, CASE {grade_case} ELSE %s END AS score_grade, "  # noqa: S608
        f"{', '.join(f'p.{c}' for c in points)} FROM p"
    )
    return with_clause, [*inner_params, *band_params], select, grade_params


def facts_for(enterprise_id: int, year: int) -> dict[str, Any] | None:
    """One enterprise's attribute values for the year (None when it has no facts for that year)."""
    aliases = {f"v_{c}": F(f"f_{c}") for c in ATTRIBUTES}
    row = facts_queryset(year).filter(pk=enterprise_id).annotate(**aliases).values(*aliases).first()
    if row is None:
        return None
    return {c: row[f"v_{c}"] for c in ATTRIBUTES}


def scores_refresh(*, table: Mapping[str, Any], version_id: int, year: int, now: datetime) -> int:
    """Replace the scores of `year` under the version with a fresh computation for every enterprise,
    in one transaction: one DELETE and one INSERT … SELECT. Returns the number of enterprises scored."""
    with_clause, with_params, select, select_params = points_sql(table, year)
    q = connection.ops.quote_name
    point_cols = [f"p_{c}" for c in ATTRIBUTES]
    target = ["enterprise_id", "year", "version_id", "computed_at", "total", "grade", *point_cols]
    source = ["s.eid", "%s", "%s", "%s", "s.score_total", "s.score_grade"] + [f"s.{q(c)}" for c in point_cols]
    insert = (
        f"INSERT INTO {q(CreditScore._meta.db_table)} ({', '.join(q(c) for c in target)}) "  # noqa: S608
        f"{with_clause} SELECT {', '.join(source)} FROM ({select}) s"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        CreditScore.objects.filter(year=year, version_id=version_id)._raw_delete(CreditScore.objects.db)
        cursor.execute(insert, [*with_params, year, version_id, stamp, *select_params])
        return cursor.rowcount


def floor_sql() -> str:
    """The raw floor for the benchmark: one SELECT over the same facts (the same joins), fetched."""
    return (
        "SELECT e.id, e.founded_on, e.platform_id, c.revenue, c.operating_surplus, c.employees, "
        "c.is_listed, c.is_leading, p.revenue, f.tax_credit_grade, f.copyrights, f.patents, f.awards, "
        "f.is_key_enterprise, f.penalties, f.social_insurance_months, t.credit_grade "
        "FROM registry_enterprise e "
        "LEFT JOIN registry_enterpriseyear c ON c.enterprise_id = e.id AND c.year = %s "
        "LEFT JOIN registry_enterpriseyear p ON p.enterprise_id = e.id AND p.year = %s "
        "LEFT JOIN finance_creditfact f ON f.enterprise_id = e.id AND f.year = %s "
        "LEFT JOIN ingest_taxyear t ON t.enterprise_id = e.id AND t.year = %s "
        "WHERE e.status = 'active' AND (c.id IS NOT NULL OR f.id IS NOT NULL)"
    )
