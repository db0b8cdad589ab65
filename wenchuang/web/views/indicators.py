"""Indicator page: the series with target line and projection, breakdowns, tables and downloads."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wenchuang.core.exports import csv_response, export_value, neutralise_row
from wenchuang.plan.models import Indicator, Plan
from wenchuang.stats import confidentiality
from wenchuang.web import charts, presenters, selectors
from wenchuang.web.views.common import staff_required

UNIT_MEASURES = ("total_output", "value_added")


def _load(request: HttpRequest, code: str) -> tuple[Plan, Indicator, dict[str, Any]]:
    plan = selectors.plan_for_request(code=request.GET.get("plan"), user=request.user)
    if plan is None:
        raise Http404("no plan")
    indicator = selectors.indicator_get(plan=plan, code=code)
    if indicator is None:
        raise Http404("no such indicator")
    series = selectors.indicator_series(plan=plan, code=code)
    years = [v.year for v in series]
    coverage = {c.year: c.coverage for c in selectors.value_added_coverage(plan=plan)}
    year = selectors.year_pick(years=years, asked=request.GET.get("year"))
    scope = selectors.plan_districts(plan=plan, user=request.user)
    data: dict[str, Any] = {"series": series, "year": year, "years": years, "coverage": coverage}
    latest = next((v for v in series if v.year == year), None)
    data["latest"] = latest
    # Beside each working figure: the published one (the public sees only that) and 覆盖率.
    version = selectors.publication_current(plan=plan)
    data["version"] = version
    data["published"] = (
        {v.year: v for v in selectors.indicator_series(plan=plan, code=code, version=version)}
        if version
        else {}
    )
    # 覆盖率 for the year shown (each year costs a pass over that year's enterprises).
    data["completeness"] = (
        {year: selectors.completeness_rate(year=year, districts=None)}  # the series is the city's
        if latest is not None and latest.source == "computed" and year is not None
        else {}
    )
    data["by_district"] = (
        selectors.indicator_breakdown(indicator=indicator, year=year, by="district", districts=scope)
        if year
        else None
    )
    data["by_major"] = (
        selectors.indicator_breakdown(indicator=indicator, year=year, by="major", districts=scope)
        if year
        else None
    )
    measure = indicator.formula.get("measure") if indicator.formula else None
    data["by_unit"] = (
        selectors.unit_values(plan=plan, code=measure, year=year)
        if year and measure in UNIT_MEASURES
        else None
    )
    data["scoped"] = selectors.districts_scope(user=request.user) is not None
    if data["scoped"] and year:  # statistical confidentiality for district offices, as on the API
        for key, by in (("by_district", "district"), ("by_major", "major")):
            if data[key] is not None:
                data[key] = confidentiality.protect_indicator_rows(
                    data[key], formula=indicator.formula or {}, year=year, by=by
                )
    return plan, indicator, data


def _tables(indicator: Indicator, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every chart's data as a plain table (screen readers, copy-paste and the downloads). Cells keep
    numbers as numbers (Decimal/float); `_display` formats them for the page only."""
    unit = indicator.unit
    with_coverage = indicator.code.startswith("value_added") and bool(data["coverage"])
    header = [
        _("年度"),
        f"{_('采用值')}（{unit}）",
        _("来源"),
        _("可靠性"),
        _("同比增速"),
        _("计算值"),
        _("官方值"),
        _("目标完成率"),
        _("增量完成度"),
        _("进度状态"),
    ]
    if with_coverage:
        header.append(_("数据库覆盖率（微观÷官方）"))
    version = data.get("version")
    header += [f"{_('已发布值')}（{version.label}）" if version else _("已发布值"), _("发布状态")]
    rows = []
    for v in data["series"]:
        g = v.yoy
        row: list[Any] = [
            v.year,
            v.value,
            v.source_label,
            v.reliability_label or "—",
            (g.rate if g.comparable else g.note) if g is not None else None,
            v.computed_value,
            v.official_value,
            v.target_ratio,
            v.completion,
            presenters.status_label(v.status) if v.status else "—",
        ]
        if with_coverage:
            row.append(data["coverage"].get(v.year))
        public = data.get("published", {}).get(v.year)
        public_value = public.value if public is not None else None
        row.append(public_value)
        row.append(
            "—" if v.value is None else (_("已发布") if version and public_value == v.value else _("未发布"))
        )
        rows.append(row)
    percent_cols = {4, 7, 8, 10}
    tables: list[dict[str, Any]] = [
        {"key": "series", "title": _("历年数值"), "header": header, "rows": rows, "percent": percent_cols}
    ]
    if data["by_district"] is not None:
        tables.append(
            {
                "key": "district",
                "title": _("按区县"),
                "header": [_("区划代码"), _("区县"), f"{_('数值')}（{unit}）"],
                "rows": [[r["code"], r["name"], r["value"]] for r in data["by_district"]],
            }
        )
    if data["by_major"] is not None:
        tables.append(
            {
                "key": "major",
                "title": _("按文化产业大类"),
                "header": [_("大类代码"), _("大类"), f"{_('数值')}（{unit}）"],
                "rows": [[r["code"] or "—", r["name"], r["value"]] for r in data["by_major"]],
            }
        )
    if data["by_unit"] is not None:
        tables.append(
            {
                "key": "unit",
                "title": _("按产业带、走廊、组团"),
                "header": [_("类型"), _("名称"), _("数值"), _("单位"), _("目标")],
                "rows": [
                    [
                        u.get_kind_display(),
                        u.name,
                        v.headline_value,
                        v.unit,
                        presenters.target_display(v.target_op, v.target_value) or "—",
                    ]
                    for u, v in data["by_unit"]
                ],
            }
        )
    for t in tables:
        pcts: set[int] = t.get("percent", set())
        table_rows: list[list[Any]] = t["rows"]
        t["display"] = [[_display(c, i in pcts) for i, c in enumerate(row)] for row in table_rows]
    return tables


def _display(value: Any, percent: bool) -> Any:
    if value is None:
        return "—"
    if percent and isinstance(value, float):
        return presenters.pct(value)
    if isinstance(value, Decimal | float):
        return presenters.num(value)
    return value


@staff_required
@require_GET
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan, indicator, data = _load(request, code)
    series = data["series"]
    latest = data["latest"]
    projection: list[tuple[int, float]] = []
    if latest is not None and latest.projected_value is not None and latest.target_year and latest.value:
        projection = [
            (latest.year, float(latest.value)),
            (latest.target_year, round(latest.projected_value, 2)),
        ]
    chart_series = charts.indicator_series(
        name=indicator.name,
        unit=indicator.unit,
        years=[v.year for v in series],
        values=[None if v.value is None else float(v.value) for v in series],
        target_year=indicator.target_year,
        target_value=float(indicator.target_value) if indicator.target_value is not None else None,
        projection=projection,
    )
    tables = _tables(indicator, data)
    chart_for = {"series": chart_series}
    for t in tables[1:]:
        value_col = 2
        chart_for[t["key"]] = charts.bars(
            [str(r[1]) for r in t["rows"]],
            [None if r[value_col] is None else float(r[value_col]) for r in t["rows"]],
            name=indicator.name,
            unit=indicator.unit,
        )
    for t in tables:
        t["options"] = chart_for.get(t["key"])
        t["options_id"] = f"chart-{t['key']}"
    context = {
        "plan": plan,
        "indicator": indicator,
        "card": presenters.publication_mark(
            presenters.indicator_card(indicator, latest),
            data["published"].get(data["year"]),
            data["version"],
            data["completeness"].get(data["year"]),
        ),
        "version": data["version"],
        "tables": tables,
        "year": data["year"],
        "years": data["years"],
        "scoped": data["scoped"],
        "coverage": [(y, presenters.pct(c)) for y, c in sorted(data["coverage"].items())],
    }
    return render(request, "web/indicator.html", context)


@staff_required
@require_GET
def indicator_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The page's tables as CSV (one file, tables one after another) or Excel (one sheet per table);
    cells are neutralised against formula injection either way."""
    _plan, indicator, data = _load(request, code)
    tables = _tables(indicator, data)
    filename = f"indicator-{indicator.code}-{data['year'] or ''}"
    if fmt == "csv":
        rows: list[list[Any]] = []
        for t in tables:
            rows.append([f"# {t['title']}"])
            rows.append([str(h) for h in t["header"]])
            rows.extend([export_value(c)[0] for c in row] for row in t["rows"])
            rows.append([])
        return csv_response(f"{filename}.csv", [indicator.name], rows)
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        for t in tables:
            ws = wb.create_sheet(title=str(t["title"])[:31])
            ws.append(neutralise_row([str(h) for h in t["header"]]))
            for row in t["rows"]:
                values = [export_value(c) for c in row]
                ws.append(neutralise_row([value for value, _fmt in values]))
                for cell, (_value, number_format) in zip(ws[ws.max_row], values, strict=True):
                    if number_format:
                        cell.number_format = number_format
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    raise Http404("unknown format")
