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
from django.db.models import Max
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError, ForbiddenError
from wenchuang.reports import charts, data, docx_writer, gbt9704, layout, pdf_writer, xlsx_writer
from wenchuang.reports import sections as editable
from wenchuang.reports.data import ReportError
from wenchuang.reports.models import GeneratedReport, ReportVersion
from wenchuang.stats import selectors as stats_selectors
from wenchuang.stats.models import Publication

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
    version: ReportVersion | None = None,
    publication: Publication | None = None,
) -> Built:
    """The report's file. Same data and parameters → same numbers and text (only the generation time
    printed in the document differs). With a report version, its edited sections and its state; with a
    publication, the city's indicator figures of that published version (stated in the document)."""
    check_format(fmt)
    rd = data.report_data(
        kind=kind,
        plan_code=plan_code,
        year=year,
        district_codes=district_codes,
        progress=progress,
        version=publication,
    )
    progress(60, "绘制图表")
    pngs = charts.all_charts(rd) if fmt != "xlsx" else []
    doc = layout.build(
        rd,
        charts=pngs,
        generated_at=generated_at,
        sections=version.sections if version is not None else None,
        issuer=settings.WENCHUANG_REPORT_ISSUER,
        date=issue_date(version=version, generated_at=generated_at),
        state=_state_mark(version),
    )
    progress(75, "生成文件")
    content = WRITERS[fmt](doc)
    return Built(content, hashlib.sha256(content).hexdigest(), rd)


def issue_date(*, version: ReportVersion | None, generated_at: datetime | None) -> str:
    """成文日期: WENCHUANG_REPORT_DATE when set, else the day the version was finalised, else the day
    the document was generated."""
    fixed = settings.WENCHUANG_REPORT_DATE
    if fixed is not None:
        return gbt9704.date_text(fixed.year, fixed.month, fixed.day)
    when = version.finalised_at if version is not None and version.finalised_at else generated_at
    if when is None:
        return ""
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    return gbt9704.date_text(when.year, when.month, when.day)


def _state_mark(version: ReportVersion | None) -> str:
    if version is None or version.state == ReportVersion.State.FINAL:
        return ""
    return f"{version.get_state_display()}（未定稿）"


def publication_for(*, plan_code: str, number: int | None) -> Publication | None:
    """The published version a report is made for (None: the working figures); a missing or withdrawn
    number is refused."""
    if number is None:
        return None
    found = stats_selectors.publication_get(plan_code=plan_code, number=number)
    if found is None:
        raise ReportError(f"数据版本第{number}版不存在或已撤回")
    return found


def reports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_request(
    *,
    user: Any,
    kind: str,
    plan_code: str,
    fmt: str,
    year: int | None,
    district_codes: list[str],
    version: ReportVersion | None = None,
    data_version: int | None = None,
) -> GeneratedReport:
    """Record the request and queue the job after commit. `district_codes` is the user's scope (empty
    for the city), decided by the caller from the scoped selector."""
    if kind not in KINDS:
        raise ReportError(f"未知报告类型“{kind}”")
    check_format(fmt)
    plan = data.plan_for_report(plan_code)
    if kind == data.MONITORING:
        year = data.check_year(year)
    _, codes, label = data.scope_districts(district_codes)
    if not codes:
        label = data.region_label(plan)  # a district's plan asked for by the city office
    publication = publication_for(plan_code=plan_code, number=data_version)
    with transaction.atomic():
        report = GeneratedReport.objects.create(
            kind=kind,
            plan_code=plan_code,
            year=year if kind == data.MONITORING else None,
            format=fmt,
            parameters={
                "kind": kind,
                "plan": plan_code,
                "year": year,
                "format": fmt,
                "districts": codes,
                # named only for a published version; none means the working figures
                **({"data_version": data_version} if data_version is not None else {}),
            },
            district_codes=codes,
            scope_label=label,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            message="排队等待生成",
            version=version,
            publication=publication,
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
            version=report.version,
            publication=report.publication,
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


# --- report versions: the final evaluation's written sections, 草稿 → 审核 → 定稿 --------------------

APPROVER_ROLES = ("city_admin",)
EDITOR_ROLES = ("city_admin", "district_admin")


def _can_edit(user: Any) -> None:
    if getattr(user, "role", None) not in EDITOR_ROLES:
        raise ForbiddenError("只有市级或区县管理员可以编写评估报告")


def report_version_create(*, user: Any, plan_code: str, district_codes: list[str]) -> ReportVersion:
    """A new draft whose sections are written from the current numbers (the latest year of the plan)."""
    _can_edit(user)
    plan = data.plan_for_report(plan_code)
    _, codes, label = data.scope_districts(district_codes)
    rd = data.report_data(kind=data.FINAL, plan_code=plan.code, year=None, district_codes=codes)
    drafted = editable.drafts(rd)
    with transaction.atomic():
        last = ReportVersion.objects.filter(
            kind=data.FINAL, plan_code=plan.code, district_codes=codes
        ).aggregate(n=Max("number"))["n"]
        version = ReportVersion.objects.create(
            kind=data.FINAL,
            plan_code=plan.code,
            year=rd.year,
            district_codes=codes,
            scope_label=label,
            number=(last or 0) + 1,
            sections=drafted,
            created_by=user,
            updated_by=user,
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=version,
            detail={"action": "report_version_create", "year": rd.year, "scope": label},
        )
    return version


def report_version_sections_save(
    *, user: Any, version: ReportVersion, sections: dict[str, str]
) -> ReportVersion:
    """Save the edited text. Only a 草稿 changes; a version under review or 定稿 is refused."""
    _can_edit(user)
    unknown = set(sections) - set(editable.KEYS)
    if unknown:
        raise ReportError(f"未知章节：{'、'.join(sorted(unknown))}")
    sections = {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in sections.items()}
    for key, text in sections.items():
        if len(text) > editable.MAX_LENGTH:
            raise ReportError(f"“{editable.TITLES[key]}”超过{editable.MAX_LENGTH}字")
    with transaction.atomic():
        locked = ReportVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state != ReportVersion.State.DRAFT:
            raise ConflictError(f"该版本{locked.get_state_display()}，不能修改；如需修改请新建版本或退回草稿")
        changed = [k for k, v in sections.items() if locked.sections.get(k) != v]
        locked.sections = {**locked.sections, **sections}
        locked.updated_by = user
        locked.save(update_fields=["sections", "updated_by", "updated_at"])
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=locked,
            detail={"action": "report_version_edit", "sections": changed},
        )
    return locked


TRANSITIONS = {
    "submit": ("提交审核", EDITOR_ROLES),
    "send_back": ("退回修改", APPROVER_ROLES),
    "finalise": ("定稿", APPROVER_ROLES),
}


def report_version_transition(
    *, user: Any, version: ReportVersion, name: str, note: str = ""
) -> ReportVersion:
    """Move a version along 草稿 → 审核 → 定稿 (or back to 草稿), logged by django_fsm_log and audited."""
    if name not in TRANSITIONS:
        raise ReportError(f"未知操作“{name}”")
    label, roles = TRANSITIONS[name]
    if getattr(user, "role", None) not in roles:
        raise ForbiddenError(f"无权执行“{label}”")
    with transaction.atomic():
        locked = ReportVersion.objects.select_for_update().get(pk=version.pk)
        before = locked.state
        try:
            getattr(locked, name)(by=user, description=note or label)
        except TransitionNotAllowed as exc:
            raise ConflictError(f"该版本{locked.get_state_display()}，不能{label}") from exc
        if locked.state == ReportVersion.State.FINAL:
            locked.finalised_at = timezone.now()
        locked.updated_by = user
        locked.save()
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            obj=locked,
            detail={"action": f"report_version_{name}", "from": before, "to": locked.state},
        )
    return locked
