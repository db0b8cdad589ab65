"""Small, explicit micro data for the statistics tests (reference standards loaded once per test)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from wenchuang.classify.models import CultureCategory
from wenchuang.classify.reference import reference_load
from wenchuang.registry.models import District, Enterprise, EnterpriseYear, Platform

_seq = itertools.count(1)


def load_reference() -> None:
    if not District.objects.exists():
        reference_load()


def district(code: str = "330106") -> District:
    return District.objects.get(code=code)


def category(code: str) -> CultureCategory:
    return CultureCategory.objects.get(code=code)


def digital_code() -> str:
    return (
        CultureCategory.objects.filter(level=3, is_new_form=True)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


def plain_code() -> str:
    return (
        CultureCategory.objects.filter(level=3, is_new_form=False)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


def platform(name: str = "测试园区", *, district_code: str = "330106", **kwargs: object) -> Platform:
    return Platform.objects.create(name=name, district=district(district_code), **kwargs)


def enterprise(
    *, district_code: str = "330106", culture_code: str | None = None, platform: Platform | None = None
) -> Enterprise:
    n = next(_seq)
    return Enterprise.objects.create(
        uscc=f"91330100TEST{n:06d}",
        name=f"测试文化企业{n}",
        district=district(district_code),
        culture_category=category(culture_code) if culture_code else None,
        platform=platform,
    )


def year(
    ent: Enterprise,
    y: int,
    *,
    revenue: float | None = None,
    components: tuple[float, float, float, float] | None = None,
    **kwargs: object,
) -> EnterpriseYear:
    c = [Decimal(str(x)) for x in components] if components else [None] * 4
    return EnterpriseYear.objects.create(
        enterprise=ent,
        year=y,
        revenue=None if revenue is None else Decimal(str(revenue)),
        labor_compensation=c[0],
        net_production_tax=c[1],
        depreciation=c[2],
        operating_surplus=c[3],
        **kwargs,
    )
