"""Demo approval states and reminders (示例): the plan's first years approved and locked in every
district, the latest complete year in review (some districts submitted, one returned with reasons, the
rest still open), and in-app reminders to the enterprises that have not filed the latest year.
Deterministic; replaces earlier demo approval rows (those whose note is marked 示例) only."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from wenchuang.approval.models import DistrictYear, Reminder, ReturnReason, State
from wenchuang.approval.selectors import completeness_table
from wenchuang.registry.models import District, EnterpriseYear

MARK = "示例"


def demo_approval() -> dict[str, int]:
    latest = EnterpriseYear.objects.filter(enterprise__is_demo=True).aggregate(y=Max("year"))["y"]
    if latest is None:
        return {}
    districts = list(District.objects.order_by("code"))
    now = timezone.now()
    rows: list[DistrictYear] = []
    with transaction.atomic():
        DistrictYear.objects.filter(note__startswith=MARK).delete()
        Reminder.objects.filter(message__startswith=MARK).delete()
        taken = set(DistrictYear.objects.values_list("district_id", "year"))
        for year in range(2021, latest):
            for d in districts:
                if (d.pk, year) not in taken:
                    rows.append(
                        DistrictYear(
                            district=d,
                            year=year,
                            state=State.APPROVED,
                            submitted_at=now,
                            decided_at=now,
                            note=f"{MARK}：审核通过",
                        )
                    )
        for i, d in enumerate(districts):
            if (d.pk, latest) in taken:
                continue
            state = State.SUBMITTED if i % 3 == 0 else State.RETURNED if i == 1 else State.OPEN
            rows.append(
                DistrictYear(
                    district=d,
                    year=latest,
                    state=state,
                    submitted_at=now if state != State.OPEN else None,
                    note=f"{MARK}：{state.label}",
                )
            )
        DistrictYear.objects.bulk_create(rows, batch_size=500)
        returned = [r for r in rows if r.state == State.RETURNED]
        ReturnReason.objects.bulk_create(
            [
                ReturnReason(
                    district_year=r, round=1, reason=f"{MARK}：部分规上企业营业收入与上年相比变动异常，请核实"
                )
                for r in returned
            ]
        )
        missing = completeness_table(year=latest)[0].missing[:400]
        Reminder.objects.bulk_create(
            [
                Reminder(
                    enterprise_id=e,
                    year=latest,
                    message=f"{MARK}：贵单位{latest}年度年报数据尚未报送，请尽快在线填报。",
                )
                for e in missing
            ],
            batch_size=1000,
        )
    return {"district_years": len(rows), "reminders": len(missing)}
