from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from wenchuang.accounts.tests.factories import EnterpriseFactory
from wenchuang.classify.models import CultureCategory
from wenchuang.ingest.models import ImportBatch, TaxYear
from wenchuang.registry.models import District, Enterprise, EnterpriseYear, Platform

YEAR = date.today().year - 1


def firm(
    *,
    district: str = "330106",
    minor: str | None = "0241",
    revenue: str | None = "6200",
    employees: int | None = 20,
    above_scale: bool = True,
    listed: bool = False,
    grade: str | None = "A",
    park: str | None = "national",
    founded_on: date | None = date(2015, 1, 1),
    **kw: Any,
) -> Enterprise:
    platform = None
    if park:
        platform, _ = Platform.objects.get_or_create(name=f"测试园区-{park}", defaults={"level": park})
    e = EnterpriseFactory(
        district=District.objects.get(code=district),
        culture_category=CultureCategory.objects.get(code=minor) if minor else None,
        platform=platform,
        founded_on=founded_on,
        **kw,
    )
    EnterpriseYear.objects.create(
        enterprise=e,
        year=YEAR,
        revenue=Decimal(revenue) if revenue is not None else None,
        employees=employees,
        is_above_scale=above_scale,
        is_listed=listed,
    )
    if grade is not None:
        batch, _ = ImportBatch.objects.get_or_create(
            kind="tax", file_name="tax.csv", defaults={"sha256": "0" * 64}
        )
        TaxYear.objects.create(enterprise=e, year=YEAR, credit_grade=grade, batch=batch)
    return e
