"""The report as a Word document (python-docx). Core properties are fixed so that the same data gives
the same document apart from the generation time printed in it."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from wenchuang.reports.layout import TEXT, Document, Table, display

FONT = "Noto Sans CJK SC"
FIXED_TIME = datetime(2000, 1, 1)


def _east_asian(style_or_run, name: str = FONT) -> None:  # type: ignore[no-untyped-def]
    style_or_run.font.name = name
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _table(docx, table: Table) -> None:  # type: ignore[no-untyped-def]
    cap = docx.add_paragraph(table.title, style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t = docx.add_table(rows=1, cols=len(table.cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, col in zip(t.rows[0].cells, table.cols, strict=True):
        cell.text = col.header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = t.add_row().cells
        for cell, col, value in zip(cells, table.cols, row, strict=True):
            cell.text = display(value, col.kind)
            if col.kind != TEXT:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in t.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)
    if table.note:
        docx.add_paragraph("注：" + table.note).runs[0].font.size = Pt(8)


def render(doc: Document) -> bytes:
    docx = new_document()
    section = docx.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        _east_asian(docx.styles[name])
    docx.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        docx.styles[name].font.color.rgb = RGBColor(0x20, 0x20, 0x20)
    props = docx.core_properties
    props.title = doc.title
    props.author = "文创E点通"
    props.last_modified_by = "文创E点通"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    for block in doc.blocks:
        if block.kind == "title":
            p = docx.add_heading(block.text, level=0)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "meta":
            p = docx.add_paragraph(block.text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.runs[0].font.size = Pt(9)
        elif block.kind == "h1":
            docx.add_heading(block.text, level=1)
        elif block.kind == "h2":
            docx.add_heading(block.text, level=2)
        elif block.kind in ("p", "empty"):
            docx.add_paragraph(block.text)
        elif block.kind == "table" and block.table is not None:
            _table(docx, block.table)
        elif block.kind == "chart":
            docx.add_picture(io.BytesIO(block.png), width=Cm(16))
            docx.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap = docx.add_paragraph(block.text, style="Caption")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    docx.save(buf)
    return buf.getvalue()
