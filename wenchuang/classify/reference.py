"""Loading of the built-in reference standards (GB/T 2260 divisions, culture classification 2018).

Each loaded row gets its first history record, so a later correction shows as a before/after change.

Idempotent: rows are upserted by code; a row a data manager has corrected in the admin (its name or
name check changed after loading) is left as corrected, so re-running set-up never undoes a review.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from wenchuang.classify.models import CultureCategory, GbtIndustryMapping
from wenchuang.registry.models import District

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
def reference_load(*, directory: Path | None = None) -> LoadCounts:
    directory = directory or REFERENCE_DIR
    counts = LoadCounts()
    counts.add("districts", **_load_districts(_rows("districts-330100.csv", directory)))
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


def _load_districts(rows: list[dict[str, str]]) -> dict[str, int]:
    existing = set(District.objects.values_list("code", flat=True))
    new = [
        District(code=r["code"], name=r["name"], kind=r["type"], parent_code=r["parent_code"], note=r["note"])
        for r in rows
        if r["code"] not in existing
    ]
    bulk_create_with_history(new, District)
    return {"created": len(new), "unchanged": len(rows) - len(new)}


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
