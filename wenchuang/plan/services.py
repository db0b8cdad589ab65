"""Writes of the plan app: loading a plan file into the database.

`plan_load` validates the whole file first (schema.plan_file_parse) and writes nothing if anything
is wrong. Otherwise it upserts every row by its natural key inside one transaction, set-based
(one read per table, bulk create/update with history), so that loading an unchanged file is a
no-op and several plans live side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from wenchuang.classify.models import CultureCategory
from wenchuang.plan.models import (
    Commitment,
    Indicator,
    IndustryFocus,
    Plan,
    PlanFact,
    Programme,
    SpatialUnit,
    SpatialUnitDistrict,
    SpatialUnitPlatform,
    SpatialUnitTarget,
)
from wenchuang.plan.schema import PlanFile, plan_file_parse
from wenchuang.registry.models import District, Platform
from wenchuang.registry.regions import region_district_ids, region_level

__all__ = ["PlanLoadResult", "SyncCounts", "plan_load"]


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class PlanLoadResult:
    plan: Plan
    # Keyed by model label (e.g. "plan.Indicator", "registry.Platform"), in write order.
    counts: dict[str, SyncCounts] = field(default_factory=dict)

    def _total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.counts.values())

    @property
    def created(self) -> int:
        return self._total("created")

    @property
    def updated(self) -> int:
        return self._total("updated")

    @property
    def unchanged(self) -> int:
        return self._total("unchanged")

    @property
    def deleted(self) -> int:
        return self._total("deleted")

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())


def plan_load(*, path: str | Path) -> PlanLoadResult:
    """Load (or reload) a plan file. Raises schema.PlanFileError carrying every problem; then
    nothing has been written."""
    known_districts = set(District.objects.values_list("code", flat=True))
    # Culture codes are checked only once the classification is loaded; before that the file's
    # codes cannot be confirmed either way.
    culture = set(
        CultureCategory.objects.filter(level=CultureCategory.Level.MINOR).values_list("code", flat=True)
    )
    parsed = plan_file_parse(
        path=path,
        known_districts=known_districts,
        known_culture_codes=culture or None,
        region_known=lambda code: bool(region_district_ids(code)),
    )
    reason = f"plan load {parsed.file_name}"
    with transaction.atomic():
        return _PlanWriter(
            parsed.document, file_name=parsed.file_name, sha256=parsed.sha256, reason=reason
        ).run()


def _sync(
    model: type[models.Model],
    *,
    existing: models.QuerySet[Any],
    rows: dict[Hashable, dict[str, Any]],
    key: Callable[[Any], Hashable],
    reason: str,
    delete_missing: bool = True,
) -> tuple[dict[Hashable, Any], SyncCounts]:
    """Make the rows selected by `existing` match `rows` (natural key → field values by attname).

    Only the fields given are compared and written, so columns the file does not speak for are
    left alone. Returns the objects by key, with primary keys, and the counts.
    """
    counts = SyncCounts()
    current = {key(obj): obj for obj in existing}
    to_create: list[Any] = []
    to_update: list[Any] = []
    update_fields: set[str] = set()
    for row_key, values in rows.items():
        obj = current.get(row_key)
        if obj is None:
            to_create.append(model(**values))
            continue
        # Decimal("2285") == Decimal("2285.0000"), so numbers read back from the database compare equal.
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            update_fields.update(changed)
            to_update.append(obj)
        else:
            counts.unchanged += 1
    if to_create:
        bulk_create_with_history(to_create, model, default_change_reason=reason)
        counts.created = len(to_create)
    if to_update:
        bulk_update_with_history(to_update, model, fields=sorted(update_fields), default_change_reason=reason)
        counts.updated = len(to_update)
    stale = [obj.pk for row_key, obj in current.items() if row_key not in rows]
    if delete_missing and stale:
        # Rows the file no longer has: the file is the source of truth for its plan.
        model._default_manager.filter(pk__in=stale).delete()
        counts.deleted = len(stale)
    if to_create:
        # One re-read gives every created row its primary key on any backend.
        current = {key(obj): obj for obj in existing.all()}
    return {row_key: current[row_key] for row_key in rows}, counts


class _PlanWriter:
    """One load: writes in dependency order and collects the counts."""

    def __init__(self, document: PlanFile, *, file_name: str, sha256: str, reason: str) -> None:
        self.doc = document
        self.file_name = file_name
        self.sha256 = sha256
        self.reason = reason
        self.counts: dict[str, SyncCounts] = {}

    def _sync(self, model: type[models.Model], **kwargs: Any) -> dict[Hashable, Any]:
        """`_sync` with this load's change reason, its counts added to the load's."""
        objects, counts = _sync(model, reason=self.reason, **kwargs)
        self._record(model, counts)
        return objects

    def _record(self, model: type[models.Model], counts: SyncCounts) -> None:
        label = model._meta.label
        if label in self.counts:
            previous = self.counts[label]
            for name in ("created", "updated", "unchanged", "deleted"):
                setattr(previous, name, getattr(previous, name) + getattr(counts, name))
        else:
            self.counts[label] = counts

    def run(self) -> PlanLoadResult:
        plan, state = self._plan()
        platforms = self._platforms()
        self._indicators(plan)
        units = self._spatial_units(plan)
        self._unit_members(units, platforms)
        self._industries(plan)
        self._programmes(plan)
        self._facts(plan, units)
        result = PlanLoadResult(plan=plan, counts=self.counts)
        if state == "changed" or (state == "unchanged" and result.changed):
            # loaded_at means "last load that changed this plan"; a no-op reload leaves it alone.
            plan.loaded_at = timezone.now()
            plan._change_reason = self.reason  # type: ignore[attr-defined]
            plan.save()
        return result

    # -- plan ---------------------------------------------------------------------------------

    def _plan(self) -> tuple[Plan, str]:
        """Returns the plan and "created", "changed" or "unchanged"; a changed plan is saved by run()."""
        spec = self.doc.plan
        region = spec.region_code(settings.WENCHUANG_REGION_CODE)
        values = {
            "name": spec.name,
            "region_code": region,
            "region_level": region_level(region),
            "start_year": spec.start_year,
            "end_year": spec.end_year,
            "base_year": spec.base_year,
            "vision_year": spec.vision_year,
            "source_title": spec.source.title,
            "source_sha256": spec.source.sha256 or "",
            "file_name": self.file_name,
            "file_sha256": self.sha256,
            "description": spec.description,
        }
        plan = Plan.objects.filter(code=spec.code).first()
        counts = SyncCounts()
        if plan is None:
            plan = Plan(code=spec.code, loaded_at=timezone.now(), **values)
            plan._change_reason = self.reason  # type: ignore[attr-defined]
            plan.save()
            counts.created = 1
            self._record(Plan, counts)
            return plan, "created"
        changed = [name for name, value in values.items() if getattr(plan, name) != value]
        for name in changed:
            setattr(plan, name, values[name])
        if changed:
            counts.updated = 1
        else:
            counts.unchanged = 1
        self._record(Plan, counts)
        return plan, "changed" if changed else "unchanged"

    # -- registry platforms -------------------------------------------------------------------

    def _platforms(self) -> dict[str, Platform]:
        """Upsert registry platforms by name. The registry is shared: only the fields the file
        states are written, and platforms the file does not mention are never deleted."""
        district_ids = dict(District.objects.values_list("code", "id"))
        names = [p.name for p in self.doc.platforms]
        rows: dict[Hashable, dict[str, Any]] = {}
        for spec in self.doc.platforms:
            values: dict[str, Any] = {"name": spec.name}
            if spec.kind is not None:
                values["kind"] = spec.kind
            if spec.level is not None:
                values["level"] = spec.level
            if spec.district is not None:
                values["district_id"] = district_ids[spec.district]
            if spec.note:
                values["note"] = spec.note
            rows[spec.name] = values
        by_name = self._sync(
            Platform,
            existing=Platform.objects.filter(name__in=names),
            rows=rows,
            key=lambda p: p.name,
            delete_missing=False,
        )
        return {str(k): v for k, v in by_name.items()}

    # -- indicators ---------------------------------------------------------------------------

    def _indicators(self, plan: Plan) -> None:
        rows: dict[Hashable, dict[str, Any]] = {}
        for spec in self.doc.indicators:
            rows[spec.code] = {
                "plan_id": plan.pk,
                "code": spec.code,
                "category": spec.category,
                "seq": spec.seq,
                "name": spec.name,
                "unit": spec.unit,
                "direction": spec.direction,
                "base_year": spec.base.year if spec.base else None,
                "base_value": spec.base.value if spec.base else None,
                "target_year": spec.target.year,
                "target_op": spec.target.op,
                "target_value": spec.target.value,
                "formula": spec.formula.model_dump(mode="json", exclude_none=True) if spec.formula else None,
                "notes": spec.notes,
                "quote": spec.quote,
            }
        self._sync(
            Indicator,
            existing=Indicator.objects.filter(plan=plan),
            rows=rows,
            key=lambda o: o.code,
        )

    # -- spatial layout -----------------------------------------------------------------------

    def _spatial_units(self, plan: Plan) -> dict[str, SpatialUnit]:
        rows: dict[Hashable, dict[str, Any]] = {
            spec.code: {
                "plan_id": plan.pk,
                "code": spec.code,
                "kind": spec.kind,
                "seq": spec.seq,
                "name": spec.name,
                "description": spec.description,
                "note": spec.note,
            }
            for spec in self.doc.spatial_units
        }
        by_code = self._sync(
            SpatialUnit,
            existing=SpatialUnit.objects.filter(plan=plan),
            rows=rows,
            key=lambda o: o.code,
        )
        return {str(k): v for k, v in by_code.items()}

    def _unit_members(self, units: dict[str, SpatialUnit], platforms: dict[str, Platform]) -> None:
        district_ids = dict(District.objects.values_list("code", "id"))
        unit_ids = [u.pk for u in units.values()]
        district_rows: dict[Hashable, dict[str, Any]] = {}
        platform_rows: dict[Hashable, dict[str, Any]] = {}
        target_rows: dict[Hashable, dict[str, Any]] = {}
        for spec in self.doc.spatial_units:
            unit_id = units[spec.code].pk
            for code in spec.districts:
                district_id = district_ids[code]
                district_rows[(unit_id, district_id)] = {
                    "spatial_unit_id": unit_id,
                    "district_id": district_id,
                }
            for seq, name in enumerate(spec.platforms, start=1):
                platform_id = platforms[name].pk
                platform_rows[(unit_id, platform_id)] = {
                    "spatial_unit_id": unit_id,
                    "platform_id": platform_id,
                    "seq": seq,
                }
            for target in spec.targets:
                target_rows[(unit_id, target.measure, target.year)] = {
                    "spatial_unit_id": unit_id,
                    "measure": target.measure,
                    "year": target.year,
                    "op": target.op,
                    "value": target.value,
                    "unit": target.unit,
                    "quote": target.quote,
                }
        self._sync(
            SpatialUnitDistrict,
            existing=SpatialUnitDistrict.objects.filter(spatial_unit_id__in=unit_ids),
            rows=district_rows,
            key=lambda o: (o.spatial_unit_id, o.district_id),
        )
        self._sync(
            SpatialUnitPlatform,
            existing=SpatialUnitPlatform.objects.filter(spatial_unit_id__in=unit_ids),
            rows=platform_rows,
            key=lambda o: (o.spatial_unit_id, o.platform_id),
        )
        self._sync(
            SpatialUnitTarget,
            existing=SpatialUnitTarget.objects.filter(spatial_unit_id__in=unit_ids),
            rows=target_rows,
            key=lambda o: (o.spatial_unit_id, o.measure, o.year),
        )

    # -- industries, programmes, facts --------------------------------------------------------

    def _industries(self, plan: Plan) -> None:
        rows: dict[Hashable, dict[str, Any]] = {
            spec.code: {
                "plan_id": plan.pk,
                "code": spec.code,
                "kind": spec.kind,
                "seq": spec.seq,
                "name": spec.name,
                "description": spec.description,
                "culture_codes": list(spec.culture_codes),
            }
            for spec in self.doc.industries
        }
        self._sync(
            IndustryFocus,
            existing=IndustryFocus.objects.filter(plan=plan),
            rows=rows,
            key=lambda o: o.code,
        )

    def _programmes(self, plan: Plan) -> None:
        rows: dict[Hashable, dict[str, Any]] = {
            spec.code: {
                "plan_id": plan.pk,
                "code": spec.code,
                "seq": spec.seq,
                "name": spec.name,
                "description": spec.description,
            }
            for spec in self.doc.programmes
        }
        by_code = self._sync(
            Programme,
            existing=Programme.objects.filter(plan=plan),
            rows=rows,
            key=lambda o: o.code,
        )

        commitment_rows: dict[Hashable, dict[str, Any]] = {}
        for spec in self.doc.programmes:
            programme_id = by_code[spec.code].pk
            for item in spec.commitments:
                commitment_rows[(programme_id, item.code)] = {
                    "programme_id": programme_id,
                    "code": item.code,
                    "seq": item.seq,
                    "text": item.text,
                    "metric": item.metric or "",
                    "target_op": item.target_op or "",
                    "target_value": item.target_value,
                    "unit": item.unit,
                    # Omitted = due by the end of the plan period.
                    "deadline_year": item.deadline_year or self.doc.plan.end_year,
                    "responsible": item.responsible,
                }
        self._sync(
            Commitment,
            existing=Commitment.objects.filter(programme__plan=plan),
            rows=commitment_rows,
            key=lambda o: (o.programme_id, o.code),
        )

    def _facts(self, plan: Plan, units: dict[str, SpatialUnit]) -> None:
        rows: dict[Hashable, dict[str, Any]] = {
            spec.code: {
                "plan_id": plan.pk,
                "code": spec.code,
                "seq": spec.seq,
                "name": spec.name,
                "year": spec.year,
                "qualifier": spec.qualifier,
                "value": spec.value,
                "unit": spec.unit,
                "spatial_unit_id": units[spec.spatial_unit].pk if spec.spatial_unit else None,
                "quote": spec.quote,
            }
            for spec in self.doc.facts
        }
        self._sync(
            PlanFact,
            existing=PlanFact.objects.filter(plan=plan),
            rows=rows,
            key=lambda o: o.code,
        )
