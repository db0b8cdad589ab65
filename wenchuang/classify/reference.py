"""Loading of the built-in reference standards (GB/T 2260 divisions, culture classification 2018).

Divisions are loaded for the deployment's region (WENCHUANG_REGION_CODE: a city, a province or the
nation) from `divisions-<province>.csv`: every dated division of the region and the levels above it
into `Division`, and the county-level divisions in force into `District` (the table fact cells use).

Each loaded row gets its first history record, so a later correction shows as a before/after change.

Idempotent: rows are upserted by code; a row a data manager has corrected in the admin (its name or
name check changed after loading) is left as corrected, so re-running set-up never undoes a review.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from wenchuang.classify.models import CultureCategory, GbtIndustryMapping
from wenchuang.registry.models import District, Division
from wenchuang.registry.regions import NATION, region_level, region_within

REFERENCE_DIR = Path(settings.DATA_DIR) / "reference"


@dataclass
class LoadCounts:
    created: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, *, created: int, unchanged: int) -> None:
        self.created[name] = created
        self.unchanged[name] = unchanged


def _rows(name: str, directory: Path) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def reference_load(*, directory: Path | None = None, region: str | None = None) -> LoadCounts:
    directory = directory or REFERENCE_DIR
    region = region or settings.WENCHUANG_REGION_CODE
    counts = LoadCounts()
    divisions = division_rows(directory, region)
    counts.add("divisions", **_load_divisions(divisions))
    counts.add("districts", **_load_districts(divisions))
    counts.add("division_changes", **_check_changes(directory, region))
    counts.add("culture_categories", **_load_categories(_rows("culture-classification-2018.csv", directory)))
    counts.add("new_forms", **_mark_new_forms(_rows("culture-new-forms-16.csv", directory)))
    counts.add("gbt_mappings", **_load_mappings(_rows("culture-classification-2018-gbt-map.csv", directory)))
    counts.add("district_crosswalk", **_check_crosswalk(directory))
    return counts


def _check_crosswalk(directory: Path) -> dict[str, int]:
    """The 2021 district crosswalk is read from its file where it is used (`core.districts`); loading
    checks it: every district it maps to exists, every old district has its one default row."""
    from wenchuang.core.districts import CROSSWALK_FILE, crosswalk

    if not (directory / CROSSWALK_FILE).exists():
        return {"created": 0, "unchanged": 0}
    rows = crosswalk(directory)
    known = set(District.objects.values_list("code", flat=True))
    unknown = sorted({r.new_code for r in rows} - known)
    if unknown:
        raise ValueError(f"{CROSSWALK_FILE}：对照的区划代码{'、'.join(unknown)}不在区划表中")
    olds = [r.old_code for r in rows if not r.street]
    if len(olds) != len(set(olds)) or {r.old_code for r in rows} != set(olds):
        raise ValueError(f"{CROSSWALK_FILE}：每个原区县须有且只有一行默认归属（街道为空）")
    return {"created": 0, "unchanged": len(rows)}


class DivisionFileError(ValueError):
    pass


def division_files(directory: Path, region: str) -> list[Path]:
    """The divisions files a region needs: its province's, or every province's for the nation."""
    if region == NATION:
        return sorted(directory.glob("divisions-[0-9][0-9]0000.csv"))
    path = directory / f"divisions-{region[:2]}0000.csv"
    if not path.exists():
        raise DivisionFileError(
            f"未找到区划参考文件 {path.name}：部署区域 {region} 所在省份的区划尚未收录"
            "（见 data/reference/SOURCES.md）"
        )
    return [path]


def division_rows(directory: Path, region: str) -> list[dict[str, str]]:
    """The rows of the region, the region itself and the levels above it (its province, its city),
    current and retired, checked: levels agree with the codes, parents exist, dates are ISO dates."""
    files = division_files(directory, region)
    if not files:
        raise DivisionFileError("未找到任何区划参考文件（divisions-<省级代码>.csv）")
    rows = [r for path in files for r in _rows(path.name, directory)]
    codes = {r["code"] for r in rows}
    for r in rows:
        level = r["level"]
        if level not in {"province", "city", "county"} or region_level(r["code"]) != level:
            raise DivisionFileError(f"区划 {r['code']}（{r['name']}）的层级“{r['level']}”与代码不符")
        if level != "province" and r["parent_code"] not in codes:
            raise DivisionFileError(f"区划 {r['code']}（{r['name']}）的上级 {r['parent_code']} 不在区划表中")
        for key in ("valid_from", "valid_to"):
            if r[key]:
                date.fromisoformat(r[key])
    if region != NATION and region not in codes:
        raise DivisionFileError(f"部署区域 {region} 不在区划参考文件中")
    ancestors = {region[:2] + "0000", region[:4] + "00"} if region != NATION else set()
    return [r for r in rows if region_within(r["code"], region) or r["code"] in ancestors]


def _load_divisions(rows: list[dict[str, str]]) -> dict[str, int]:
    existing = set(Division.objects.values_list("code", flat=True))
    new = [
        Division(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            kind=r["kind"],
            parent_code=r["parent_code"],
            valid_from=date.fromisoformat(r["valid_from"]) if r["valid_from"] else None,
            valid_to=date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            note=r["note"],
        )
        for r in rows
        if r["code"] not in existing
    ]
    bulk_create_with_history(new, Division)
    return {"created": len(new), "unchanged": len(rows) - len(new)}


def _load_districts(divisions: list[dict[str, str]]) -> dict[str, int]:
    """The county-level divisions in force (no `valid_to`); retired ones stay in `Division` only."""
    rows = [r for r in divisions if r["level"] == "county" and not r["valid_to"]]
    existing = set(District.objects.values_list("code", flat=True))
    new = [
        District(code=r["code"], name=r["name"], kind=r["kind"], parent_code=r["parent_code"], note=r["note"])
        for r in rows
        if r["code"] not in existing
    ]
    bulk_create_with_history(new, District)
    return {"created": len(new), "unchanged": len(rows) - len(new)}


def _check_changes(directory: Path, region: str) -> dict[str, int]:
    """The code-level crosswalk of changes (`divisions-<province>-changes.csv`) is checked against the
    divisions: both codes are known, a code that was replaced whole is retired on the change's date."""
    if region == NATION:
        paths = sorted(directory.glob("divisions-[0-9][0-9]0000-changes.csv"))
    else:
        paths = [p for p in [directory / f"divisions-{region[:2]}0000-changes.csv"] if p.exists()]
    known = {d.code: d for d in Division.objects.all()}
    checked = 0
    for path in paths:
        for r in _rows(path.name, directory):
            if not (region_within(r["old_code"], region) or region_within(r["new_code"], region)):
                continue
            missing = [c for c in (r["old_code"], r["new_code"]) if c not in known]
            if missing:
                raise DivisionFileError(f"{path.name}：区划代码{'、'.join(missing)}不在区划表中")
            retired = known[r["old_code"]].valid_to
            if r["resolution"] == "whole" and retired != date.fromisoformat(r["effective"]):
                raise DivisionFileError(
                    f"{path.name}：{r['old_code']}（{r['old_name']}）整体并入{r['new_name']}，"
                    f"其停用日期应为{r['effective']}"
                )
            checked += 1
    return {"created": 0, "unchanged": checked}


def _load_categories(rows: list[dict[str, str]]) -> dict[str, int]:
    existing = set(CultureCategory.objects.values_list("code", flat=True))
    created = 0
    # Parents first (the file is ordered 大类 → 中类 → 小类 within each branch, but sort to be safe).
    for level in (1, 2, 3):
        parents = {c.code: c for c in CultureCategory.objects.filter(level=level - 1)} if level > 1 else {}
        new = [
            CultureCategory(
                code=r["code"],
                name=r["name"],
                level=level,
                parent=parents.get(r["parent_code"]) if level > 1 else None,
                domain=r["domain"],
                name_check=r["name_check"],
            )
            for r in rows
            if int(r["level"]) == level and r["code"] not in existing
        ]
        bulk_create_with_history(new, CultureCategory)
        created += len(new)
    return {"created": created, "unchanged": len(rows) - created}


def _mark_new_forms(rows: list[dict[str, str]]) -> dict[str, int]:
    by_code = {c.code: c for c in CultureCategory.objects.filter(code__in=[r["culture_code"] for r in rows])}
    changed = []
    for r in rows:
        cat = by_code[r["culture_code"]]
        seq = int(r["seq"])
        if not cat.is_new_form or cat.new_form_seq != seq:
            cat.is_new_form, cat.new_form_seq = True, seq
            changed.append(cat)
    bulk_update_with_history(changed, CultureCategory, ["is_new_form", "new_form_seq"])
    return {"created": len(changed), "unchanged": len(rows) - len(changed)}


def _load_mappings(rows: list[dict[str, str]]) -> dict[str, int]:
    existing = set(GbtIndustryMapping.objects.values_list("gbt_code", flat=True))
    minors = {c.code: c for c in CultureCategory.objects.filter(level=3)}
    new = [
        GbtIndustryMapping(
            gbt_code=r["gbt4754_code"],
            gbt_name=r["gbt4754_name"],
            category=minors[r["culture_code"]],
            partial=r["partial"] == "1",
        )
        for r in rows
        if r["gbt4754_code"] not in existing
    ]
    bulk_create_with_history(new, GbtIndustryMapping)
    return {"created": len(new), "unchanged": len(rows) - len(new)}
