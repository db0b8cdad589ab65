"""Writes of the policy service: rules, 免申即享 rounds, 申兑 applications, payments, fact corrections.
Keyword-only, atomic, audited; role and scope checked here so web, API and CLI share one answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from wenchuang.accounts.audit import audit_record
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.core.scope import CITY_ADMIN, CITY_WIDE_ROLES, DISTRICT_ADMIN, ENTERPRISE, user_scope
from wenchuang.policy import selectors
from wenchuang.policy.models import (
    Application,
    Attachment,
    ExemptRound,
    FactCorrection,
    Notice,
    Payment,
    Policy,
    PolicyTestCase,
    PolicyVersion,
    RoundEntry,
)
from wenchuang.policy.workdays import add_working_days, working_days_between
from wenchuang.registry.models import Enterprise, EnterpriseYear
from wenchuang.rules.facts import FactContext, FactType, get_fact, load_facts
from wenchuang.rules.logic import RuleError, Tri, explain, validate_rule
from wenchuang.rules.params import param_values

ALLOWED_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Facts an enterprise may ask to correct, and where an accepted correction is written.
CORRECTABLE = {
    "revenue": ("year", "revenue"),
    "employees": ("year", "employees"),
    "exports": ("year", "exports"),
    "founded_on": ("enterprise", "founded_on"),
}


def _require(user: Any, *roles: str) -> None:
    if user_scope(user).role not in roles:
        raise ForbiddenError()


# --- rules and test cases -----------------------------------------------------------------------------


def run_test_cases(*, policy: Policy, rule: Any, on: date) -> list[tuple[PolicyTestCase, Tri, bool]]:
    params = param_values(on=on)
    out = []
    for case in policy.test_cases.all():
        facts = {k: _typed(k, v) for k, v in case.facts.items()}
        got = explain(rule, facts, params, on).status
        out.append((case, got, got.value == case.expected))
    return out


def _typed(key: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    fact = get_fact(key)
    if fact.type is FactType.NUMBER:
        return Decimal(str(value))
    if fact.type is FactType.DATE and isinstance(value, str):
        return date.fromisoformat(value)
    return value


@transaction.atomic
def policy_rule_save(
    *, policy: Policy, rule: Any, valid_from: date, note: str = "", user: Any
) -> PolicyVersion:
    """A new version with this rule from `valid_from`: the rule must be valid and pass every test case
    kept with the policy; otherwise nothing is saved and the Chinese reasons are raised."""
    from wenchuang.core.scope import DATA_MANAGER

    _require(user, CITY_ADMIN, DATA_MANAGER)
    params = param_values(on=valid_from)
    errors = validate_rule(rule, params)
    if errors:
        raise RuleError(errors)
    outcome = {"true": "符合", "false": "不符合", "unknown": "缺数据"}
    failures = [
        f"测试用例“{case.name}”预期{case.get_expected_display()}，实际{outcome[got.value]}"
        for case, got, ok in run_test_cases(policy=policy, rule=rule, on=valid_from)
        if not ok
    ]
    if failures:
        raise RuleError(failures)
    last = policy.versions.aggregate(n=Max("number"))["n"] or 0
    if policy.versions.filter(valid_from__gt=valid_from).exists():
        raise ConflictError("已有更晚生效的版本，新版本的生效日期不能早于它")
    version = PolicyVersion.objects.create(
        policy=policy, number=last + 1, valid_from=valid_from, rule=rule, note=note, created_by=user
    )
    audit_record(
        event="policy.rule_saved", user=user, obj=version, detail={"policy": policy.code, "rule": rule}
    )
    return version


@transaction.atomic
def policy_test_case_add(
    *, policy: Policy, name: str, facts: dict[str, Any], expected: str, user: Any
) -> PolicyTestCase:
    from wenchuang.core.scope import DATA_MANAGER

    _require(user, CITY_ADMIN, DATA_MANAGER)
    for key in facts:
        get_fact(key)
    case = PolicyTestCase.objects.create(policy=policy, name=name, facts=facts, expected=expected)
    audit_record(event="policy.test_case_added", user=user, obj=case, detail={"policy": policy.code})
    return case


# --- 免申即享 ------------------------------------------------------------------------------------------


def _amount(policy: Policy) -> Decimal | None:
    amount = policy.benefit_amount
    if amount is not None and policy.benefit_cap is not None:
        amount = min(amount, policy.benefit_cap)
    return amount


@transaction.atomic
def round_compute(*, policy: Policy, on: date, user: Any) -> ExemptRound:
    """A draft round: the enterprises the rule selects today (one query), each with its explanation."""
    _require(user, *CITY_WIDE_ROLES)
    if policy.mode != Policy.Mode.EXEMPT:
        raise ConflictError("只有免申即享政策才能生成兑现名单")
    version = selectors.version_on(policy, on)
    if version is None:
        raise ConflictError("该政策在测算日期没有有效的适用条件")
    ids = list(selectors.exempt_candidates(user=user, policy=policy, on=on).values_list("pk", flat=True))
    facts = load_facts(Enterprise.objects.filter(pk__in=ids), None, FactContext(as_of=on))
    params = param_values(on=on)
    rnd = ExemptRound.objects.create(policy=policy, version=version, as_of=on, created_by=user)
    amount = _amount(policy)
    RoundEntry.objects.bulk_create(
        [
            RoundEntry(
                round=rnd,
                enterprise_id=pk,
                amount=amount,
                explanation=explain(version.rule, facts[pk], params, on).as_dict(),
            )
            for pk in ids
        ]
    )
    audit_record(
        event="policy.round_computed",
        user=user,
        obj=rnd,
        detail={"policy": policy.code, "enterprises": len(ids)},
    )
    return rnd


@transaction.atomic
def round_confirm(*, rnd: ExemptRound, user: Any) -> int:
    """Staff confirm the round; each enterprise on it is notified with its amount."""
    _require(user, *CITY_WIDE_ROLES)
    rnd = ExemptRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.state != ExemptRound.State.DRAFT:
        raise ConflictError("该批次已确认")
    rnd.confirm(by=user, description="确认免申即享名单")
    rnd.confirmed_by = user
    rnd.confirmed_at = timezone.now()
    rnd.save()
    entries = list(rnd.entries.all())
    amount_text = lambda e: f"{e.amount}万元" if e.amount is not None else "金额待核定"  # noqa: E731
    Notice.objects.bulk_create(
        [
            Notice(
                enterprise_id=e.enterprise_id,
                title=f"免申即享：您符合“{rnd.policy.title}”，无需申报",
                body=f"根据{rnd.as_of.isoformat()}的数据，贵企业符合该政策条件，兑现金额：{amount_text(e)}。",
                link=f"/policy/policies/{rnd.policy.code}/",
            )
            for e in entries
        ]
    )
    audit_record(event="policy.round_confirmed", user=user, obj=rnd, detail={"entries": len(entries)})
    return len(entries)


@transaction.atomic
def round_pay(*, rnd: ExemptRound, paid_on: date, reference: str, user: Any) -> int:
    """Record the payment of every unpaid entry with an amount (one insert)."""
    _require(user, CITY_ADMIN)
    rnd = ExemptRound.objects.select_for_update().select_related("policy").get(pk=rnd.pk)
    if rnd.state != ExemptRound.State.CONFIRMED:
        raise ConflictError("批次确认后才能登记兑现")
    confirmed = rnd.confirmed_at.date() if rnd.confirmed_at else rnd.as_of
    entries = rnd.entries.filter(payment__isnull=True, amount__isnull=False)
    payments = [
        Payment(
            policy_id=rnd.policy_id,
            enterprise_id=e.enterprise_id,
            amount=e.amount,
            paid_on=paid_on,
            reference=reference,
            round_entry=e,
            days_to_pay=max(0, (paid_on - confirmed).days),
            recorded_by=user,
        )
        for e in entries
    ]
    Payment.objects.bulk_create(payments)
    Notice.objects.bulk_create(
        [
            Notice(enterprise_id=p.enterprise_id, title=f"已兑现：{rnd.policy.title} {p.amount}万元")
            for p in payments
        ]
    )
    audit_record(event="policy.round_paid", user=user, obj=rnd, detail={"payments": len(payments)})
    return len(payments)


# --- online 申兑 ---------------------------------------------------------------------------------------


def _enterprise_of(user: Any) -> int:
    scope = user_scope(user)
    if scope.role != ENTERPRISE or not scope.enterprise_id:
        raise ForbiddenError("只有已认领企业的企业用户可以申报")
    return scope.enterprise_id


@transaction.atomic
def application_create(*, policy: Policy, user: Any, on: date | None = None) -> Application:
    """A draft pre-filled from the enterprise's facts. Refused when the rule says it does not qualify
    (with the reasons); missing data does not stop it — the attachments can supply it."""
    enterprise_id = _enterprise_of(user)
    on = on or selectors.today()
    if policy.mode == Policy.Mode.EXEMPT:
        raise ConflictError("免申即享政策无需申报，符合条件的企业将收到通知")
    if not policy.in_force(on) or not policy.is_published:
        raise ConflictError("该政策不在有效期内")
    version = selectors.version_on(policy, on)
    if version is None:
        raise ConflictError("该政策尚未设定适用条件")
    open_states = [
        Application.State.DRAFT,
        Application.State.SUBMITTED,
        Application.State.DISTRICT_APPROVED,
        Application.State.RETURNED,
    ]
    existing = Application.objects.filter(
        policy=policy, enterprise_id=enterprise_id, state__in=open_states
    ).first()
    if existing is not None:
        return existing
    facts = selectors.enterprise_facts(enterprise_id=enterprise_id, on=on)
    explanation = explain(version.rule, facts, param_values(on=on), on)
    if explanation.status is Tri.FALSE:
        raise ConflictError("不符合该政策条件：" + "；".join(explanation.hints()))
    form = {
        "facts": {
            k: (v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v)
            for k, v in facts.items()
        },
        "explanation": explanation.as_dict(),
    }
    app = Application.objects.create(
        policy=policy,
        version=version,
        enterprise_id=enterprise_id,
        form_data=form,
        amount_requested=_amount(policy),
        created_by=user,
    )
    audit_record(event="policy.app_created", user=user, obj=app, detail={"policy": policy.code})
    return app


def attachment_problem(name: str, size: int) -> str | None:
    if Path(name).suffix.lower() not in ALLOWED_EXTENSIONS:
        return f"不支持的文件类型：{name}（可上传PDF、OFD、JPG、PNG、DOCX、XLSX）"
    if size > MAX_ATTACHMENT_BYTES:
        return f"文件过大：{name}（不超过10MB）"
    if size == 0:
        return f"文件为空：{name}"
    return None


def _own(application: Application, user: Any) -> Application:
    if application.enterprise_id != _enterprise_of(user):
        raise ForbiddenError()
    return application


@transaction.atomic
def attachment_add(*, application: Application, kind: str, upload: Any, user: Any) -> Attachment:
    _own(application, user)
    if application.state not in (Application.State.DRAFT, Application.State.RETURNED):
        raise ConflictError("当前状态不能修改材料")
    if kind not in application.policy.required_attachments:
        raise DomainError(f"“{kind}”不是该政策要求的材料")
    problem = attachment_problem(upload.name, upload.size)
    if problem:
        raise DomainError(problem)
    att = Attachment(application=application, kind=kind, original_name=upload.name[:255], size=upload.size)
    att.file.save(Path(upload.name).name, upload, save=False)
    att.save()
    audit_record(
        event="policy.attachment_added",
        user=user,
        obj=application,
        detail={"kind": kind, "size": upload.size},
    )
    return att


def missing_attachments(application: Application) -> list[str]:
    have = {a.kind for a in application.attachments.all()}
    return [k for k in application.policy.required_attachments if k not in have]


@transaction.atomic
def application_submit(*, application: Application, user: Any, note: str = "") -> Application:
    app = _own(Application.objects.select_for_update().get(pk=application.pk), user)
    missing = missing_attachments(app)
    if missing:
        raise ConflictError("缺少材料：" + "、".join(missing))
    if app.state not in (Application.State.DRAFT, Application.State.RETURNED):
        raise ConflictError("当前状态不能提交")
    resubmit = app.state == Application.State.RETURNED
    app.submit(by=user, description=note or ("修改后重新提交" if resubmit else "提交申报"))
    if app.submitted_at is None:
        app.submitted_at = timezone.now()
        if app.policy.mode == Policy.Mode.FAST:
            app.due_on = add_working_days(
                timezone.localtime(app.submitted_at).date(), app.policy.pay_within_days
            )
    app.save()
    audit_record(event="policy.app_submitted", user=user, obj=app, detail={"resubmit": resubmit})
    return app


@transaction.atomic
def application_review(*, application: Application, user: Any, action: str, reason: str = "") -> Application:
    """District office (its districts, state 待区县审核) then city office (state 待市级审核):
    approve, return for changes or reject; returning and rejecting need a reason."""
    app = (
        selectors.application_list_for_user(user=user).select_for_update(of=("self",)).get(pk=application.pk)
    )
    role = user_scope(user).role
    reason = reason.strip()
    if action in ("return", "reject") and not reason:
        raise DomainError("退回或不予支持必须填写理由")
    expected = {
        DISTRICT_ADMIN: Application.State.SUBMITTED,
        CITY_ADMIN: Application.State.DISTRICT_APPROVED,
    }.get(role or "")
    if expected is None:
        raise ForbiddenError()
    if app.state != expected:
        raise ConflictError(f"该申报当前为“{app.get_state_display()}”，不在您的审核环节")
    if action == "approve":
        if role == DISTRICT_ADMIN:
            app.district_approve(by=user, description=reason or "区县审核通过")
        else:
            app.city_approve(by=user, description=reason or "市级审核通过")
            app.decided_at = timezone.now()
            app.amount_approved = app.amount_requested
    elif action == "return":
        app.return_for_changes(by=user, description=reason)
        app.last_reason = reason
    elif action == "reject":
        app.reject(by=user, description=reason)
        app.last_reason = reason
        app.decided_at = timezone.now()
    else:
        raise DomainError("未知的审核操作")
    app.save()
    if action != "approve" or role == CITY_ADMIN:
        title = {"approve": "审核通过", "return": "退回修改", "reject": "不予支持"}[action]
        Notice.objects.create(
            enterprise_id=app.enterprise_id,
            title=f"{app.policy.title}：{title}",
            body=reason,
            link=f"/policy/applications/{app.pk}/",
        )
    audit_record(event=f"policy.app_{action}", user=user, obj=app, detail={"reason": reason, "role": role})
    return app


@transaction.atomic
def application_pay(
    *, application: Application, user: Any, paid_on: date, reference: str = "", amount: Decimal | None = None
) -> Payment:
    _require(user, CITY_ADMIN)
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.state != Application.State.APPROVED:
        raise ConflictError("审核通过后才能登记兑现")
    amount = amount if amount is not None else app.amount_approved
    if amount is None or amount <= 0:
        raise DomainError("请填写兑现金额（万元，大于0）")
    submitted = timezone.localtime(app.submitted_at).date() if app.submitted_at else paid_on
    payment = Payment.objects.create(
        policy_id=app.policy_id,
        enterprise_id=app.enterprise_id,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        application=app,
        days_to_pay=max(0, (paid_on - submitted).days),
        recorded_by=user,
    )
    app.pay(by=user, description=f"兑现{amount}万元")
    app.paid_at = timezone.make_aware(datetime.combine(paid_on, datetime.min.time()))
    app.save()
    Notice.objects.create(
        enterprise_id=app.enterprise_id,
        title=f"已兑现：{app.policy.title} {amount}万元",
        body="欢迎对本次服务进行评价。",
        link=f"/policy/applications/{app.pk}/",
    )
    audit_record(event="policy.app_paid", user=user, obj=app, detail={"amount": str(amount)})
    return payment


@transaction.atomic
def application_rate(*, application: Application, user: Any, rating: int, comment: str = "") -> Application:
    app = _own(Application.objects.select_for_update().get(pk=application.pk), user)
    if app.state not in (Application.State.PAID, Application.State.REJECTED):
        raise ConflictError("办结后才能评价")
    if rating not in range(1, 6):
        raise DomainError("评价为1到5星")
    app.rating = rating
    app.rating_comment = comment[:300]
    app.save(update_fields=["rating", "rating_comment"])
    audit_record(event="policy.app_rated", user=user, obj=app, detail={"rating": rating})
    return app


def clock(application: Application, on: date | None = None) -> dict[str, Any] | None:
    """The 快申快享 working-day clock: due date, working days left (negative: overdue)."""
    if application.due_on is None:
        return None
    on = on or selectors.today()
    end = timezone.localtime(application.paid_at).date() if application.paid_at else on
    left = working_days_between(end, application.due_on)
    return {
        "due_on": application.due_on,
        "left": left,
        "overdue": left < 0,
        "finished": application.paid_at is not None,
    }


# --- fact corrections and human review (PIPL Art. 24) -------------------------------------------------


@transaction.atomic
def correction_submit(
    *,
    user: Any,
    kind: str,
    message: str,
    fact: str = "",
    claimed_value: str = "",
    policy: Policy | None = None,
    evidence: Any = None,
) -> FactCorrection:
    enterprise_id = _enterprise_of(user)
    if not message.strip():
        raise DomainError("请说明理由")
    explanation: dict[str, Any] = {}
    if kind == FactCorrection.Kind.CORRECTION:
        if fact not in CORRECTABLE:
            raise DomainError("该事实不能由企业更正，请联系数据管理部门")
        _parse_claim(fact, claimed_value)
        if evidence is None:
            raise DomainError("更正事实需上传证明材料")
    elif kind == FactCorrection.Kind.REVIEW:
        if policy is None:
            raise DomainError("请选择要复核的政策")
        on = selectors.today()
        version = selectors.version_on(policy, on)
        if version is not None:
            facts = selectors.enterprise_facts(enterprise_id=enterprise_id, on=on)
            explanation = explain(version.rule, facts, param_values(on=on), on).as_dict()
    else:
        raise DomainError("未知的类型")
    if evidence is not None:
        problem = attachment_problem(evidence.name, evidence.size)
        if problem:
            raise DomainError(problem)
    row = FactCorrection(
        enterprise_id=enterprise_id,
        kind=kind,
        fact=fact,
        claimed_value=claimed_value,
        policy=policy,
        explanation=explanation,
        message=message.strip(),
        created_by=user,
    )
    if evidence is not None:
        row.evidence.save(Path(evidence.name).name, evidence, save=False)
    row.save()
    audit_record(event=f"policy.{kind}_req", user=user, obj=row, detail={"fact": fact})
    return row


def _parse_claim(fact: str, value: str) -> Any:
    try:
        if fact == "founded_on":
            return date.fromisoformat(value.strip())
        number = Decimal(value.strip())
    except (ValueError, InvalidOperation):
        raise DomainError(f"“{get_fact(fact).label}”的取值格式不正确：{value}") from None
    if number < 0:
        raise DomainError("取值不能为负数")
    return int(number) if fact == "employees" else number


@transaction.atomic
def correction_review(*, correction: FactCorrection, user: Any, accept: bool, answer: str) -> FactCorrection:
    """A person reviews the request; an accepted correction is written to the registry (with history)."""
    row = selectors.correction_list_for_user(user=user).select_for_update(of=("self",)).get(pk=correction.pk)
    if user_scope(user).role not in (CITY_ADMIN, DISTRICT_ADMIN, "data_manager"):
        raise ForbiddenError()
    if not answer.strip():
        raise DomainError("请填写审核意见")
    if row.state != FactCorrection.State.PENDING:
        raise ConflictError("该申请已审核")
    if accept:
        row.accept(by=user, description=answer)
        if row.kind == FactCorrection.Kind.CORRECTION:
            _apply_correction(row)
    else:
        row.decline(by=user, description=answer)
    row.reviewer = user
    row.answer = answer.strip()
    row.reviewed_at = timezone.now()
    row.save()
    Notice.objects.create(
        enterprise_id=row.enterprise_id,
        title=f"{row.get_kind_display()}：{row.get_state_display()}",
        body=row.answer,
        link="/policy/my/",
    )
    audit_record(
        event="policy.correction_done", user=user, obj=row, detail={"accept": accept, "fact": row.fact}
    )
    return row


def _apply_correction(row: FactCorrection) -> None:
    where, column = CORRECTABLE[row.fact]
    value = _parse_claim(row.fact, row.claimed_value)
    if where == "enterprise":
        enterprise = Enterprise.objects.get(pk=row.enterprise_id)
        setattr(enterprise, column, value)
        enterprise.save()
        return
    year = FactContext(as_of=selectors.today()).data_year
    ey, _ = EnterpriseYear.objects.get_or_create(enterprise_id=row.enterprise_id, year=year)
    setattr(ey, column, value)
    ey.save()
