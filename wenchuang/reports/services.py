"""Writes of the report centre: make a report's bytes, request a report (queued as a background job),
run a queued report (progress stored on the row, the file under VAR_DIR/reports with its SHA-256)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wenchuang.reports import charts, data, docx_writer, layout, pdf_writer, xlsx_writer
from wenchuang.reports.data import ReportError
from wenchuang.reports.models import GeneratedReport

FORMATS = ("docx", "pdf", "xlsx")
KINDS = (data.MONITORING, data.FINAL)
WRITERS = {"docx": docx_writer.render, "pdf": pdf_writer.render, "xlsx": xlsx_writer.render}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Built:
    content: bytes
    sha256: str
    data: data.ReportData


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ReportError(f"不支持的格式“{fmt}”（可选：{'、'.join(FORMATS)}）")
    return fmt


def report_build(
    *,
    kind: str,
    plan_code: str,
    fmt: str,
    year: int | None = None,
    district_codes: Sequence[str] | None = None,
    generated_at: datetime | None = None,
    progress: data.Progress = data._noop,
) -> Built:
    """The report's file. Same data and parameters → same numbers and text (only the generation time
    printed in the document differs)."""
    check_format(fmt)
    rd = data.report_data(
        kind=kind, plan_code=plan_code, year=year, district_codes=district_codes, progress=progress
    )
    progress(60, "绘制图表")
    pngs = charts.all_charts(rd) if fmt != "xlsx" else []
    doc = layout.build(rd, charts=pngs, generated_at=generated_at)
    progress(75, "生成文件")
    content = WRITERS[fmt](doc)
    return Built(content, hashlib.sha256(content).hexdigest(), rd)


def reports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_request(
    *, user: Any, kind: str, plan_code: str, fmt: str, year: int | None, district_codes: list[str]
) -> GeneratedReport:
    """Record the request and queue the job after commit. `district_codes` is the user's scope (empty
    for the city), decided by the caller from the scoped selector."""
    if kind not in KINDS:
        raise ReportError(f"未知报告类型“{kind}”")
    check_format(fmt)
    data.plan_for_report(plan_code)
    if kind == data.MONITORING:
        year = data.check_year(year)
    _, codes, label = data.scope_districts(district_codes)
    with transaction.atomic():
        report = GeneratedReport.objects.create(
            kind=kind,
            plan_code=plan_code,
            year=year if kind == data.MONITORING else None,
            format=fmt,
            parameters={"kind": kind, "plan": plan_code, "year": year, "format": fmt, "districts": codes},
            district_codes=codes,
            scope_label=label,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            message="排队等待生成",
        )
        from wenchuang.reports.tasks import report_generate_task

        transaction.on_commit(lambda: report_generate_task.enqueue(report.pk))
    return report


def _set(report: GeneratedReport, **fields: Any) -> None:
    for k, v in fields.items():
        setattr(report, k, v)
    GeneratedReport.objects.filter(pk=report.pk).update(**fields)


def report_generate(*, report: GeneratedReport) -> GeneratedReport:
    """Run a requested report: progress on the row, the file under VAR_DIR/reports, its SHA-256."""
    _set(report, status=GeneratedReport.Status.RUNNING, progress=5, message="开始生成")
    try:
        built = report_build(
            kind=report.kind,
            plan_code=report.plan_code,
            fmt=report.format,
            year=report.year,
            district_codes=report.district_codes,
            generated_at=timezone.localtime(),
            progress=lambda pct, msg: _set(report, progress=pct, message=msg),
        )
    except Exception as exc:  # the job must end with a visible state, whatever went wrong
        _set(
            report,
            status=GeneratedReport.Status.FAILED,
            message="生成失败",
            error=str(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    path = reports_dir() / report.file_name
    path.write_bytes(built.content)
    _set(
        report,
        status=GeneratedReport.Status.DONE,
        progress=100,
        message="已完成",
        year=built.data.year,
        data_as_of=built.data.as_of,
        sha256=built.sha256,
        file_path=report.file_name,
        file_size=len(built.content),
        finished_at=timezone.now(),
    )
    return report
