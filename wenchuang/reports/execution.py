"""The plan-execution sections of the reports (重点项目, 重点任务, 报送完整性): figures gathered from the
projects, assessment and approval apps' selectors, and the blocks that show them. Kept apart from the
statistics sections of data.py and layout.py; they call `execution_data` and `add_sections` once each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wenchuang.approval.selectors import completeness_table
from wenchuang.assessment.selectors import commitment_units, method_for, task_score_summary
from wenchuang.plan.models import Plan
from wenchuang.plan.selectors import plan_programmes
from wenchuang.projects.selectors import rate_series, rate_target, status_counts


def execution_data(plan: Plan, year: int, district_ids: list[int] | None) -> dict[str, Any]:
    years = list(range(plan.start_year, min(year, plan.end_year) + 1))
    series = rate_series(plan=plan, years=years, district_ids=district_ids)
    units = commitment_units()
    target = rate_target(plan=plan)
    method = method_for(year=year)
    tasks = [
        {
            "programme": p.name,
            "text": c.text,
            "target": c.target_display,
            "units": "、".join(units.get(c.pk, [])),
        }
        for p in plan_programmes(plan=plan)
        for c in p.commitments.all()
    ]
    return {
        "years": years,
        "target": target[1] if target else None,
        "status_counts": status_counts(district_ids=district_ids),
        "rates": series,
        "tasks": tasks,
        "scores": task_score_summary(year=year, district_ids=district_ids),
        "method": str(method) if method else "",
        "completeness": completeness_table(year=year, district_ids=district_ids),
    }


def _pct(value: Decimal | None, no_data: str) -> str:
    return no_data if value is None else f"{value}%"


def add_sections(doc: Any, data: Any, section: Any) -> None:
    """Append the three sections to a layout.Document (imported lazily: layout imports this module)."""
    from wenchuang.reports.layout import INT, NO_DATA, NUM, Col, Table, _table_or_empty

    ex = data.execution
    doc.add("h1", section("重点项目"))
    counts = ex.get("status_counts", {})
    total = sum(counts.values())
    if not total:
        doc.add(
            "empty",
            f"重点项目库（征集、储备、扶持、开工、建成）：{NO_DATA}。项目开工及建成率（目标≥90%）：{NO_DATA}。",
        )
    else:
        parts = "，".join(f"{label}{n}个" for label, n in counts.items() if n)
        target = ex.get("target")
        promise = f"不低于{target.normalize():f}%" if target is not None else "（规划未设定）"
        doc.add("p", f"重点项目库共有项目{total}个：{parts}。规划承诺项目开工及建成率{promise}。")
        rows = []
        for r in ex["rates"]:
            met = "—" if r["meets"] is None else ("达标" if r["meets"] else "未达标")
            rows.append(
                [r["year"], r["label"], _pct(r["value"], NO_DATA), r["numerator"], r["denominator"], met]
            )
        doc.add(
            "table",
            table=Table(
                "项目开工建成率",
                "重点项目开工率、建成率（当年计划开工或建成的入库项目为分母）",
                [
                    Col("年度", INT, 0.6),
                    Col("指标", width=0.8),
                    Col("比率", width=0.8),
                    Col("实际", INT, 0.6),
                    Col("计划", INT, 0.6),
                    Col("是否达标", width=0.8),
                ],
                rows,
            ),
        )
        year_rows = [
            [
                r["label"],
                p["code"],
                p["name"],
                p["district"],
                str(p["planned"]),
                str(p["actual"] or "—"),
                "是" if p["counted"] else "否",
            ]
            for r in ex["rates"]
            if r["year"] == (ex["years"][-1] if ex["years"] else None)
            for p in r["projects"]
        ]
        _table_or_empty(
            doc,
            Table(
                "项目清单",
                f"{ex['years'][-1] if ex['years'] else data.year}年开工率、建成率的项目清单",
                [
                    Col("指标", width=0.7),
                    Col("编号", width=1.1),
                    Col("项目", width=2.6),
                    Col("区县", width=0.8),
                    Col("计划日期", width=0.9),
                    Col("实际日期", width=0.9),
                    Col("计入", width=0.5),
                ],
                year_rows,
            ),
        )

    doc.add("h1", section("重点任务"))
    scores = ex.get("scores", [])
    doc.add(
        "p",
        f"规划“六大工程”共{len(ex.get('tasks', []))}项任务。"
        + (
            f"{data.year}年度任务考核（{ex['method']}）：{len(scores)}个责任单位参与排名。"
            if scores
            else f"年度任务考核：{NO_DATA}。"
        ),
    )
    _table_or_empty(
        doc,
        Table(
            "考核排名",
            f"{data.year}年度工作考核得分与排名",
            [
                Col("排名", INT, 0.5),
                Col("责任单位", width=2.2),
                Col("任务得分", NUM, 0.8),
                Col("扣分", NUM, 0.6),
                Col("加分", NUM, 0.6),
                Col("总分", NUM, 0.7),
                Col("逾期未报", INT, 0.7),
            ],
            [
                [s["rank"], s["unit"], s["base"], s["deducted"], s["bonus"], s["score"], s["overdue"]]
                for s in scores
            ],
        ),
    )
    _table_or_empty(
        doc,
        Table(
            "重点任务",
            "六大工程任务清单",
            [
                Col("工程", width=1.2),
                Col("任务", width=4.2),
                Col("量化目标", width=0.9),
                Col("责任单位", width=1.6),
            ],
            [
                [t["programme"], t["text"], t["target"] or "—", t["units"] or NO_DATA]
                for t in ex.get("tasks", [])
            ],
        ),
    )

    doc.add("h1", section("数据报送完整性"))
    comp = ex.get("completeness", [])
    if comp and comp[0].expected:
        c = comp[0]
        doc.add(
            "p",
            f"{data.year}年应报送年度数据的企业{c.expected}家，已报送{c.filed}家，"
            f"报送率{_pct(c.rate, NO_DATA)}；规模以上企业报送率{_pct(c.above_rate, NO_DATA)}。",
        )
    _table_or_empty(
        doc,
        Table(
            "报送完整性",
            f"{data.year}年各区县年度数据报送完整性",
            [
                Col("区县", width=1.0),
                Col("应报", INT, 0.6),
                Col("已报", INT, 0.6),
                Col("报送率", width=0.7),
                Col("规上应报", INT, 0.7),
                Col("规上已报", INT, 0.7),
                Col("规上报送率", width=0.8),
            ],
            [
                [
                    x.label,
                    x.expected,
                    x.filed,
                    _pct(x.rate, NO_DATA),
                    x.above_expected,
                    x.above_filed,
                    _pct(x.above_rate, NO_DATA),
                ]
                for x in comp[1:]
            ],
        ),
    )
