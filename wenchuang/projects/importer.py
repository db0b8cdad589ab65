"""Import of an existing key-project list from Excel (xlsx), all-or-nothing: every row is checked
(row, column, value and a Chinese reason); one bad row and nothing is written. Values are read with the
same parsers as the data imports (wenchuang.ingest.values). Each imported project gets an `import`
event recording the state it came in with, so its history says where it came from."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import DomainError, ForbiddenError
from wenchuang.core.scope import CITY_ADMIN, DISTRICT_ADMIN, user_scope
from wenchuang.core.uscc import make_valid
from wenchuang.ingest.values import ValueProblem, clean_text, is_blank, parse_date, parse_decimal
from wenchuang.projects.models import Project, ProjectEvent, Status

MAX_ROWS = 5000


@dataclass(frozen=True)
class Col:
    key: str
    zh: str
    required: bool
    example: object
    note: str


COLUMNS = (
    Col("code", "项目编号", False, "XM2021-001", "留空则自动编号；已存在的编号不能重复导入"),
    Col("name", "项目名称", True, "示例之江数字文化产业园二期", ""),
    Col("district", "区划代码", True, "330106", "项目所在区县的6位区划代码"),
    Col("owner", "业主统一社会信用代码", False, "", "业主企业须已登记；可留空（如政府投资项目）"),
    Col("category", "行业大类代码", True, "01", "《文化及相关产业分类（2018）》大类代码01–09"),
    Col("spatial_unit", "所属带廊组团", False, "之江文化产业带", "规划中的带、廊、组团名称或代码，可留空"),
    Col("investment", "计划总投资（万元）", True, 50000, ""),
    Col("planned_start", "计划开工日期", True, "2021-03-01", ""),
    Col("planned_completion", "计划建成日期", True, "2023-12-31", "不早于计划开工日期"),
    Col("status", "状态", True, "开工", "储备、扶持、开工、建成或终止（征集中的项目请在线申报）"),
    Col("accepted_on", "入库日期", True, "2020-12-15", ""),
    Col("actual_start", "实际开工日期", False, "2021-04-10", "状态为开工、建成时必填"),
    Col("actual_completion", "实际建成日期", False, "", "状态为建成时必填"),
    Col("terminated_reason", "终止原因", False, "", "状态为终止时必填"),
)
STATUS_WORDS = {
    "储备": Status.RESERVE,
    "扶持": Status.SUPPORTED,
    "开工": Status.STARTED,
    "建成": Status.COMPLETED,
    "终止": Status.TERMINATED,
}


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    total: int
    created: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def template_workbook() -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点项目"
    ws.append([c.zh for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([c.example for c in COLUMNS])
    for idx, c in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(idx)].width = max(12, len(c.zh) * 2 + 2)
    notes = wb.create_sheet("说明")
    notes.append(["列名", "必填", "说明"])
    for c in COLUMNS:
        notes.append([c.zh, "是" if c.required else "", c.note])
    notes.append(["第2行为示例，导入前请删除。全部行无误才写入；有错误时不写入任何数据。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _read(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a non-xlsx file
        raise DomainError("无法读取文件：请上传由模板填写的xlsx文件") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise DomainError("文件为空")
    names = [clean_text(h) for h in header]
    by_name = {clean_text(c.zh): c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}
    unknown = [n for n in names if n and n not in by_name]
    if unknown:
        raise DomainError(f"无法识别的列：{'、'.join(unknown)}；请使用模板的列名")
    missing = [c.zh for c in COLUMNS if c.required and clean_text(c.zh) not in names and c.key not in names]
    if missing:
        raise DomainError(f"缺少必填列：{'、'.join(missing)}")
    keys = [by_name.get(n) for n in names]
    out = []
    for rowno, raw in enumerate(rows, start=2):
        if raw is None or all(is_blank(v) for v in raw):
            continue
        out.append((rowno, {k: v for k, v in zip(keys, raw, strict=False) if k}))
        if len(out) > MAX_ROWS:
            raise DomainError(f"一次最多导入{MAX_ROWS}行")
    return out


def _lookups() -> dict[str, dict[str, int]]:
    from wenchuang.classify.models import CultureCategory
    from wenchuang.plan.models import SpatialUnit
    from wenchuang.plan.selectors import plan_default
    from wenchuang.registry.models import District

    plan = plan_default()
    units: dict[str, int] = {}
    if plan is not None:
        for pk, code, name in SpatialUnit.objects.filter(plan=plan).values_list("pk", "code", "name"):
            units[code] = units[name] = pk
    return {
        "district": dict(District.objects.values_list("code", "pk")),
        "category": dict(CultureCategory.objects.filter(level=1).values_list("code", "pk")),
        "spatial_unit": units,
    }


def project_import(*, user: Any, data: bytes, file_name: str = "") -> ImportResult:
    """Check every row; write all of them or none. Returns the problems when refused."""
    scope = user_scope(user)
    if scope.role not in (DISTRICT_ADMIN, CITY_ADMIN):
        raise ForbiddenError("只有市级管理员和区县管理员可以导入项目")
    rows = _read(data)
    if not rows:
        raise DomainError("文件中没有数据行")
    look = _lookups()
    from wenchuang.registry.models import Enterprise

    usccs = {clean_text(r.get("owner")).upper() for _, r in rows if not is_blank(r.get("owner"))}
    owners = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "pk"))
    codes = {clean_text(r.get("code")) for _, r in rows if not is_blank(r.get("code"))}
    taken = set(Project.objects.filter(code__in=codes).values_list("code", flat=True))
    zh = {c.key: c.zh for c in COLUMNS}
    problems: list[Problem] = []
    built: list[tuple[Project, date]] = []
    seen: set[str] = set()
    today = timezone.localdate()
    for rowno, r in rows:
        bad: list[Problem] = []

        def fail(
            key: str, reason: str, r: dict[str, Any] = r, rowno: int = rowno, bad: list[Problem] = bad
        ) -> None:
            bad.append(Problem(rowno, zh[key], clean_text(r.get(key)), reason))

        def need(key: str, r: dict[str, Any] = r) -> bool:
            if is_blank(r.get(key)):
                fail(key, "必填")
                return False
            return True

        vals: dict[str, Any] = {}
        for key in (
            "planned_start",
            "planned_completion",
            "accepted_on",
            "actual_start",
            "actual_completion",
        ):
            if not is_blank(r.get(key)):
                try:
                    vals[key] = parse_date(r[key])
                except ValueProblem as exc:
                    fail(key, str(exc))
                    continue
                if vals[key] > today and key not in ("planned_start", "planned_completion"):
                    fail(key, "日期不能晚于今天")
        code = clean_text(r.get("code"))
        if code and (code in taken or code in seen):
            fail("code", "项目编号已存在" if code in taken else "文件中项目编号重复")
        seen.add(code)
        name = clean_text(r.get("name"))
        if need("name") and len(name) > 200:
            fail("name", "项目名称不能超过200字")
        district_id = None
        if need("district"):
            district_id = look["district"].get(clean_text(r["district"]))
            if district_id is None:
                fail("district", "不是本市的区县区划代码")
            elif not scope.covers_district(district_id):
                fail("district", scope.outside("该区县"))
        category_id = None
        if need("category"):
            category_id = look["category"].get(clean_text(r["category"]).zfill(2))
            if category_id is None:
                fail("category", "应为文化产业大类代码01–09")
        unit_id = None
        if not is_blank(r.get("spatial_unit")):
            unit_id = look["spatial_unit"].get(clean_text(r["spatial_unit"]))
            if unit_id is None:
                fail("spatial_unit", "不是规划中的带、廊、组团")
        owner_id = None
        if not is_blank(r.get("owner")):
            uscc = clean_text(r["owner"]).upper()
            owner_id = owners.get(uscc)
            if owner_id is None:
                fail(
                    "owner",
                    "该统一社会信用代码的企业尚未登记"
                    if make_valid(uscc[:17]) == uscc
                    else "统一社会信用代码无效",
                )
        investment = None
        if need("investment"):
            try:
                investment = parse_decimal(r["investment"]).quantize(parse_decimal("0.01"))
                if investment < 0:
                    fail("investment", "不能为负数")
            except ValueProblem as exc:
                fail("investment", str(exc))
        status = None
        if need("status"):
            status = STATUS_WORDS.get(clean_text(r["status"]))
            if status is None:
                fail("status", "应为储备、扶持、开工、建成或终止")
        need("planned_start")
        need("planned_completion")
        need("accepted_on")
        ps, pc = vals.get("planned_start"), vals.get("planned_completion")
        if ps and pc and pc < ps:
            fail("planned_completion", "计划建成日期不能早于计划开工日期")
        start, done = vals.get("actual_start"), vals.get("actual_completion")
        if (
            status in (Status.STARTED, Status.COMPLETED)
            and start is None
            and "actual_start" not in [p.column for p in bad]
        ):
            fail("actual_start", "状态为开工或建成时必填")
        if status == Status.COMPLETED and done is None:
            fail("actual_completion", "状态为建成时必填")
        if status in (Status.RESERVE, Status.SUPPORTED) and (start or done):
            fail("actual_start" if start else "actual_completion", "尚未开工的项目不应有实际开工或建成日期")
        if start and done and done < start:
            fail("actual_completion", "实际建成日期不能早于实际开工日期")
        reason = clean_text(r.get("terminated_reason"))
        if status == Status.TERMINATED and not reason:
            fail("terminated_reason", "状态为终止时必填")
        if bad:
            problems += bad
            continue
        assert status is not None and ps and pc and district_id and category_id and investment is not None
        accepted = vals["accepted_on"]
        project = Project(
            code=code or f"XM{ps.year}-{uuid.uuid4().hex[:8].upper()}",
            name=name,
            owner_id=owner_id,
            district_id=district_id,
            category_id=category_id,
            spatial_unit_id=unit_id,
            planned_investment=investment,
            planned_start=ps,
            planned_completion=pc,
            status=status,
            accepted_on=accepted,
            actual_start=start if status in (Status.STARTED, Status.COMPLETED, Status.TERMINATED) else None,
            actual_completion=done if status == Status.COMPLETED else None,
            terminated_on=today if status == Status.TERMINATED else None,
            terminated_reason=reason,
            submitted_by=user,
        )
        built.append((project, done or start or accepted))
    if problems:
        return ImportResult(total=len(rows), created=0, problems=problems)
    with transaction.atomic():
        created = Project.objects.bulk_create([p for p, _ in built], batch_size=500)
        ProjectEvent.objects.bulk_create(
            [
                ProjectEvent(
                    project=p,
                    transition="import",
                    source="",
                    target=p.status,
                    on=on,
                    by=user,
                    note=f"自{file_name or '文件'}导入",
                )
                for p, (_, on) in zip(created, built, strict=True)
            ],
            batch_size=500,
        )
        audit_record(
            event=AuditEvent.Event.DATA_CHANGE,
            user=user,
            detail={"action": "project_import", "file": file_name, "rows": len(created)},
        )
    return ImportResult(total=len(rows), created=len(created), problems=[])
