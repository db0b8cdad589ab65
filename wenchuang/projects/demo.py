"""Demo key projects (示例): deterministic for a seed, each name marked 示例, spread over the districts,
belts, corridors and clusters of the default plan, planned 2021–2026, with a realistic history: about nine
in ten start in their planned year, most finish on time, a few are terminated, the newest are still in
the call. Each step is a dated `ProjectEvent` with evidence. Replaces earlier demo projects only."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wenchuang.classify.models import CultureCategory
from wenchuang.plan.models import SpatialUnit
from wenchuang.plan.selectors import plan_default
from wenchuang.projects.models import Project, ProjectEvent, ProjectInvestment, Status
from wenchuang.registry.models import District, Enterprise

KINDS = (
    "数字文化产业园",
    "影视基地",
    "文化创意街区",
    "动漫游戏研发中心",
    "演艺综合体",
    "数字出版平台",
    "文旅融合项目",
    "设计服务中心",
)


def _day(rng: random.Random, start: date, days: int) -> date:
    return start + timedelta(days=rng.randrange(max(days, 1)))


def demo_projects(*, seed: int = 20201231, count: int = 160) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    districts = list(District.objects.order_by("code"))
    cats = list(CultureCategory.objects.filter(level=1).order_by("code"))
    if not districts or not cats:
        return {}
    plan = plan_default()
    units = list(SpatialUnit.objects.filter(plan=plan).prefetch_related("districts")) if plan else []
    unit_of: dict[int, list[SpatialUnit]] = {}
    for u in units:
        for d in u.districts.all():
            unit_of.setdefault(d.pk, []).append(u)
    owners: dict[int, list[int]] = {}
    for pk, did in (
        Enterprise.objects.filter(is_demo=True).order_by("pk").values_list("pk", "district_id")[:20000]
    ):
        owners.setdefault(did, []).append(pk)
    projects: list[Project] = []
    events: list[
        tuple[int, str, str, str, date, str]
    ] = []  # (index, transition, source, target, on, evidence)
    investments: list[tuple[int, int, Decimal, Decimal | None]] = []
    for i in range(count):
        d = districts[i % len(districts)] if i % 3 else rng.choice(districts[:6])
        year = 2021 + rng.randrange(6)
        ps = _day(rng, date(year, 1, 15), 300)
        pc = ps + timedelta(days=rng.choice((365, 540, 730, 900)))
        invest = Decimal(rng.choice((8000, 15000, 30000, 50000, 80000, 120000, 200000)))
        submitted = ps - timedelta(days=rng.randrange(120, 360))
        forwarded = submitted + timedelta(days=rng.randrange(10, 40))
        accepted = forwarded + timedelta(days=rng.randrange(10, 60))
        status, start, done, term, reason = Status.RESERVE, None, None, None, ""
        steps = [
            ("submit", "", Status.SUBMITTED, submitted, ""),
            ("forward", Status.SUBMITTED, Status.FORWARDED, forwarded, ""),
        ]
        if accepted > today:
            status = Status.FORWARDED if forwarded <= today else Status.SUBMITTED
            steps = steps[: 2 if forwarded <= today else 1]
            accepted = None  # type: ignore[assignment]
        else:
            steps.append(("accept", Status.FORWARDED, Status.RESERVE, accepted, ""))
            prev = Status.RESERVE
            if rng.random() < 0.4:
                sup = accepted + timedelta(days=rng.randrange(5, 60))
                if sup <= today:
                    steps.append(("support", Status.RESERVE, Status.SUPPORTED, sup, "扶持资金文件"))
                    status = prev = Status.SUPPORTED
            r = rng.random()
            if r < 0.03:
                term = max(accepted, min(today, ps + timedelta(days=rng.randrange(0, 200))))
                reason = "业主调整投资计划，项目撤回"
                steps.append(("terminate", prev, Status.TERMINATED, term, ""))
                status = Status.TERMINATED
            else:
                late = r > 0.91
                start = ps + timedelta(days=rng.randrange(0, 60) + (330 if late else 0))
                if start <= today:
                    steps.append(
                        ("start", prev, Status.STARTED, start, f"施工许可证{d.code}{start:%Y%m%d}{i:03d}")
                    )
                    status = Status.STARTED
                    finish = pc + timedelta(days=rng.randrange(-60, 40) + (200 if rng.random() < 0.12 else 0))
                    finish = max(finish, start + timedelta(days=180))
                    if finish <= today:
                        done = finish
                        steps.append(
                            (
                                "complete",
                                Status.STARTED,
                                Status.COMPLETED,
                                done,
                                f"竣工验收备案{done:%Y}-{i:04d}",
                            )
                        )
                        status = Status.COMPLETED
                else:
                    start = None
        candidates = unit_of.get(d.pk, [])
        unit = rng.choice(candidates) if candidates and rng.random() < 0.8 else None
        ownlist = owners.get(d.pk, [])
        short = d.name.removesuffix("区").removesuffix("市").removesuffix("县")
        projects.append(
            Project(
                code=f"SL-XM{year}-{i + 1:04d}",
                name=f"示例{short}{rng.choice(KINDS)}{i + 1}号",
                owner_id=rng.choice(ownlist) if ownlist and rng.random() < 0.85 else None,
                district=d,
                spatial_unit=unit,
                category=rng.choice(cats),
                description="示例数据：建设内容为示意。",
                planned_investment=invest,
                planned_start=ps,
                planned_completion=pc,
                status=status,
                accepted_on=accepted,
                actual_start=start,
                actual_completion=done,
                terminated_on=term,
                terminated_reason=reason,
                is_demo=True,
            )
        )
        for t, s, g, on, ev in steps:
            events.append((i, t, s, g, on, ev))
        if accepted is not None:
            span = list(range(ps.year, pc.year + 1))
            share = (invest / len(span)).quantize(Decimal("0.01"))
            for y in span:
                actual = (
                    (share * Decimal(rng.randrange(70, 115)) / 100).quantize(Decimal("0.01"))
                    if start and y <= min(today.year - 1, (done or today).year)
                    else None
                )
                investments.append((i, y, share, actual))
    with transaction.atomic():
        Project.objects.filter(is_demo=True).delete()
        created = Project.objects.bulk_create(projects, batch_size=500)
        ProjectEvent.objects.bulk_create(
            [
                ProjectEvent(
                    project=created[i], transition=t, source=s, target=g, on=on, evidence=ev, note="示例数据"
                )
                for i, t, s, g, on, ev in events
            ],
            batch_size=1000,
        )
        ProjectInvestment.objects.bulk_create(
            [
                ProjectInvestment(project=created[i], year=y, planned=p, actual=a)
                for i, y, p, a in investments
            ],
            batch_size=1000,
        )
    return {"projects": len(created), "project_events": len(events), "project_investments": len(investments)}
