"""The set-based scoring (one INSERT … SELECT) against an independent computation in Python."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wenchuang.finance import scorecard, services
from wenchuang.finance.models import CreditFact, CreditScore
from wenchuang.finance.selectors import score_for_enterprise, scorecard_current
from wenchuang.finance.tests.factories import random_firms
from wenchuang.ingest.models import ImportBatch, TaxYear
from wenchuang.registry.models import EnterpriseYear

YEAR = 2024


def independent_facts(firm: Any) -> dict[str, Any]:
    """The attribute values computed here from the stored rows, without the SQL."""
    ys = {y.year: y for y in EnterpriseYear.objects.filter(enterprise=firm)}
    cur, prev = ys.get(YEAR), ys.get(YEAR - 1)
    cf = CreditFact.objects.filter(enterprise=firm, year=YEAR).first()
    tax = TaxYear.objects.filter(enterprise=firm, year=YEAR).first()
    growth = margin = None
    if cur and prev and prev.revenue and prev.revenue > 0 and cur.revenue is not None:
        growth = float((cur.revenue - prev.revenue) * 100 / prev.revenue)
    if cur and cur.revenue and cur.revenue > 0 and cur.operating_surplus is not None:
        margin = float(cur.operating_surplus * 100 / cur.revenue)
    ip = None
    if cf and (cf.copyrights is not None or cf.patents is not None):
        ip = (cf.copyrights or 0) + (cf.patents or 0)
    key: bool | None = bool((cur and cur.is_leading) or (cf and cf.is_key_enterprise))
    if not key and cur is None and (cf is None or cf.is_key_enterprise is None):
        key = None
    return {
        "tax_grade": (tax.credit_grade if tax else None) or ((cf.tax_credit_grade or None) if cf else None),
        "years": YEAR - firm.founded_on.year if firm.founded_on else None,
        "growth": growth,
        "margin": margin,
        "employees": cur.employees if cur else None,
        "ip": ip,
        "awards": cf.awards if cf else None,
        "listed": cur.is_listed if cur else None,
        "key": key,
        "park": firm.platform_id is not None,
        "penalties": cf.penalties if cf else None,
        "social": cf.social_insurance_months if cf else None,
    }


@pytest.mark.django_db
def test_every_firm_gets_the_points_an_independent_computation_gives(reference):
    firms = random_firms(300, year=YEAR)
    batch = ImportBatch.objects.create(kind="tax", file_name="tax.csv", sha256="0" * 64)
    # imported tax grades take precedence over the credit facts' entry, where there are any
    TaxYear.objects.bulk_create(
        [
            TaxYear(enterprise=f, year=YEAR, credit_grade="AD"[i % 2], batch=batch)
            for i, f in enumerate(firms[::7])
        ]
    )
    year, n = services.scores_compute(year=YEAR)
    assert (year, n) == (YEAR, 300)
    table = scorecard_current().table
    stored = {s.enterprise_id: s for s in CreditScore.objects.filter(year=YEAR)}
    assert len(stored) == 300
    for firm in firms:
        expected = scorecard.evaluate(table, independent_facts(firm))
        got = stored[firm.pk]
        assert {c: getattr(got, f"p_{c}") for c in scorecard.ATTRIBUTES} == expected.points, firm.name
        assert (got.total, got.grade) == (expected.total, expected.grade)
        assert 0 <= got.total <= 1000


@pytest.mark.django_db
def test_scoring_is_set_based_and_repeatable(reference):
    random_firms(200, year=YEAR, seed=2)
    with CaptureQueriesContext(connection) as ctx:
        services.scores_compute(year=YEAR)
    writes = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "DELETE"))
    ]
    # one DELETE, one INSERT … SELECT for the scores, and the audit row
    assert len(writes) == 3, writes
    first = sorted(CreditScore.objects.values_list("enterprise_id", "total"))
    services.scores_compute(year=YEAR)
    assert sorted(CreditScore.objects.values_list("enterprise_id", "total")) == first


@pytest.mark.django_db
def test_the_explanation_agrees_with_the_stored_score(reference):
    firm = random_firms(20, year=YEAR, seed=3)[1]
    services.scores_compute(year=YEAR)
    view = score_for_enterprise(user=None, enterprise=firm)
    assert view.stored is not None and view.live is not None
    assert view.live.total == view.stored.total
    assert all(a.advice or a.points == a.max_points for a in view.live.attributes)


@pytest.mark.django_db
def test_missing_facts_score_zero_and_say_so(reference):
    firm = random_firms(1, year=YEAR, seed=4)[0]
    CreditFact.objects.filter(enterprise=firm).delete()
    EnterpriseYear.objects.filter(enterprise=firm, year=YEAR).update(employees=None, revenue=Decimal("100"))
    services.scores_compute(year=YEAR)
    view = score_for_enterprise(user=None, enterprise=firm)
    tax = next(a for a in view.live.attributes if a.code == "tax_grade")
    assert (tax.points, tax.value_text, tax.band) == (0, "暂无数据", "暂无数据")
    assert "补充提交" in tax.advice
