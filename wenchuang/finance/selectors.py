"""Reads of the finance service, scoped by role (wenchuang.core.scope.user_scope):

- 市级管理员, 统计员: everything (the city runs the pool and watches the service).
- 区县管理员: demands and loans of enterprises in its districts; no pool ledger.
- 企业用户: its own score, demands and loans; every product on sale, with whether it qualifies.
- 金融机构: the demands shared with its institution, its own products, loans and ledger entries.
- everyone else: nothing (the published points table and events list excepted).

A single object out of scope raises ObjectNotAccessible, with the same message as a missing one.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from wenchuang.core.masking import mask_middle, mask_phone
from wenchuang.core.scope import CITY_WIDE_ROLES, DISTRICT_ADMIN, ENTERPRISE, FINANCE, user_scope
from wenchuang.finance import eligibility, scorecard, scoring
from wenchuang.finance.models import (
    Account,
    CreditScore,
    DemandResponse,
    EventParticipant,
    FinanceProduct,
    FinancingDemand,
    Institution,
    MatchmakingEvent,
    PoolEntry,
    PoolLoan,
    ScorecardVersion,
)
from wenchuang.registry.models import Enterprise, EnterpriseYear
from wenchuang.registry.selectors import ObjectNotAccessible

NOTHING = Q(pk__in=[])


def institution_for_user(user: Any) -> Institution | None:
    """The institution a 金融机构 account belongs to (None for other roles or an unbound account)."""
    if user_scope(user).role != FINANCE:
        return None
    if not hasattr(user, "_wenchuang_institution"):
        user._wenchuang_institution = Institution.objects.filter(members__user=user).first()
    inst: Institution | None = user._wenchuang_institution
    return inst


def _filter(user: Any, *, district: str, enterprise: str, institution: str | None) -> Q | None:
    """None: everything; otherwise the rows the user may see."""
    scope = user_scope(user)
    if scope.role in CITY_WIDE_ROLES and scope.city_wide:
        return None
    if scope.role == DISTRICT_ADMIN or scope.role in CITY_WIDE_ROLES:  # bound districts or region
        return Q(**{f"{district}__in": sorted(scope.district_ids or ())})
    if scope.role == ENTERPRISE and scope.enterprise_id:
        return Q(**{enterprise: scope.enterprise_id})
    if scope.role == FINANCE and institution is not None:
        inst = institution_for_user(user)
        return Q(**{institution: inst.pk}) if inst is not None else NOTHING
    return NOTHING


def _apply(qs: QuerySet[Any], q: Q | None) -> QuerySet[Any]:
    return qs if q is None else qs.filter(q)


# ------------------------------------------------------------------------------------------ scorecard


def scorecard_current() -> ScorecardVersion:
    version = ScorecardVersion.objects.filter(is_current=True).first()
    if version is None:  # the data migration ships one; a database without it is broken
        raise ObjectNotAccessible("尚未发布信用评分表")
    return version


def scorecard_versions() -> QuerySet[ScorecardVersion]:
    return ScorecardVersion.objects.all()


def latest_fact_year() -> int | None:
    return EnterpriseYear.objects.aggregate(y=Max("year"))["y"]


@dataclass(frozen=True)
class ScoreView:
    enterprise: Enterprise
    year: int | None
    version: ScorecardVersion
    stored: CreditScore | None  # the kept score of that year under the current version
    live: scorecard.ScoreResult | None  # the same table over today's facts, with reasons and advice
    history: list[CreditScore]


def score_for_enterprise(*, user: Any, enterprise: Enterprise) -> ScoreView:
    """An enterprise's score with its reasons. The caller has fetched `enterprise` through a scoped
    selector (registry.selectors.enterprise_get_for_user)."""
    version = scorecard_current()
    history = list(
        CreditScore.objects.filter(enterprise=enterprise).select_related("version").order_by("-year", "-id")
    )
    stored = next((s for s in history if s.version_id == version.pk), None)
    year = stored.year if stored is not None else latest_fact_year()
    facts = scoring.facts_for(enterprise.pk, year) if year is not None else None
    live = scorecard.evaluate(version.table, facts) if facts is not None else None
    return ScoreView(enterprise, year, version, stored, live, history)


def score_distribution(*, year: int, version: ScorecardVersion) -> list[dict[str, Any]]:
    rows = (
        CreditScore.objects.filter(year=year, version=version)
        .values("grade")
        .annotate(n=Count("id"))
        .order_by("grade")
    )
    order = [g["grade"] for g in version.table["grades"]]
    got = {r["grade"]: r["n"] for r in rows}
    return [{"grade": g, "n": got.get(g, 0)} for g in order]


# ------------------------------------------------------------------------------------------ products


def product_list_for_user(*, user: Any) -> QuerySet[FinanceProduct]:
    scope = user_scope(user)
    qs = FinanceProduct.objects.select_related("institution")
    if scope.role == FINANCE:
        inst = institution_for_user(user)
        return qs.filter(institution=inst) if inst is not None else qs.none()
    if scope.role in CITY_WIDE_ROLES or scope.role == DISTRICT_ADMIN or scope.role == ENTERPRISE:
        return qs.filter(is_active=True)
    return qs.none()


def product_matches(
    *, enterprise: Enterprise, on: date | None = None
) -> list[tuple[FinanceProduct, eligibility.Eligibility]]:
    """Every product on sale with this enterprise's eligibility under the rule engine and the reason for
    each condition; the products it qualifies for first. Three queries whatever the number of products."""
    on = on or timezone.localdate()
    products = list(FinanceProduct.objects.filter(is_active=True).select_related("institution"))
    rules = [eligibility.product_rule(p.eligibility, p.target_majors) for p in products]
    out = list(zip(products, eligibility.explain_many(enterprise, rules, on=on), strict=True))
    out.sort(key=lambda pe: (not pe[1].eligible, pe[0].institution.name, pe[0].name))
    return out


# ------------------------------------------------------------------------------------------- demands


def demand_list_for_user(*, user: Any) -> QuerySet[FinancingDemand]:
    q = _filter(user, district="enterprise__district", enterprise="enterprise", institution="shared_with")
    qs = FinancingDemand.objects.select_related("enterprise", "granted_by")
    if q is not None and user_scope(user).role == FINANCE:
        # Through the many-to-many: a subquery, so the rows are not repeated.
        return qs.filter(pk__in=FinancingDemand.objects.filter(q).values("pk"))
    return _apply(qs, q)


def demand_get_for_user(*, user: Any, pk: int) -> FinancingDemand:
    try:
        return demand_list_for_user(user=user).get(pk=pk)
    except (FinancingDemand.DoesNotExist, ValueError) as exc:
        raise ObjectNotAccessible() from exc


def institution_list() -> QuerySet[Institution]:
    """The institutions an enterprise may share a demand with (a published list)."""
    return Institution.objects.order_by("name")


def demand_transitions(*, demand: FinancingDemand) -> list[Any]:
    """The demand's logged state transitions (django-fsm-log), oldest first. The caller holds a demand
    it fetched through demand_get_for_user."""
    from django_fsm_log.models import StateLog

    return list(StateLog.objects.for_(demand).select_related("by").order_by("timestamp"))


def demand_contact(*, user: Any, demand: FinancingDemand) -> dict[str, str]:
    """The contact person: in full for the enterprise itself, masked for everyone else."""
    if user_scope(user).enterprise_id == demand.enterprise_id:
        return {"name": demand.contact_name, "phone": demand.contact_phone, "masked": "no"}
    return {
        "name": mask_middle(demand.contact_name, 1, 0) if demand.contact_name else "",
        "phone": mask_phone(demand.contact_phone),
        "masked": "yes",
    }


def demand_responses_for_user(*, user: Any, demand: FinancingDemand) -> list[DemandResponse]:
    """An institution sees its own answer only; the enterprise and the offices see all of them."""
    qs = demand.responses.select_related("institution", "product")
    inst = institution_for_user(user)
    if user_scope(user).role == FINANCE:
        return list(qs.filter(institution=inst)) if inst is not None else []
    return list(qs)


@dataclass(frozen=True)
class DemandReport:
    demands: int
    answered: int  # at least one offer
    granted: int
    match_rate: float | None  # answered ÷ demands
    grant_rate: float | None
    median_days_to_loan: float | None
    granted_amount: Decimal


def demand_report(*, user: Any) -> DemandReport:
    qs = demand_list_for_user(user=user)
    rows = list(qs.values_list("state", "created_at", "granted_at", "granted_amount"))
    n = len(rows)
    offered = sum(1 for s, *_ in rows if s in ("offered", "granted"))
    granted = [(c, g, a) for s, c, g, a in rows if s == "granted"]
    days = [(g - c).total_seconds() / 86400 for c, g, _ in granted if g is not None]
    return DemandReport(
        demands=n,
        answered=offered,
        granted=len(granted),
        match_rate=offered / n if n else None,
        grant_rate=len(granted) / n if n else None,
        median_days_to_loan=statistics.median(days) if days else None,
        granted_amount=sum((a or Decimal(0) for *_, a in granted), Decimal(0)),
    )


# ---------------------------------------------------------------------------------------------- pool

POOL_ROLES = frozenset({*CITY_WIDE_ROLES, FINANCE})


def loan_list_for_user(*, user: Any) -> QuerySet[PoolLoan]:
    q = _filter(user, district="enterprise__district", enterprise="enterprise", institution="institution")
    return _apply(PoolLoan.objects.select_related("institution", "enterprise"), q)


def loan_get_for_user(*, user: Any, pk: int) -> PoolLoan:
    try:
        return loan_list_for_user(user=user).get(pk=pk)
    except (PoolLoan.DoesNotExist, ValueError) as exc:
        raise ObjectNotAccessible() from exc


def entry_list_for_user(*, user: Any) -> QuerySet[PoolEntry]:
    scope = user_scope(user)
    qs = PoolEntry.objects.select_related("institution", "loan")
    if scope.role in CITY_WIDE_ROLES and scope.city_wide:  # the pool is the deployment office's ledger
        return qs
    if scope.role == FINANCE:
        inst = institution_for_user(user)
        return qs.filter(institution=inst) if inst is not None else qs.none()
    return qs.none()


def account_balances(entries: QuerySet[PoolEntry], *, by: str | None = None) -> dict[Any, dict[str, Decimal]]:
    """Balance (debits − credits) of every account, optionally per `by` (year, institution_id): two
    GROUP BYs, one over each side."""
    out: dict[Any, dict[str, Decimal]] = {}
    keys = [by] if by else []
    for side, sign in (("debit", 1), ("credit", -1)):
        for row in entries.order_by().values(*keys, side).annotate(total=Sum("amount")):
            bucket = out.setdefault(row[by] if by else None, {a: Decimal("0.00") for a in Account.values})
            bucket[row[side]] += sign * row["total"]
    return out


@dataclass(frozen=True)
class PoolSummary:
    balances: dict[str, Decimal]  # account → balance, all years
    by_year: list[dict[str, Any]]  # year, contributions, compensation, cash at year end
    by_institution: list[dict[str, Any]]  # institution, loans, principal, outstanding, defaulted, compensated

    @property
    def balance_rows(self) -> list[tuple[str, Decimal]]:
        return [(str(Account(a).label), b) for a, b in self.balances.items()]


def pool_summary(*, user: Any) -> PoolSummary:
    entries = entry_list_for_user(user=user)
    total = account_balances(entries).get(None, {a: Decimal("0.00") for a in Account.values})
    per_year = account_balances(entries, by="year")
    running = Decimal("0.00")
    by_year = []
    for year in sorted(per_year):
        b = per_year[year]
        running += b[Account.POOL_CASH]
        by_year.append(
            {
                "year": year,
                "contributions": -b[Account.FUND_CAPITAL],
                "compensation": b[Account.COMPENSATION],
                "registered": b[Account.COVERED_LOANS] + b[Account.DEFAULTED_LOANS],
                "cash_end": running,
            }
        )
    loans = loan_list_for_user(user=user) if user_scope(user).role in POOL_ROLES else PoolLoan.objects.none()
    by_institution = list(
        loans.order_by()
        .values("institution__name")
        .annotate(
            loans=Count("id"),
            principal=Sum("principal"),
            repaid=Sum("repaid"),
            defaulted=Sum("defaulted"),
            compensated=Sum("compensated"),
        )
        .order_by("institution__name")
    )
    for row in by_institution:
        row["outstanding"] = row["principal"] - row["repaid"] - row["defaulted"]
    return PoolSummary(balances=total, by_year=by_year, by_institution=by_institution)


# -------------------------------------------------------------------------------------------- events


def event_list_for_user(*, user: Any) -> QuerySet[MatchmakingEvent]:
    """Events are published; who took part and with what outcome is shown per role (see participants)."""
    if user_scope(user).role is None:
        return MatchmakingEvent.objects.none()
    return MatchmakingEvent.objects.annotate(
        n_enterprises=Count("participants__enterprise", distinct=True),
        n_institutions=Count("participants__institution", distinct=True),
        n_signed=Count("participants", filter=Q(participants__outcome="signed")),
        signed_amount=Sum("participants__amount", filter=Q(participants__outcome="signed")),
    )


def participant_list_for_user(*, user: Any) -> QuerySet[EventParticipant]:
    """Institutions are public; an enterprise's participation is seen by the enterprise itself and the
    offices over it."""
    scope = user_scope(user)
    qs = EventParticipant.objects.select_related("enterprise", "institution")
    if scope.role in CITY_WIDE_ROLES and scope.city_wide:
        return qs
    if scope.role == DISTRICT_ADMIN or scope.role in CITY_WIDE_ROLES:
        return qs.filter(Q(enterprise__district__in=sorted(scope.district_ids or ())) | Q(enterprise=None))
    if scope.role == ENTERPRISE:
        return qs.filter(Q(enterprise_id=scope.enterprise_id) | Q(enterprise=None))
    if scope.role == FINANCE:
        return qs.filter(enterprise=None)
    return qs.none()


def events_with_participants(
    *, user: Any, limit: int = 30
) -> list[tuple[MatchmakingEvent, list[EventParticipant]]]:
    """The latest events with the participants the user may see: two queries."""
    events = list(event_list_for_user(user=user)[:limit])
    by_event: dict[int, list[EventParticipant]] = {e.pk: [] for e in events}
    for p in participant_list_for_user(user=user).filter(event__in=[e.pk for e in events]):
        by_event[p.event_id].append(p)
    return [(e, by_event[e.pk]) for e in events]


def score_list_for_user(*, user: Any, year: int | None, version: ScorecardVersion) -> QuerySet[CreditScore]:
    if year is None:
        return CreditScore.objects.none()
    q = _filter(user, district="enterprise__district", enterprise="enterprise", institution=None)
    qs = CreditScore.objects.filter(version=version, year=year).select_related("enterprise")
    return _apply(qs, q).order_by("-total", "enterprise__name")
