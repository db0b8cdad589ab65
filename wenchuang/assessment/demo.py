"""Demo tasks and assessment (示例): responsible units (city departments and the district governments),
the default plan's commitments as tasks with yearly milestones 2021–2025, progress reports (most on time
and accepted, some late, some missing, a few returned and resubmitted), bonus and deduction items, and
two published versions of the method. Deterministic for a seed; replaces earlier demo rows only."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wenchuang.assessment.models import Adjustment, Method, Milestone, Report, ReportState, Task, Unit
from wenchuang.plan.models import Commitment
from wenchuang.plan.selectors import plan_default
from wenchuang.registry.models import District

DEPARTMENTS = (
    ("dept-propaganda", "市委宣传部（市文创办）（示例）"),
    ("dept-culture", "市文化广电旅游局（示例）"),
    ("dept-economy", "市经信局（示例）"),
    ("dept-finance", "市地方金融监管局（示例）"),
    ("dept-hr", "市人力社保局（示例）"),
    ("dept-commerce", "市商务局（示例）"),
    ("dept-sasac", "市国资委（示例）"),
)
LEAD = {
    "innovation": "dept-propaganda",
    "reform": "dept-culture",
    "platforms": "dept-propaganda",
    "enterprises": "dept-economy",
    "talent": "dept-hr",
    "brand": "dept-commerce",
}
SPECIAL = {"new_listed": "dept-finance", "state_assets": "dept-sasac", "grow_state_groups": "dept-sasac"}
# commitments every district government also carries
WITH_DISTRICTS = {"belt_projects_rate", "park_layout", "digital_communities", "key_enterprises"}
RULES_V1 = {
    "default_weight": 10,
    "weights": {"platforms": 15, "enterprises": 12},
    "overdue_deduction": 2,
    "late_deduction": 1,
    "bonus_cap": 5,
    "deduction_cap": 20,
}
RULES_V2 = {
    **RULES_V1,
    "weights": {"platforms": 15, "enterprises": 12, "belt_projects_rate": 20},
    "late_deduction": 2,
}
YEARS = range(2021, 2026)


def demo_assessment(*, seed: int = 20201231) -> dict[str, int]:
    plan = plan_default()
    if plan is None:
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    commitments = list(
        Commitment.objects.filter(programme__plan=plan)
        .select_related("programme")
        .order_by("programme__seq", "seq")
    )
    with transaction.atomic():
        Task.objects.filter(is_demo=True).delete()  # cascades to milestones and reports
        Adjustment.objects.filter(unit__is_demo=True).delete()
        Unit.objects.filter(is_demo=True).delete()
        Method.objects.filter(code="demo-annual").delete()
        Method.objects.bulk_create(
            [
                Method(
                    code="demo-annual",
                    version=1,
                    name="示例：文化产业重点任务年度工作考核办法",
                    applies_from=2021,
                    published_on=date(2021, 3, 1),
                    rules=RULES_V1,
                    note="首次发布",
                ),
                Method(
                    code="demo-annual",
                    version=2,
                    name="示例：文化产业重点任务年度工作考核办法",
                    applies_from=2023,
                    published_on=date(2023, 3, 1),
                    rules=RULES_V2,
                    note="提高重点项目开工建成率权重；迟报扣分由1分调为2分",
                ),
            ]
        )
        units = {
            code: Unit(code=code, name=name, kind=Unit.Kind.DEPARTMENT, is_demo=True)
            for code, name in DEPARTMENTS
        }
        for d in District.objects.order_by("code"):
            if not Unit.objects.filter(district=d).exists():
                units[f"gov-{d.code}"] = Unit(
                    code=f"demo-gov-{d.code}",
                    name=f"{d.name}人民政府（示例）",
                    kind=Unit.Kind.DISTRICT,
                    district=d,
                    is_demo=True,
                )
        Unit.objects.bulk_create(list(units.values()))
        districts = [u for k, u in units.items() if k.startswith("gov-")]
        tasks: list[Task] = []
        for c in commitments:
            owners = [units[SPECIAL.get(c.code, LEAD.get(c.programme.code, "dept-propaganda"))]]
            if c.code in WITH_DISTRICTS:
                owners += districts
            for u in owners:
                tasks.append(
                    Task(
                        commitment=c,
                        unit=u,
                        code=f"demo-{c.programme.code}-{c.code}-{u.code}",
                        measure=Task.Measure.NUMBER if c.target_value is not None else Task.Measure.YESNO,
                        measure_unit=c.unit,
                        is_demo=True,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=500)
        by_pk = {t.pk: t for t in tasks}
        milestones = []
        for t in tasks:
            c = t.commitment
            for y in YEARS:
                if c.target_value is None:
                    target, text = None, f"{y}年完成年度工作安排"
                elif c.metric == "project_start_completion_rate":
                    target, text = (
                        c.target_value,
                        f"重点项目开工及建成率不低于{c.target_value.normalize():f}%",
                    )
                else:
                    target = (c.target_value / len(YEARS)).quantize(Decimal("1"))
                    text = f"当年{c.text[:12]}…{target}{c.unit}"
                milestones.append(
                    Milestone(task=t, year=y, text=text, target_value=target, due=date(y + 1, 1, 31))
                )
        Milestone.objects.bulk_create(milestones, batch_size=1000)
        reports = []
        for m in milestones:
            if m.due > today or rng.random() < 0.06:
                continue  # not yet due, or missing (overdue)
            t = by_pk[m.task_id]
            late = rng.random() < 0.1
            on = (
                m.due + timedelta(days=rng.randrange(3, 40))
                if late
                else m.due - timedelta(days=rng.randrange(5, 60))
            )
            value = done = None
            if t.measure == Task.Measure.NUMBER:
                base = m.target_value or Decimal(1)
                value = (base * Decimal(rng.randrange(75, 112)) / 100).quantize(Decimal("0.1"))
            else:
                done = rng.random() < 0.88
            evidence = f"示例佐证：{m.year}年度工作总结及相关文件"
            if rng.random() < 0.05:
                reports.append(
                    Report(
                        milestone=m,
                        value=value,
                        done=done,
                        evidence=evidence,
                        reported_on=on,
                        state=ReportState.RETURNED,
                        review_note="佐证材料不完整，请补充",
                    )
                )
                on = on + timedelta(days=rng.randrange(5, 20))
            reports.append(
                Report(
                    milestone=m,
                    value=value,
                    done=done,
                    evidence=evidence,
                    reported_on=on,
                    state=ReportState.ACCEPTED,
                    review_note="示例：已认定",
                )
            )
        Report.objects.bulk_create(reports, batch_size=1000)
        adjustments = []
        for y in YEARS:
            if date(y + 1, 1, 31) > today:
                continue
            for u in rng.sample(list(units.values()), 4):
                if rng.random() < 0.6:
                    adjustments.append(
                        Adjustment(
                            unit=u,
                            year=y,
                            kind="bonus",
                            item="获国家级表彰",
                            points=Decimal(rng.choice((1, 2, 3))),
                            reason="示例：获评国家级文化产业示范项目",
                        )
                    )
                else:
                    adjustments.append(
                        Adjustment(
                            unit=u,
                            year=y,
                            kind="deduction",
                            item="数据报送差错",
                            points=Decimal(1),
                            reason="示例：统计数据报送出现差错",
                        )
                    )
        Adjustment.objects.bulk_create(adjustments)
    return {
        "units": len(units),
        "tasks": len(tasks),
        "milestones": len(milestones),
        "reports": len(reports),
        "adjustments": len(adjustments),
    }
