"""Writes of the classifier: apply decisions to enterprises (set-based, honouring reviewers'
decisions), record reviews, and re-classify after keyword rules change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from wenchuang.classify import classifier
from wenchuang.classify.models import (
    ClassificationDecision,
    CultureCategory,
    GbtIndustryMapping,
    KeywordRule,
    ReclassifyRun,
)
from wenchuang.core import bulk
from wenchuang.core.errors import DomainError

CHUNK = 2000


class ClassifyError(DomainError, ValueError):
    pass


def classifier_inputs() -> tuple[dict[str, classifier.MapEntry], dict[str, classifier.Rule], dict[str, int]]:
    """The mapping, the active rules and 小类 code → pk."""
    mapping = {
        m.gbt_code: classifier.MapEntry(m.category.code, m.category.name, m.gbt_name, m.partial)
        for m in GbtIndustryMapping.objects.select_related("category")
    }
    rules = {
        r.gbt_code: classifier.Rule(
            r.gbt_code,
            r.category_code,
            classifier.keywords(r.include_keywords),
            classifier.keywords(r.exclude_keywords),
        )
        for r in KeywordRule.objects.filter(is_active=True)
    }
    pks = dict(CultureCategory.objects.filter(level=3).values_list("code", "pk"))
    return mapping, rules, pks


def classification_apply(
    *, enterprises: Sequence[tuple[int, str, str]], inputs: Any = None, force: bool = False
) -> dict[str, Any]:
    """(enterprise id, GB/T code, business scope) → decisions written and Enterprise.culture_category set.
    A reviewer's decision is kept unless the code or the scope changed (or `force`). Returns what moved."""
    mapping, rules, pks = inputs or classifier_inputs()
    now = timezone.now()
    moves: Counter[str] = Counter()
    n_review = 0
    for start in range(0, len(enterprises), CHUNK):
        chunk = enterprises[start : start + CHUNK]
        ids = [e[0] for e in chunk]
        existing = {d.enterprise_id: d for d in ClassificationDecision.objects.filter(enterprise_id__in=ids)}
        old_cat = dict(
            ClassificationDecision.objects.filter(enterprise_id__in=ids).values_list(
                "enterprise_id", "category__code"
            )
        )
        new_rows, upd_rows, cat_updates = [], [], []
        for eid, gbt, scope in chunk:
            h = classifier.scope_hash(scope)
            prev = existing.get(eid)
            if (
                prev is not None
                and prev.method == ClassificationDecision.Method.REVIEW
                and prev.gbt_code == (gbt or "")
                and prev.scope_hash == h
                and not force
            ):
                continue
            d = classifier.classify(gbt, scope, mapping=mapping, rules=rules)
            cat_id = pks.get(d.category_code) if d.category_code else None
            n_review += d.needs_review
            values = dict(
                category_id=cat_id,
                confidence=d.confidence,
                reason=d.reason,
                method=d.method,
                gbt_code=gbt or "",
                scope_hash=h,
                needs_review=d.needs_review,
                reviewed_by=None,
                decided_at=now,
            )
            if prev is None:
                new_rows.append(ClassificationDecision(enterprise_id=eid, **values))
                cat_updates.append((cat_id, eid))
            else:
                before = old_cat.get(eid)
                if before != d.category_code:
                    moves[f"{before or '非文化'}→{d.category_code or '非文化'}"] += 1
                if (
                    prev.category_id,
                    prev.confidence,
                    prev.reason,
                    prev.gbt_code,
                    prev.scope_hash,
                    prev.method,
                ) != (cat_id, d.confidence, d.reason, gbt or "", h, d.method):
                    for k, v in values.items():
                        setattr(prev, k, v)
                    upd_rows.append(prev)
                    cat_updates.append((cat_id, eid))
        ClassificationDecision.objects.bulk_create(new_rows, batch_size=CHUNK)
        if upd_rows:
            ClassificationDecision.objects.bulk_update(
                upd_rows,
                [
                    "category",
                    "confidence",
                    "reason",
                    "method",
                    "gbt_code",
                    "scope_hash",
                    "needs_review",
                    "reviewed_by",
                    "decided_at",
                ],
                batch_size=500,
            )
        enterprise_category_set(cat_updates)
    return {
        "examined": len(enterprises),
        "moved": sum(moves.values()),
        "moves": dict(moves),
        "to_review": n_review,
    }


def enterprise_category_set(pairs: Iterable[tuple[int | None, int]]) -> None:
    """Set Enterprise.culture_category for (category id, enterprise id) pairs, set-based (`core.bulk`)."""
    from wenchuang.registry.models import Enterprise

    bulk.update_rows(Enterprise, ("culture_category",), [(pk, (category,)) for category, pk in pairs])


def decision_review(
    *, user: Any, decision_ids: Sequence[int], category_code: str | None = None, accept: bool = False
) -> int:
    """Accept the proposed 小类 (accept=True) or set another one (category_code; "" = not cultural).
    The decision becomes a reviewer's decision that sticks across re-imports. Ids outside the user's
    scope are skipped."""
    cat_id: int | None = None
    if not accept:
        if category_code:
            cat = CultureCategory.objects.filter(level=3, code=category_code).first()
            if cat is None:
                raise ClassifyError(f"文化产业小类代码{category_code}不存在")
            cat_id = cat.pk
    now = timezone.now()
    from wenchuang.classify.selectors import decisions_for_user

    # only decisions the user may review (a district office: its districts' enterprises); no user is
    # a trusted operator (CLI, tests)
    visible = ClassificationDecision.objects.all() if user is None else decisions_for_user(user=user)
    scoped = visible.filter(pk__in=decision_ids).values("pk")
    with transaction.atomic():
        rows = list(ClassificationDecision.objects.select_for_update().filter(pk__in=scoped))
        for d in rows:
            if not accept:
                label = f"{category_code}" if cat_id else "非文化产业"
                d.reason = f"人工审核改为 {label}（原判定：{d.reason}）"
                d.category_id = cat_id
            else:
                d.reason = f"人工审核确认（{d.reason}）"
            d.method = ClassificationDecision.Method.REVIEW
            d.confidence = 1.0
            d.needs_review = False
            d.reviewed_by = user if getattr(user, "pk", None) else None
            d.decided_at = now
        ClassificationDecision.objects.bulk_update(
            rows, ["category", "reason", "method", "confidence", "needs_review", "reviewed_by", "decided_at"]
        )
        enterprise_category_set((d.category_id, d.enterprise_id) for d in rows)
    return len(rows)


def reclassify_request(*, gbt_codes: Sequence[str] | None = None) -> ReclassifyRun:
    """Queue a background re-classification of the enterprises with these codes (None = all)."""
    from wenchuang.classify.tasks import reclassify_task

    run = ReclassifyRun.objects.create(gbt_codes=list(gbt_codes) if gbt_codes else [])
    transaction.on_commit(lambda: reclassify_task.enqueue(run.pk))
    return run


def reclassify_run(*, run_id: int) -> ReclassifyRun:
    from wenchuang.registry.models import Enterprise

    run = ReclassifyRun.objects.get(pk=run_id)
    run.status = ReclassifyRun.Status.RUNNING
    run.save(update_fields=["status"])
    qs = Enterprise.objects.all()
    if run.gbt_codes:
        qs = qs.filter(gbt_code__in=run.gbt_codes)
    rows = list(qs.values_list("pk", "gbt_code", "business_scope"))
    with transaction.atomic():
        result = classification_apply(enterprises=rows)
    run.examined, run.moved, run.moves = result["examined"], result["moved"], result["moves"]
    run.status = ReclassifyRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    return run


def keyword_rule_update(
    *, user: Any, rule_id: int, include: str, exclude: str, is_active: bool
) -> ReclassifyRun:
    """Edit one rule; the enterprises with that code are re-classified in the background."""
    if user is None or getattr(user, "role", None) not in ("data_manager", "city_admin"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if not classifier.keywords(include):
        raise ClassifyError("纳入关键词不能为空")
    with transaction.atomic():
        rule = KeywordRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise ClassifyError("规则不存在")
        rule.include_keywords = include.strip()
        rule.exclude_keywords = exclude.strip()
        rule.is_active = is_active
        rule.save()
        return reclassify_request(gbt_codes=[rule.gbt_code])
