"""Yearly calibration targets for the demo data set. Pure functions, no Django.

2015 and 2020 are fixed by the plan (section 一 and the 2020 column of the main-indicator table),
read from the plan file (`demo.plan_figures`) and handed in as `PlanFigures`;
2016–2019 rise from 2015 to 2020 and 2021–2025 move toward the 2025 targets, each with a small
deterministic noise drawn from the seed. Money is in integer cents of 万元 so sums are exact.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

FIRST_YEAR, BASE_YEAR, LAST_YEAR = 2015, 2020, 2025
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
YI = 1_000_000  # 1 亿元 = 10 000 万元 = 1 000 000 cents of 万元


@dataclass(frozen=True)
class PlanFigures:
    """The plan's figures the demo reproduces exactly (2020) or starts from (2015): read from the plan
    file by `demo.plan_figures`, never written here. Money in cents of 万元, shares as fractions."""

    value_added_2015: int
    year_2020: dict[str, float]  # value_added, total_output, above_revenue, digital_share, above_count,
    # above_employees, western_share, listed, platforms, talents, export_items
    revenue_growth_2020: float  # 同比增长 of above-scale revenue in 2020 (fixes 2019)
    platform_mix_2020: dict[str, int]  # national_park, park_street, hq
    western_districts: tuple[str, ...]


@dataclass(frozen=True)
class YearTarget:
    year: int
    value_added: int  # cents of 万元, all enterprises, income approach
    total_output: int  # cents of 万元, all enterprises
    above_revenue: int  # cents of 万元, above-scale firms
    digital_revenue: int  # cents of 万元, above-scale firms in the 16 new-form 小类
    above_count: int
    above_employees: int
    western_output: int  # cents of 万元, the western five counties
    listed: int  # listed or leading enterprises
    platforms: int  # recognised parks/streets/HQ platforms
    talents: int
    export_items: int


def _geo(a: float, b: float, t: float) -> float:
    return a * math.exp(math.log(b / a) * t)


def _lin(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def year_targets(seed: int, plan: PlanFigures) -> dict[int, YearTarget]:
    rng = random.Random(f"{seed}:targets")
    # Ends of the two segments; 2015 and 2020 values that the plan does not give are set plausibly.
    y2015 = {
        "value_added": plan.value_added_2015,
        "total_output": 3100 * YI,
        "above_revenue": 3000 * YI,
        "digital_share": 0.44,
        "above_count": 880,
        "above_employees": 138_000,
        "western_share": 0.036,
        "listed": 27,
        "platforms": 62,
        "talents": 52,
        "export_items": 24,
    }
    y2025 = {
        "value_added": 3000 * YI * rng.uniform(0.985, 1.03),
        "total_output": 10000 * YI * rng.uniform(0.985, 1.03),
        "above_revenue": 9800 * YI * rng.uniform(0.98, 1.02),
        "digital_share": rng.uniform(0.64, 0.665),
        "above_count": rng.randint(1700, 1770),
        "above_employees": rng.randint(272_000, 292_000),
        "western_share": rng.uniform(0.044, 0.047),
        "listed": rng.randint(86, 96),
        "platforms": rng.randint(178, 195),
        "talents": rng.randint(110, 118),
        "export_items": rng.randint(70, 78),
    }
    y2020 = dict(plan.year_2020)
    money = ("value_added", "total_output", "above_revenue")
    values: dict[int, dict[str, float]] = {FIRST_YEAR: y2015, BASE_YEAR: y2020, LAST_YEAR: y2025}
    for lo, hi in ((FIRST_YEAR, BASE_YEAR), (BASE_YEAR, LAST_YEAR)):
        for year in range(lo + 1, hi):
            t = (year - lo) / (hi - lo)
            row: dict[str, float] = {}
            for key in y2015:
                a, b = values[lo][key], values[hi][key]
                if key in money:
                    row[key] = _geo(a, b, t) * rng.uniform(0.988, 1.012)
                elif key.endswith("share"):
                    row[key] = _lin(a, b, t) + rng.uniform(-0.1, 0.1) * abs(b - a) / (hi - lo)
                else:
                    row[key] = _lin(a, b, t) + rng.uniform(-0.02, 0.02) * (b - a)
            values[year] = row
    # 2019 is fixed by the plan's growth rate; 2016–2018 rise evenly to it from 2015 (interpolating
    # toward 2020 instead left a one-year jump of a third into 2019 for every firm).
    values[2019]["above_revenue"] = plan.year_2020["above_revenue"] / (1 + plan.revenue_growth_2020)
    for year in range(FIRST_YEAR + 1, 2019):
        t = (year - FIRST_YEAR) / (2019 - FIRST_YEAR)
        geo = _geo(y2015["above_revenue"], values[2019]["above_revenue"], t)
        values[year]["above_revenue"] = geo * rng.uniform(0.988, 1.012)

    out: dict[int, YearTarget] = {}
    prev: dict[str, int] = {}
    for year in YEARS:
        v = values[year]
        counts = {}
        for key in ("above_count", "listed", "platforms", "talents", "export_items"):
            n = round(v[key])
            counts[key] = max(n, prev.get(key, 0) + 1)  # registries only grow from year to year
        if year == BASE_YEAR:  # the plan's exact figures win over monotonic smoothing
            counts = {k: int(plan.year_2020[k]) for k in counts}
        prev = counts
        total_output = round(v["total_output"])
        above_revenue = round(v["above_revenue"])
        out[year] = YearTarget(
            year=year,
            value_added=round(v["value_added"]),
            total_output=total_output,
            above_revenue=above_revenue,
            digital_revenue=round(above_revenue * v["digital_share"]),
            above_count=counts["above_count"],
            above_employees=round(v["above_employees"]),
            western_output=round(total_output * v["western_share"]),
            listed=counts["listed"],
            platforms=counts["platforms"],
            talents=counts["talents"],
            export_items=counts["export_items"],
        )
    return out
