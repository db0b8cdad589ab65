"""The plan figures the demo data set is calibrated to, read from the built-in plan file.

The demo reproduces the plan's 2020 figures exactly (the 2020 column of the main-indicator table and
the facts of section 一) and starts 2015 from the plan's 2015 value added. Nothing here repeats a
figure: each comes from the plan file by its indicator or fact code, so a corrected plan file corrects
the demo too.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from wenchuang.demo.targets import BASE_YEAR, YI, PlanFigures
from wenchuang.plan.schema import PlanFile, plan_file_parse
from wenchuang.registry.models import District

DEMO_PLAN = "hangzhou-14th-culture"  # the demo's names, districts and platforms are Hangzhou's
WESTERN_UNIT = "western-five"


class PlanFiguresMissing(LookupError):
    pass


def _plan_document() -> PlanFile:
    path = Path(settings.DATA_DIR) / "plans" / f"{DEMO_PLAN}.yaml"
    known = set(District.objects.values_list("code", flat=True))
    return plan_file_parse(path=path, known_districts=known).document


def plan_figures() -> PlanFigures:
    doc = _plan_document()
    base: dict[str, Decimal] = {
        i.code: Decimal(str(i.base.value)) for i in doc.indicators if i.base and i.base.year == BASE_YEAR
    }
    facts: dict[str, Decimal] = {f.code: Decimal(str(f.value)) for f in doc.facts}

    def need(table: Mapping[str, Decimal], code: str) -> Decimal:
        if code not in table:
            raise PlanFiguresMissing(f"规划文件{DEMO_PLAN}缺少示例数据所需的数值：{code}")
        return table[code]

    western = next((u for u in doc.spatial_units if u.code == WESTERN_UNIT), None)
    if western is None:
        raise PlanFiguresMissing(f"规划文件{DEMO_PLAN}缺少空间单元：{WESTERN_UNIT}")
    platforms = int(need(base, "platforms"))
    national = int(need(facts, "national_parks"))
    park_street = int(need(facts, "provincial_municipal_parks"))
    return PlanFigures(
        value_added_2015=int(need(facts, "value_added_2015") * YI),
        year_2020={
            "value_added": float(need(base, "value_added") * YI),
            "total_output": float(need(base, "total_output") * YI),
            "above_revenue": float(need(facts, "above_scale_revenue") * YI),
            "digital_share": float(need(base, "digital_share") / 100),
            "above_count": float(need(facts, "above_scale_firms")),
            "above_employees": float(need(facts, "above_scale_employees") * 10_000),  # 万人
            "western_share": float(need(facts, "western_five_output_share") / 100),
            "listed": float(need(base, "listed_leading")),
            "platforms": float(platforms),
            "talents": float(need(base, "talents")),
            "export_items": float(need(base, "export_items")),
        },
        revenue_growth_2020=float(need(facts, "above_scale_revenue_growth") / 100),
        # Section 一: 18 national + 67 provincial/municipal parks and streets; the rest of the 2020
        # platform indicator are the headquarters platforms.
        platform_mix_2020={
            "national_park": national,
            "park_street": park_street,
            "hq": platforms - national - park_street,
        },
        western_districts=tuple(western.districts),
    )
