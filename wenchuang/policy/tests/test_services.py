"""The policy service end to end through its services: rules with test cases, 免申即享 rounds,
online 申兑 with return / resubmit / approve / pay / rate, corrections, search and the effect table."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_fsm_log.models import StateLog

from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.policy import selectors, services
from wenchuang.policy.models import Application, FactCorrection, Notice, Payment, Policy
from wenchuang.policy.seed import seed_demo_policies
from wenchuang.policy.tests.factories import YEAR, firm
from wenchuang.policy.workdays import add_working_days, working_days_between
from wenchuang.registry.models import EnterpriseYear
from wenchuang.rules.logic import RuleError, Tri

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(reference):
    seed_demo_policies()
    return {p.code: p for p in Policy.objects.all()}


def pdf(name: str = "合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def test_working_days_skip_the_national_day_holiday():
    # 2025-09-30 (Tue) + 1 working day: 1–8 October are holidays, 11 October (Sat) is a make-up day.
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3
    assert working_days_between(date(2025, 10, 11), date(2025, 9, 30)) == -3


def test_saving_a_rule_validates_and_runs_the_test_cases(seeded, data_manager, district_admin):
    policy = seeded["demo-phoenix-listing"]
    with pytest.raises(RuleError, match="未知的事实“profit”"):
        services.policy_rule_save(
            policy=policy, rule={">=": [{"var": "profit"}, 1]}, valid_from=date(2026, 1, 1), user=data_manager
        )
    # This rule drops the above-scale condition: the case "非规上" now qualifies and the save is refused.
    loose = {"or": [{"==": [{"var": "listed"}, True]}, {">=": [{"var": "revenue"}, 5000]}]}
    with pytest.raises(RuleError, match="测试用例“非规上”预期不符合，实际符合"):
        services.policy_rule_save(policy=policy, rule=loose, valid_from=date(2026, 1, 1), user=data_manager)
    assert policy.versions.count() == 1
    with pytest.raises(ForbiddenError):
        services.policy_rule_save(policy=policy, rule=loose, valid_from=date(2026, 1, 1), user=district_admin)
    rule = policy.versions.get().rule
    v2 = services.policy_rule_save(
        policy=policy, rule=rule, valid_from=date(2026, 1, 1), note="复核", user=data_manager
    )
    assert v2.number == 2
    assert AuditEvent.objects.filter(event="policy.rule_saved").count() == 1


def test_exempt_round_lists_qualifying_firms_notifies_and_pays(seeded, city_admin, data_manager):
    yes = firm(revenue="6200")
    no = firm(revenue="100")
    missing = firm(revenue=None)
    d_grade = firm(revenue="9000", grade="D")
    policy = seeded["demo-phoenix-listing"]
    on = date.today()
    ids = set(
        selectors.exempt_candidates(user=data_manager, policy=policy, on=on).values_list("pk", flat=True)
    )
    assert yes.pk in ids and not {no.pk, missing.pk, d_grade.pk} & ids
    rnd = services.round_compute(policy=policy, on=on, user=data_manager)
    entry = rnd.entries.get(enterprise=yes)
    assert entry.amount == Decimal("100")
    assert "上年营业收入 6,200万元 ≥ 5,000万元" in entry.explanation["conditions"][1]["text"] or any(
        "6,200万元" in c["text"] for c in entry.explanation["conditions"]
    )
    assert services.round_confirm(rnd=rnd, user=data_manager) == rnd.entries.count()
    assert Notice.objects.filter(enterprise=yes, title__contains="免申即享").exists()
    assert not Notice.objects.filter(enterprise=no).exists()
    assert StateLog.objects.filter(object_id=rnd.pk, transition="confirm").exists()
    with pytest.raises(ConflictError):
        services.round_confirm(rnd=rnd, user=data_manager)
    with pytest.raises(ForbiddenError):
        services.round_pay(rnd=rnd, paid_on=on, reference="X", user=data_manager)
    assert services.round_pay(rnd=rnd, paid_on=on, reference="凭证1", user=city_admin) == rnd.entries.count()
    assert Payment.objects.get(round_entry=entry).amount == Decimal("100")


def test_online_application_return_resubmit_approve_pay_rate(
    seeded, enterprise_user, district_admin, city_admin
):
    e = enterprise_user.enterprise
    EnterpriseYear.objects.create(enterprise=e, year=YEAR, revenue=Decimal("300"), employees=30)
    from wenchuang.registry.models import Platform

    e.platform = Platform.objects.create(name="示例园区", level="national")
    e.founded_on = date(2018, 1, 1)
    e.save()
    from wenchuang.ingest.models import ImportBatch, TaxYear

    batch = ImportBatch.objects.create(kind="tax", file_name="t.csv", sha256="0" * 64)
    TaxYear.objects.create(enterprise=e, year=YEAR, credit_grade="A", batch=batch)
    policy = seeded["demo-park-certification"]
    app = services.application_create(policy=policy, user=enterprise_user)
    assert app.form_data["facts"]["park_level"] == "national"
    assert app.form_data["explanation"]["status"] == "true"
    services.attachment_add(application=app, kind="租赁合同", upload=pdf(), user=enterprise_user)
    with pytest.raises(DomainError, match="不支持的文件类型"):
        services.attachment_add(
            application=app, kind="租金缴纳凭证", upload=pdf("x.exe"), user=enterprise_user
        )
    with pytest.raises(ConflictError, match="缺少材料：租金缴纳凭证"):
        services.application_submit(application=app, user=enterprise_user)
    services.attachment_add(
        application=app, kind="租金缴纳凭证", upload=pdf("凭证.pdf"), user=enterprise_user
    )
    app = services.application_submit(application=app, user=enterprise_user)
    assert app.state == Application.State.SUBMITTED
    submitted_day = app.submitted_at.date()
    assert app.due_on == add_working_days(submitted_day, 60)
    with pytest.raises(ConflictError):  # the city reviews after the district
        services.application_review(application=app, user=city_admin, action="approve")
    with pytest.raises(DomainError, match="必须填写理由"):
        services.application_review(application=app, user=district_admin, action="return")
    app = services.application_review(
        application=app, user=district_admin, action="return", reason="缺少盖章页"
    )
    assert app.state == Application.State.RETURNED and app.last_reason == "缺少盖章页"
    app = services.application_submit(application=app, user=enterprise_user)
    assert app.submitted_at.date() == submitted_day  # the clock keeps its start
    app = services.application_review(application=app, user=district_admin, action="approve")
    app = services.application_review(application=app, user=city_admin, action="approve")
    assert app.state == Application.State.APPROVED
    services.application_pay(application=app, user=city_admin, paid_on=date.today())
    app = Application.objects.get(pk=app.pk)
    assert app.state == Application.State.PAID
    services.application_rate(application=app, user=enterprise_user, rating=5, comment="很快")
    transitions = list(
        StateLog.objects.filter(object_id=app.pk).order_by("timestamp").values_list("transition", flat=True)
    )
    assert transitions == [
        "submit",
        "return_for_changes",
        "submit",
        "district_approve",
        "city_approve",
        "pay",
    ]
    clock = services.clock(app)
    assert clock is not None and not clock["overdue"] and clock["finished"]

    rows = {r.policy.code: r for r in selectors.effect_table(user=city_admin)}
    r = rows["demo-park-certification"]
    assert (r.applying, r.approved, r.paid, r.amount, r.overdue) == (1, 1, 1, Decimal("20"), 0)
    assert r.qualifying == 1
    # a district office sees its own districts only; the enterprise is in 西湖区 = its district
    assert {x.policy.code: x for x in selectors.effect_table(user=district_admin)}[
        "demo-park-certification"
    ].paid == 1


def test_an_overdue_fast_application_is_flagged(seeded, enterprise_user, city_admin):
    e = enterprise_user.enterprise
    policy = seeded["demo-digital-demo"]
    version = policy.versions.get()
    app = Application.objects.create(policy=policy, version=version, enterprise=e, due_on=date(2020, 1, 2))
    Application.objects.filter(pk=app.pk).update(state=Application.State.SUBMITTED)
    assert services.clock(Application.objects.get(pk=app.pk), on=date(2020, 3, 1))["overdue"]
    assert {r.policy.code: r for r in selectors.effect_table(user=city_admin)}[
        "demo-digital-demo"
    ].overdue == 1


def test_a_firm_that_does_not_qualify_cannot_apply_and_is_told_why(seeded, enterprise_user):
    with pytest.raises(ConflictError, match="不符合该政策条件"):
        services.application_create(policy=seeded["demo-park-certification"], user=enterprise_user)


def test_fact_correction_is_reviewed_by_a_person_and_then_counts(seeded, enterprise_user, district_admin):
    e = enterprise_user.enterprise
    row = services.correction_submit(
        user=enterprise_user,
        kind="correction",
        fact="revenue",
        claimed_value="6200",
        message="年报已更正",
        evidence=pdf("年报.pdf"),
    )
    assert row.state == FactCorrection.State.PENDING
    services.correction_review(correction=row, user=district_admin, accept=True, answer="与审计报告一致")
    assert EnterpriseYear.objects.get(enterprise=e, year=YEAR).revenue == Decimal("6200")
    review = services.correction_submit(
        user=enterprise_user, kind="review", policy=seeded["demo-phoenix-listing"], message="请人工复核"
    )
    assert review.explanation["status"] in ("false", "unknown", "true")
    assert StateLog.objects.filter(object_id=row.pk, transition="accept").exists()


def test_search_ranks_the_anime_clause_and_marks_eligibility(seeded, enterprise_user):
    hits = selectors.clause_search(query="动漫企业有哪些补贴")
    assert hits and hits[0].clause.policy.code == "demo-anime-original"
    assert "动漫" in hits[0].clause.text
    filtered = selectors.clause_search(query="动漫企业有哪些补贴", benefit_type="reward")
    assert all(h.clause.policy.benefit_type == "reward" for h in filtered)
    marked = selectors.clause_search(query="动漫", enterprise_id=enterprise_user.enterprise_id)
    assert marked[0].status in (Tri.TRUE, Tri.FALSE, Tri.UNKNOWN)


def test_calculator_facts_explain_every_policy(seeded):
    facts = {"above_scale": True, "listed": False, "revenue": Decimal("6200"), "tax_credit": "A"}
    matches = {m.policy.code: m for m in selectors.explain_policies(facts=facts, on=date.today())}
    assert matches["demo-phoenix-listing"].status is Tri.TRUE
    assert matches["demo-export-key"].status is Tri.UNKNOWN
    assert matches["demo-park-certification"].explanation.missing()


def test_effect_table_by_district_and_major(seeded, city_admin):
    firm(revenue="6200", district="330106")
    firm(revenue="7000", district="330108", minor="0110")
    rows = selectors.effect_table(user=city_admin, by="district")
    listing = {r.group: r.qualifying for r in rows if r.policy.code == "demo-phoenix-listing"}
    assert listing == {"西湖区": 1, "滨江区": 1}
    majors = {
        r.group: r.qualifying
        for r in selectors.effect_table(user=city_admin, by="major")
        if r.policy.code == "demo-phoenix-listing"
    }
    assert majors == {"02": 1, "01": 1}
    assert date.today() - timedelta(days=1) < date.today()


def test_report_effect_for_districts_equals_the_scoped_table(seeded, district_admin, city_admin, xihu):
    firm(revenue="6200", district="330106")
    firm(revenue="7000", district="330108")

    def key(rows):
        return [(r.policy.code, r.qualifying, r.applying, r.paid) for r in rows]

    assert key(selectors.effect_for_districts(district_ids=[xihu.pk])) == key(
        selectors.effect_table(user=district_admin)
    )
    city = {r.policy.code: r.qualifying for r in selectors.effect_for_districts(district_ids=None)}
    assert city["demo-phoenix-listing"] == 2
