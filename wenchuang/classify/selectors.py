"""Reads of the classifier: the review queue, explanations and counts. The rules are city-wide work
for the 统计员 and the city office; the review queue is theirs too, and a 区县管理员 reviews the
enterprises of their own districts (scoped through the registry's selectors)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet

from wenchuang.classify.models import ClassificationDecision, CultureCategory, KeywordRule, ReclassifyRun

ROLES = ("data_manager", "city_admin")
REVIEW_ROLES = (*ROLES, "district_admin")


def _check(user: Any, roles: tuple[str, ...] = ROLES) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in roles:
        raise PermissionDenied


def decisions_for_user(*, user: Any) -> QuerySet[ClassificationDecision]:
    """The decisions of the enterprises the user may see (all of them for the city-wide roles)."""
    from wenchuang.registry.selectors import enterprise_list_for_user

    _check(user, REVIEW_ROLES)
    qs = ClassificationDecision.objects.all()
    if user.role in ROLES:
        return qs
    return qs.filter(enterprise__in=enterprise_list_for_user(user=user).values("pk"))


def review_queue(*, user: Any, filters: dict[str, str] | None = None) -> QuerySet[ClassificationDecision]:
    f = filters or {}
    qs = decisions_for_user(user=user).filter(needs_review=True).select_related("enterprise", "category")
    if f.get("gbt_code"):
        qs = qs.filter(gbt_code=f["gbt_code"])
    if f.get("q"):
        qs = qs.filter(enterprise__name__icontains=f["q"])
    if f.get("max_confidence"):
        try:
            qs = qs.filter(confidence__lte=float(f["max_confidence"]))
        except ValueError:
            pass
    return qs.order_by("confidence", "enterprise__uscc")


def minor_categories() -> QuerySet[CultureCategory]:
    return CultureCategory.objects.filter(level=3).order_by("code")


def rule_list(*, user: Any) -> QuerySet[KeywordRule]:
    _check(user)
    return KeywordRule.objects.all()


def reclassify_runs(*, user: Any) -> QuerySet[ReclassifyRun]:
    _check(user)
    return ReclassifyRun.objects.all()[:10]


def decision_explain(*, uscc: str) -> dict[str, Any] | None:
    """For the CLI (trusted operator): the stored decision of one enterprise."""
    d = (
        ClassificationDecision.objects.select_related("enterprise", "category", "category__parent__parent")
        .filter(enterprise__uscc=uscc)
        .first()
    )
    if d is None:
        return None
    cat = d.category
    middle = cat.parent if cat else None
    major = middle.parent if middle else None
    return {
        "uscc": d.enterprise.uscc,
        "name": d.enterprise.name,
        "gbt_code": d.gbt_code,
        "category": cat.code if cat else None,
        "category_name": cat.name if cat else "非文化产业",
        "major": major.code if major else None,
        "confidence": d.confidence,
        "method": d.method,
        "needs_review": d.needs_review,
        "reason": d.reason,
        "decided_at": d.decided_at.isoformat(),
    }


def classification_stats() -> dict[str, Any]:
    majors = dict(CultureCategory.objects.filter(level=1).values_list("code", "name"))
    by_major: Counter[str] = Counter()
    rows = (
        ClassificationDecision.objects.values("category__parent__parent__code")
        .annotate(n=Count("pk"))
        .values_list("category__parent__parent__code", "n")
    )
    for code, n in rows:
        by_major[f"{code} {majors.get(code, '')}" if code else "非文化产业"] += n
    bands = {"high (≥0.9)": 0, "medium (0.7–0.9)": 0, "low (<0.7)": 0}
    for conf, n in (
        ClassificationDecision.objects.values("confidence")
        .annotate(n=Count("pk"))
        .values_list("confidence", "n")
    ):
        key = "high (≥0.9)" if conf >= 0.9 else "medium (0.7–0.9)" if conf >= 0.7 else "low (<0.7)"
        bands[key] += n
    by_method = dict(
        ClassificationDecision.objects.values("method").annotate(n=Count("pk")).values_list("method", "n")
    )
    return {
        "total": ClassificationDecision.objects.count(),
        "by_major": dict(sorted(by_major.items())),
        "by_confidence": bands,
        "by_method": by_method,
        "review_queue": ClassificationDecision.objects.filter(needs_review=True).count(),
    }
