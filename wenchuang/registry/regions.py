"""Regions at every level of GB/T 2260 — the nation, a province, a city, a county — as the sets of
county-level divisions (`District` rows) they hold. A plan, a cockpit and a user's scope name a region
by its code; everything below reads the region as its counties, because the fact cells are per county.

Codes follow GB/T 2260: a province ends in "0000", a city (地级) in "00", a county in neither; the
nation is "000000". Names of the levels above the county come from the dated divisions reference
(`Division`, loaded by `wenchuang reference load` for the deployment's region). Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from wenchuang.registry.models import District, Division

NATION = "000000"


def region_level(code: str) -> str:
    """ "nation" | "province" | "city" | "county" from the code's shape."""
    if code == NATION:
        return "nation"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str


def deployment_region() -> Region:
    """The region this deployment serves (WENCHUANG_REGION_CODE; by default the city)."""
    code = settings.WENCHUANG_REGION_CODE
    return Region(code, region_name(code), region_level(code))


def region_name(code: str) -> str:
    """The region's name: the nation, a division of the reference (current or retired), a county of the
    registry; the code itself when none is loaded."""
    if code == NATION:
        return "全国"
    name = Division.objects.filter(code=code).values_list("name", flat=True).first()
    if name is None:
        name = District.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code


def region_within(code: str, outer: str) -> bool:
    """Whether region `code` lies in region `outer` (a region lies in itself)."""
    level = region_level(outer)
    if level == "nation":
        return True
    if level == "province":
        return code[:2] == outer[:2]
    if level == "city":
        return code[:4] == outer[:4]
    return code == outer


def region_district_ids(code: str) -> list[int]:
    """The ids of the county-level divisions a region holds (a county: itself)."""
    level = region_level(code)
    qs = District.objects.all()
    if level == "county":
        qs = qs.filter(code=code)
    elif level == "city":
        qs = qs.filter(parent_code=code)
    elif level == "province":
        qs = qs.filter(parent_code__startswith=code[:2])
    return list(qs.order_by("code").values_list("pk", flat=True))


def region_children(code: str) -> list[Region]:
    """The regions one level down that hold data: a city's counties; a province's cities (those with
    counties in the registry); the nation's provinces. Names of levels above the county come from the
    divisions reference where it is loaded, else the code stands in."""
    level = region_level(code)
    if level == "county":
        return []
    if level == "city":
        return [
            Region(d.code, d.name, "county")
            for d in District.objects.filter(parent_code=code).order_by("code")
        ]
    parents = (
        District.objects.all()
        if level == "nation"
        else District.objects.filter(parent_code__startswith=code[:2])
    )
    codes = sorted(set(parents.values_list("parent_code", flat=True)))
    if level == "nation":
        codes = sorted({c[:2] + "0000" for c in codes})
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    return [Region(c, names.get(c, c), region_level(c)) for c in codes]
