"""Undo of a completed import batch: what it inserted is deleted and what it replaced restored from its
`BatchChange` rows. Refused when a later batch has since changed the same facts, when the batch's
rows are referenced elsewhere, or when an approved (locked) district-year would change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from wenchuang.approval.selectors import LockedError, assert_unlocked_rows
from wenchuang.core import bulk
from wenchuang.ingest.errors import UndoRefused
from wenchuang.ingest.models import (
    AnnualSource,
    BatchChange,
    EnterpriseRegistration,
    ImportBatch,
    OfficialSource,
    SocialInsuranceYear,
    TaxYear,
)
from wenchuang.ingest.refresh import stats_refresh, touched_partitions
from wenchuang.ingest.writers import DETAIL_FIELDS, REG_FIELDS, WRITERS, FactModel, locked_moves
from wenchuang.registry.models import Enterprise, EnterpriseYear

CHUNK = 5000  # ids per IN (…) query


def batch_undo(*, batch_id: int, user: Any = None, recompute_later: bool = False) -> ImportBatch:
    """Undo a completed batch: delete what it inserted and restore what it replaced. Refused when a later
    batch has since changed the same facts (undo that one first)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            raise UndoRefused(f"批次#{batch_id}不存在")
        if batch.status != ImportBatch.Status.DONE:
            raise UndoRefused(
                f"批次#{batch_id}状态为“{batch.get_status_display()}”，只有已完成的批次可以撤销"
            )
        later = set(
            BatchChange.objects.filter(before__batch=batch.pk, batch__status=ImportBatch.Status.DONE)
            .exclude(batch=batch)
            .values_list("batch_id", flat=True)
        )
        _refuse_later(later)
        changes = list(BatchChange.objects.filter(batch=batch))
        changed_ids = {c.object_id for c in changes}
        touched_years: set[int] = set()
        touched = touched_partitions(batch)  # where its rows are now (and were before it), before the undo
        if batch.kind == "registration":
            _undo_registration(batch, changes, changed_ids)
        elif batch.kind == "annual":
            touched_years = _undo_facts(batch, changes, changed_ids, EnterpriseYear)
        elif batch.kind == "tax":
            _undo_facts(batch, changes, changed_ids, TaxYear)
        elif batch.kind == "social":
            _undo_facts(batch, changes, changed_ids, SocialInsuranceYear)
        else:
            _undo_official(batch, changes, changed_ids)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.message = (batch.message + "；" if batch.message else "") + "已撤销"
        batch.save()
    if batch.kind in ("registration", "annual"):
        batch.years = sorted(set(batch.years) | touched_years)
        stats_refresh(batch, touched, later=recompute_later)
    return batch


def _refuse_later(later: set[int]) -> None:
    if later:
        ids = "、".join(f"#{b}" for b in sorted(later))
        raise UndoRefused(f"之后的批次{ids}又修改了本批次导入的数据，请先撤销这些批次")


def _undo_registration(batch: ImportBatch, changes: list[BatchChange], changed_ids: set[int]) -> None:
    from django.db.models import ProtectedError

    from wenchuang.classify.services import classification_apply

    prov = dict(
        EnterpriseRegistration.objects.filter(enterprise_id__in=changed_ids).values_list(
            "enterprise_id", "batch_id"
        )
    )
    _refuse_later({b for b in prov.values() if b != batch.pk})
    inserted = list(
        EnterpriseRegistration.objects.filter(batch=batch)
        .exclude(enterprise_id__in=changed_ids)
        .values_list("enterprise_id", flat=True)
    )
    later: set[int] = set()
    for start in range(0, len(inserted), CHUNK):
        part = inserted[start : start + CHUNK]
        later |= set(
            AnnualSource.objects.filter(enterprise_year__enterprise_id__in=part).values_list(
                "batch_id", flat=True
            )
        )
        later |= set(TaxYear.objects.filter(enterprise_id__in=part).values_list("batch_id", flat=True))
        later |= set(
            SocialInsuranceYear.objects.filter(enterprise_id__in=part).values_list("batch_id", flat=True)
        )
    later = set(
        ImportBatch.objects.filter(pk__in=later, status=ImportBatch.Status.DONE).values_list("pk", flat=True)
    )
    _refuse_later(later)
    try:
        for start in range(0, len(inserted), CHUNK):
            part = inserted[start : start + CHUNK]
            EnterpriseRegistration.objects.filter(enterprise_id__in=part).delete()
            Enterprise.objects.filter(pk__in=part).delete()
    except ProtectedError as exc:
        raise UndoRefused("本批次新增的企业已被其他数据引用（如企业账号），无法撤销") from exc
    # publication lock: moving an enterprise back changes the years it has data for, as the move did
    now = dict(Enterprise.objects.filter(pk__in=changed_ids).values_list("pk", "district_id"))
    refused = locked_moves(
        {
            c.object_id: (c.object_id, now[c.object_id], c.before["fields"].get("district_id"))
            for c in changes
            if c.object_id in now
        }
    )
    if refused:
        raise UndoRefused(next(iter(refused.values())))
    rows = []
    for c in changes:
        f = c.before["fields"]
        rows.append((c.object_id, tuple(_restore(Enterprise, k, f[k]) for k in REG_FIELDS)))
    bulk.update_rows(Enterprise, REG_FIELDS, rows)
    gone = [c.object_id for c in changes if not c.before.get("detail")]
    EnterpriseRegistration.objects.filter(enterprise_id__in=gone).delete()
    EnterpriseRegistration.objects.bulk_create(
        [
            EnterpriseRegistration(
                enterprise_id=c.object_id, batch_id=c.before["batch"], **c.before["detail"]
            )
            for c in changes
            if c.before.get("detail")
        ],
        update_conflicts=True,
        unique_fields=["enterprise"],
        update_fields=[*DETAIL_FIELDS, "batch"],
    )
    if changes:
        classification_apply(
            enterprises=[
                (c.object_id, c.before["fields"]["gbt_code"], c.before["fields"]["business_scope"])
                for c in changes
            ]
        )


def _restore(model: type[Model], name: str, value: Any) -> Any:
    return bulk.field(model, name).to_python(value) if value is not None else None


def _undo_facts(
    batch: ImportBatch, changes: list[BatchChange], changed_ids: set[int], model: FactModel
) -> set[int]:
    annual = model is EnterpriseYear
    if annual:
        prov = dict(
            AnnualSource.objects.filter(enterprise_year_id__in=changed_ids).values_list(
                "enterprise_year_id", "batch_id"
            )
        )
        inserted = list(
            AnnualSource.objects.filter(batch=batch)
            .exclude(enterprise_year_id__in=changed_ids)
            .values_list("enterprise_year_id", flat=True)
        )
    else:
        assert not issubclass(model, EnterpriseYear)  # narrows to tax / social, whose rows carry `batch`
        prov = dict(model.objects.filter(pk__in=changed_ids).values_list("pk", "batch_id"))
        inserted = list(
            model.objects.filter(batch=batch).exclude(pk__in=changed_ids).values_list("pk", flat=True)
        )
    _refuse_later({b for b in prov.values() if b != batch.pk})
    touched = model.objects.filter(pk__in=[*inserted, *changed_ids]).values_list(
        "enterprise__district_id", "year"
    )
    try:  # publication lock: an undo must not change an approved district-year either
        assert_unlocked_rows(touched.distinct())
    except LockedError as exc:
        raise UndoRefused(exc.message) from exc
    years = set(
        model.objects.filter(pk__in=[*inserted, *changed_ids]).values_list("year", flat=True).distinct()
    )
    for start in range(0, len(inserted), CHUNK):
        part = inserted[start : start + CHUNK]
        if annual:
            AnnualSource.objects.filter(enterprise_year_id__in=part).delete()
        model.objects.filter(pk__in=part).delete()
    writer = WRITERS[batch.kind]
    fields = list(writer.fields)  # type: ignore[attr-defined]
    rows = [(c.object_id, tuple(_restore(model, k, c.before["fields"][k]) for k in fields)) for c in changes]
    if annual:
        bulk.update_rows(model, fields, rows)
        AnnualSource.objects.filter(
            enterprise_year_id__in=[c.object_id for c in changes if not c.before["batch"]]
        ).delete()
        AnnualSource.objects.bulk_create(
            [
                AnnualSource(enterprise_year_id=c.object_id, batch_id=c.before["batch"])
                for c in changes
                if c.before["batch"]
            ],
            update_conflicts=True,
            unique_fields=["enterprise_year"],
            update_fields=["batch"],
        )
    else:
        bulk.update_rows(
            model,
            [*fields, "batch"],
            [(pk, (*vals, c.before["batch"])) for (pk, vals), c in zip(rows, changes, strict=True)],
        )
    return years


def _undo_official(batch: ImportBatch, changes: list[BatchChange], changed_ids: set[int]) -> None:
    from wenchuang.stats.models import OfficialFigure

    prov = dict(OfficialSource.objects.filter(figure_id__in=changed_ids).values_list("figure_id", "batch_id"))
    _refuse_later({b for b in prov.values() if b != batch.pk})
    inserted = list(
        OfficialSource.objects.filter(batch=batch)
        .exclude(figure_id__in=changed_ids)
        .values_list("figure_id", flat=True)
    )
    OfficialFigure.objects.filter(pk__in=inserted).delete()
    for c in changes:
        f = c.before["fields"]
        OfficialFigure.objects.filter(pk=c.object_id).update(
            value=Decimal(f["value"]),
            unit=f["unit"],
            source_document=f["source_document"],
            reliability=f.get("reliability", OfficialFigure.Reliability.VERIFIED),
        )
        if c.before["batch"]:
            OfficialSource.objects.filter(figure_id=c.object_id).update(batch_id=c.before["batch"])
        else:
            OfficialSource.objects.filter(figure_id=c.object_id).delete()
