"""The finance service's facts for the shared rule engine (wenchuang.rules): an enterprise's credit score
and grade under the current points table, so a product's eligibility rule can say
{">=": [{"var": "credit_score"}, 600]}. Registered when the app is ready (FinanceConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery

from wenchuang.rules.facts import Fact, FactContext, FactType, register_fact

_SOURCE = "金融服务·文化企业信用评分（当前评分表）"
GRADES = ("AAA", "AA", "A", "BBB", "BB", "B", "C")


def _latest_score(field: str) -> Any:
    def expression(ctx: FactContext) -> Any:
        from wenchuang.finance.models import CreditScore

        scores = CreditScore.objects.filter(
            enterprise=OuterRef("pk"), version__is_current=True, year__lte=ctx.data_year
        ).order_by("-year")
        return Subquery(scores.values(field)[:1])

    return expression


FACTS = [
    register_fact(
        Fact(
            key="credit_score",
            label="信用评分",
            type=FactType.NUMBER,
            unit="分",
            source=_SOURCE,
            doc="按当前信用评分表计算的最近年度总分（0–1000）；未计算为缺数据。",
            expression=_latest_score("total"),
            as_of_label=lambda ctx: f"{ctx.data_year}年度及以前最近一次评分",
        )
    ),
    register_fact(
        Fact(
            key="credit_grade",
            label="信用等级",
            type=FactType.TEXT,
            source=_SOURCE,
            doc="与信用评分同一次计算的等级（AAA/AA/A/BBB/BB/B/C）。",
            expression=_latest_score("grade"),
            as_of_label=lambda ctx: f"{ctx.data_year}年度及以前最近一次评分",
            choices=lambda: [(g, g) for g in GRADES],
        )
    ),
]
