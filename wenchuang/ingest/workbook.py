"""Downloadable xlsx templates: a data sheet with Chinese headers and example rows, and a notes sheet."""

from __future__ import annotations

import io

from wenchuang.core.uscc import make_valid
from wenchuang.ingest.schema import KINDS, Column

EXAMPLE_USCC = (make_valid("91330106MA2B0Q0X4"), make_valid("91330108MA27XY1L2"))


def header_for(col: Column) -> str:
    return f"{col.zh}（万元）" if col.type == "money" else col.zh


def template_workbook(kind_code: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    kind = KINDS[kind_code]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = kind.zh
    ws.append([header_for(c) for c in kind.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i in range(2):
        row: list[object] = []
        for c in kind.columns:
            if c.type == "uscc":
                row.append(EXAMPLE_USCC[i])
            elif c.key == "district" and i == 1:
                row.append("330108")
            else:
                row.append(
                    str(c.example) if c.type in ("text", "gbt", "district", "uscc", "slug") else c.example
                )
        ws.append(row)
    for idx, c in enumerate(kind.columns, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(idx)].width = max(
            12, len(header_for(c)) * 2 + 2
        )
        if c.type in ("gbt", "district", "uscc", "text"):
            for r in range(2, 4):
                ws.cell(r, idx).number_format = "@"
    notes = wb.create_sheet("说明")
    notes.append(["列名", "英文列名", "必填", "说明"])
    for c in kind.columns:
        notes.append([header_for(c), c.key, "是" if c.required else "", c.note])
    notes.append([])
    for line in (
        *kind.notes,
        "第2、3行为示例，导入前请删除。",
        "也可另存为CSV（UTF-8或GB18030/GBK编码）导入；列名可用中文或英文。",
        "金额可带千位分隔符；单位可在列名中注明（元、万元、亿元）。日期可写2020-01-05、2020/1/5或2020年1月5日。",
        "单元格不能含公式。",
        "市场监管登记信息导出、企业信息查询平台导出的文件可直接导入，常见列名（所属区县、国标行业、住所、"
        "注册资本等）自动识别，未导入的列会在导入结果中列出。",
    ):
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
