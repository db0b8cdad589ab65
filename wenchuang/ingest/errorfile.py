"""The rejected-rows workbook: each rejected input row as it was, preceded by its row number, the
column(s) (as the file names them), the value(s) and the reason(s) in Chinese; a sheet of the columns
that were not imported, with the closest known column for each unknown one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wenchuang.core.exports import neutralise_cell
from wenchuang.ingest.limits import EXCEL_CELL_CHARS, max_error_rows
from wenchuang.ingest.schema import Kind

LEAD = ["行号", "列", "值", "原因"]


def _cell(v: Any) -> Any:
    # Never write a formula back: a rejected "=…" / "+…" / "@…" cell is shown as text (formula injection).
    v = neutralise_cell(v)
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)  # control characters Excel cannot store
    # Excel refuses a cell over 32,767 characters: cut, and say so.
    if isinstance(v, str) and len(v) > EXCEL_CELL_CHARS:
        v = v[: EXCEL_CELL_CHARS - 20] + "…（内容过长已截断）"
    return v


def error_file_write(*, batch: Any, table: Any, kind: Kind, bad: dict[int, list[Any]], mapping: Any) -> Path:
    import openpyxl

    directory = Path(settings.VAR_DIR) / "imports" / "errors"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"batch-{batch.pk}-errors.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("错误行")
    ws.append(LEAD + [_cell(str(h)) for h in table.headers])
    raw_by_row = dict(table.rows)
    labels = getattr(mapping, "labels", {}) or {}
    cap = max_error_rows()
    for rowno in sorted(bad)[:cap]:
        problems = bad[rowno]
        cols = "；".join(labels.get(p.column) or kind.column(p.column).zh for p in problems)
        vals = "；".join(str(p.value) for p in problems)
        reasons = "；".join(p.reason for p in problems)
        ws.append(
            [rowno, _cell(cols), _cell(vals), _cell(reasons), *[_cell(v) for v in raw_by_row.get(rowno, [])]]
        )
    ignored = list(getattr(mapping, "notes", []) or [])
    if ignored:
        sheet = wb.create_sheet("未导入的列")
        sheet.append(["说明"])
        for line in ignored:
            sheet.append([_cell(line)])
    notes = wb.create_sheet("说明")
    notes.append([f"批次#{batch.pk}（{kind.zh}）：{batch.file_name}"])
    for line in ignored:
        notes.append([_cell(line)])
    notes.append(["修改“错误行”中的数据后，删除前四列（行号、列、值、原因），即可按原格式重新导入。"])
    if len(bad) > cap:
        notes.append([f"共{len(bad)}行有错误，本文件只列出前{cap}行；请先修正这些行后重新导入。"])
    wb.save(path)
    return path
