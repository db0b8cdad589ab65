"""Reads of the policy service, every one scoped through core.scope.user_scope."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from wenchuang.core.scope import (
    CITY_ADMIN,
    CITY_WIDE_ROLES,
    DATA_MANAGER,
    DISTRICT_ADMIN,
    Scope,
    user_scope,
)
from wenchuang.policy.models import (
    Application,
    Attachment,
    Clause,
    ExemptRound,
    FactCorrection,
    Notice,
    Payment,
    Policy,
    PolicyVersion,
)
from wenchuang.policy.search import ClauseIndex, Doc
from wenchuang.registry.models import Enterprise
from wenchuang.registry.selectors import ObjectNotAccessible
from wenchuang.rules.compile import compile_rule
from wenchuang.rules.facts import FactContext, all_facts, get_fact, load_facts
from wenchuang.rules.logic import Explanation, Tri, explain
from wenchuang.rules.params import param_values

STAFF_ROLES = (CITY_ADMIN, DATA_MANAGER, DISTRICT_ADMIN)
RULE_EDITORS = (CITY_ADMIN, DATA_MANAGER)


def today() -> date:
    return timezone.localdate()


# --- policies -----------------------------------------------------------------------------------------


def policy_list(*, on: date | None = None, published_only: bool = True) -> QuerySet[Policy]:
    qs = Policy.objects.select_related("region").prefetch_related(
        Prefetch("versions", queryset=PolicyVersion.objects.order_by("number"))
    )
    if published_only:
        qs = qs.filter(is_published=True)
    if on is not None:
        qs = qs.filter(effective_from__lte=on).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=on))
    return qs.order_by("code")


def policy_get(*, code: str) -> Policy:
    try:
        return policy_list(published_only=False).prefetch_related("clauses", "test_cases").get(code=code)
    except Policy.DoesNotExist as exc:
        from django.http import Http404

        raise Http404("政策不存在") from exc


def version_on(policy: Policy, on: date) -> PolicyVersion | None:
    """The version in force on `on` (uses the prefetched versions)."""
    current = None
    for v in policy.versions.all():
        if v.valid_from <= on:
            current = v
    return current


# --- one enterprise -----------------------------------------------------------------------------------


@dataclass
class FactRow:
    key: str
    label: str
    value: Any
    text: str
    unit: str
    source: str
    as_of: str


def enterprise_fact_rows(*, enterprise_id: int, on: date) -> list[FactRow]:
    ctx = FactContext(as_of=on)
    values = load_facts(Enterprise.objects.filter(pk=enterprise_id), None, ctx).get(enterprise_id, {})
    rows = []
    for fact in all_facts():
        v = values.get(fact.key)
        text = fact.format(v)
        if v is not None and fact.choices is not None:
            labels = dict(fact.choices())
            text = f"{labels.get(v, v)}"
        rows.append(FactRow(fact.key, fact.label, v, text, fact.unit, fact.source, fact.as_of_label(ctx)))
    return rows


def enterprise_facts(*, enterprise_id: int, on: date) -> dict[str, Any]:
    return load_facts(Enterprise.objects.filter(pk=enterprise_id), None, FactContext(as_of=on)).get(
        enterprise_id, {}
    )


@dataclass
class PolicyMatch:
    policy: Policy
    version: PolicyVersion
    explanation: Explanation

    @property
    def status(self) -> Tri:
        return self.explanation.status


def explain_policies(
    *, facts: dict[str, Any], on: date, policies: list[Policy] | None = None
) -> list[PolicyMatch]:
    """Every policy in force, explained for these facts (qualifies first, then lacking data, then not)."""
    params = param_values(on=on)
    out = []
    for policy in policies if policies is not None else policy_list(on=on):
        version = version_on(policy, on)
        if version is None:
            continue
        out.append(PolicyMatch(policy, version, explain(version.rule, facts, params, on)))
    order = {Tri.TRUE: 0, Tri.UNKNOWN: 1, Tri.FALSE: 2}
    out.sort(key=lambda m: (order[m.status], m.policy.code))
    return out


def enterprise_tags(facts: dict[str, Any]) -> list[str]:
    tags = []
    for key, tag in (
        ("above_scale", "规上企业"),
        ("listed", "上市企业"),
        ("leading", "文化领军企业"),
        ("digital_culture", "数字文化"),
        ("key_exporter", "国家文化出口重点企业"),
    ):
        if facts.get(key):
            tags.append(tag)
    level = facts.get("park_level")
    if level and level != "none":
        choices = get_fact("park_level").choices
        labels = dict(choices() if choices is not None else [])
        tags.append(f"入驻{labels.get(level, level)}园区")
    if facts.get("tax_credit") == "A":
        tags.append("纳税信用A级")
    return tags


def notices_for(*, enterprise_id: int) -> QuerySet[Notice]:
    return Notice.objects.filter(enterprise_id=enterprise_id)


# --- applications -------------------------------------------------------------------------------------


def application_list_for_user(*, user: Any, scope: Scope | None = None) -> QuerySet[Application]:
    scope = scope or user_scope(user)
    qs = Application.objects.select_related("policy", "enterprise", "enterprise__district")
    return scope.apply(qs, district_field="enterprise__district", enterprise_field="enterprise")


def application_get_for_user(*, user: Any, pk: int) -> Application:
    try:
        return application_list_for_user(user=user).prefetch_related("attachments").get(pk=pk)
    except (Application.DoesNotExist, ValueError) as exc:
        raise ObjectNotAccessible() from exc


def attachment_get_for_user(*, user: Any, pk: int) -> Attachment:
    """An application's file, for whoever may see the application (else the same 403 as missing)."""
    try:
        return Attachment.objects.select_related("application").get(
            pk=pk, application__in=application_list_for_user(user=user).values("pk")
        )
    except (Attachment.DoesNotExist, ValueError) as exc:
        raise ObjectNotAccessible() from exc


def review_queue(*, user: Any) -> QuerySet[Application]:
    """What this reviewer acts on now: a district office its districts' submitted applications, the
    city office the district-approved ones and the approved ones awaiting payment."""
    scope = user_scope(user)
    qs = application_list_for_user(user=user)
    if scope.role == DISTRICT_ADMIN:
        return qs.filter(state=Application.State.SUBMITTED)
    if scope.role == CITY_ADMIN:
        return qs.filter(state__in=[Application.State.DISTRICT_APPROVED, Application.State.APPROVED])
    return qs.none()


def correction_list_for_user(*, user: Any) -> QuerySet[FactCorrection]:
    scope = user_scope(user)
    qs = FactCorrection.objects.select_related("enterprise", "policy")
    return scope.apply(qs, district_field="enterprise__district", enterprise_field="enterprise")


def correction_get_for_user(*, user: Any, pk: int) -> FactCorrection:
    try:
        return correction_list_for_user(user=user).get(pk=pk)
    except (FactCorrection.DoesNotExist, ValueError) as exc:
        raise ObjectNotAccessible() from exc


# --- 免申即享 ------------------------------------------------------------------------------------------


def exempt_candidates(
    *, user: Any, policy: Policy, on: date, scope: Scope | None = None
) -> QuerySet[Enterprise]:
    """The enterprises the policy's rule selects on `on`, in one query, within the user's scope."""
    version = version_on(policy, on)
    if version is None:
        return Enterprise.objects.none()
    compiled = compile_rule(version.rule, FactContext(as_of=on), param_values(on=on))
    qs = (scope or user_scope(user)).apply(
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE), district_field="district"
    )
    if policy.region_id is not None:
        qs = qs.filter(district_id=policy.region_id)
    return compiled.apply(qs).select_related("district").order_by("uscc")


def _deployment_office(user: Any) -> bool:
    """Exemption rounds are the deployment office's (an office bound to a lower region sees none)."""
    scope = user_scope(user)
    return scope.role in CITY_WIDE_ROLES and scope.city_wide


def round_list(*, user: Any, policy: Policy) -> QuerySet[ExemptRound]:
    if not _deployment_office(user):
        return ExemptRound.objects.none()
    return policy.rounds.annotate(n=Count("entries"), paid=Count("entries__payment")).order_by("-created_at")


def round_get_for_user(*, user: Any, pk: int) -> ExemptRound:
    if not _deployment_office(user):
        raise ObjectNotAccessible()
    try:
        return ExemptRound.objects.select_related("policy").get(pk=pk)
    except (ExemptRound.DoesNotExist, ValueError) as exc:
        raise ObjectNotAccessible() from exc


# --- search -------------------------------------------------------------------------------------------

_INDEX: dict[str, Any] = {"stamp": None, "index": None}


def _clause_index() -> ClauseIndex:
    rows = list(
        Clause.objects.filter(policy__is_published=True)
        .select_related("policy")
        .values_list("pk", "number", "text", "policy__title", "policy__summary")
    )
    stamp = hash(tuple(rows))
    if _INDEX["stamp"] != stamp:
        _INDEX["index"] = ClauseIndex(
            [Doc(pk, f"{title} {number} {text}") for pk, number, text, title, _ in rows]
        )
        _INDEX["stamp"] = stamp
    return _INDEX["index"]


@dataclass
class ClauseHit:
    clause: Clause
    score: float
    status: Tri | None = None  # for a signed-in enterprise: does it qualify for the clause's policy


def clause_search(
    *,
    query: str,
    issuer: str = "",
    region: str = "",
    industry: str = "",
    benefit_type: str = "",
    enterprise_id: int | None = None,
    limit: int = 20,
) -> list[ClauseHit]:
    clauses = Clause.objects.filter(policy__is_published=True)
    if issuer:
        clauses = clauses.filter(policy__issuer=issuer)
    if region == "city":
        clauses = clauses.filter(policy__region__isnull=True)
    elif region:
        clauses = clauses.filter(Q(policy__region__code=region) | Q(policy__region__isnull=True))
    if industry:
        clauses = clauses.filter(Q(policy__industries="") | Q(policy__industries__contains=industry))
    if benefit_type:
        clauses = clauses.filter(policy__benefit_type=benefit_type)
    allowed = set(clauses.values_list("pk", flat=True))
    ranked = _clause_index().search(query, allowed=allowed, limit=limit)
    by_pk = Clause.objects.select_related("policy").in_bulk([pk for pk, _ in ranked])
    hits = [ClauseHit(by_pk[pk], score) for pk, score in ranked if pk in by_pk]
    if enterprise_id is not None and hits:
        on = today()
        facts = enterprise_facts(enterprise_id=enterprise_id, on=on)
        policies = list(policy_list(on=on).filter(pk__in={h.clause.policy_id for h in hits}))
        status = {m.policy.pk: m.status for m in explain_policies(facts=facts, on=on, policies=policies)}
        for h in hits:
            h.status = status.get(h.clause.policy_id)
    return hits


# --- effect analysis ----------------------------------------------------------------------------------


@dataclass
class EffectRow:
    policy: Policy
    group: str = ""
    qualifying: int = 0
    applying: int = 0
    approved: int = 0
    paid: int = 0
    amount: Decimal = Decimal("0")
    days: list[int] = field(default_factory=list)
    overdue: int = 0

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


APPLYING_STATES = [s for s in Application.State.values if s != Application.State.DRAFT]
APPROVED_STATES = [Application.State.APPROVED, Application.State.PAID]


def effect_table(
    *, user: Any, on: date | None = None, by: str = "policy", scope: Scope | None = None
) -> list[EffectRow]:
    """Per policy (by="policy"), or per policy and district (by="district") / 文化大类 (by="major"):
    enterprises qualifying now, applying, approved, paid, amount paid, median days to pay, overdue.
    A fixed number of queries: one per policy for the qualifying count, the rest grouped."""
    on = on or today()
    scope = scope or user_scope(user)
    group_field = {
        "policy": None,
        "district": "enterprise__district__name",
        "major": "enterprise__culture_category__code",
    }[by]
    rows: dict[tuple[int, str], EffectRow] = {}
    policies = list(policy_list(on=None, published_only=True))

    def row(policy: Policy, group: Any) -> EffectRow:
        g = "" if group is None else (str(group)[:2] if by == "major" else str(group))
        if by != "policy" and group is None:
            g = "未归类"
        key = (policy.pk, g)
        if key not in rows:
            rows[key] = EffectRow(policy=policy, group=g)
        return rows[key]

    by_pk = {p.pk: p for p in policies}
    for p in policies:
        qs = exempt_candidates(user=user, policy=p, on=on, scope=scope)
        if group_field is None:
            row(p, None).qualifying = qs.count()
        else:
            field_name = group_field.replace("enterprise__", "")
            for g, n in qs.values_list(field_name).annotate(n=Count("pk")).order_by():
                row(p, g).qualifying += n
    apps = application_list_for_user(user=user, scope=scope).filter(state__in=APPLYING_STATES)
    fields = ["policy_id", "state", "due_on", "submitted_at", "paid_at"] + (
        [group_field] if group_field else []
    )
    for rec in apps.values_list(*fields):
        policy = by_pk.get(rec[0])
        if policy is None:
            continue
        r = row(policy, rec[5] if group_field else None)
        r.applying += 1
        state, due_on, paid_at = rec[1], rec[2], rec[4]
        if state in APPROVED_STATES:
            r.approved += 1
        if due_on is not None:
            finished = paid_at.date() if paid_at else None
            if (finished and finished > due_on) or (
                finished is None and state not in (Application.State.REJECTED,) and on > due_on
            ):
                r.overdue += 1
    payments = scope.apply(
        Payment.objects.all(), district_field="enterprise__district", enterprise_field="enterprise"
    )
    pfields = ["policy_id", "amount", "days_to_pay", "round_entry_id"] + (
        [group_field] if group_field else []
    )
    for rec in payments.values_list(*pfields):
        policy = by_pk.get(rec[0])
        if policy is None:
            continue
        r = row(policy, rec[4] if group_field else None)
        r.paid += 1
        r.amount += rec[1]
        if rec[3] is not None:  # 免申即享: the enterprise was approved by the round itself
            r.approved += 1
        if rec[2] is not None:
            r.days.append(rec[2])
    return sorted(rows.values(), key=lambda r: (r.policy.code, r.group))


def effect_for_districts(*, district_ids: list[int] | None, on: date | None = None) -> list[EffectRow]:
    """The effect table for a report: the whole city (None) or these districts."""
    scope = (
        Scope(role=CITY_ADMIN, district_ids=None)
        if district_ids is None
        else Scope(role=DISTRICT_ADMIN, district_ids=frozenset(district_ids))
    )
    return effect_table(user=None, on=on, scope=scope)
