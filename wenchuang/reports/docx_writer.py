"""The report as a Word document (python-docx), laid out after GB/T 9704-2012: A4 portrait, the text
block 156 × 225 mm, title 2号小标宋, body 3号仿宋 on a 22-line grid, headings 黑体 / 楷体, a cover page
without a number, page numbers “— 1 —” in 4号宋体 (odd pages right, even pages left). Core properties
are fixed so that the same data gives the same document apart from the generation time printed in it.

Fonts: the free stand-ins of `gbt9704` by default; WENCHUANG_REPORT_DOCX_FONTS=official names the
official faces instead, for offices whose computers have them."""

from __future__ import annotations

import io
from datetime import datetime

from django.conf import settings
from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from wenchuang.reports import gbt9704 as g
from wenchuang.reports.layout import TEXT, Cover, Document, Table, display

FIXED_TIME = datetime(2000, 1, 1)
BLACK = RGBColor(0, 0, 0)


def font_name(face: g.Face) -> str:
    official = getattr(settings, "WENCHUANG_REPORT_DOCX_FONTS", "free") == "official"
    return face.official if official else face.free


def _font(target, face: g.Face, size: float | None = None, bold: bool | None = None) -> None:  # type: ignore[no-untyped-def]
    """Set the face on a style or a run: East Asian and Latin slots, size, weight, black."""
    name = font_name(face)
    target.font.name = name
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        target.font.size = Pt(size)
    target.font.bold = face.bold if bold is None else bold
    target.font.color.rgb = BLACK


def _pitch(paragraph_format, pitch: float = g.LINE_PITCH) -> None:  # type: ignore[no-untyped-def]
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(pitch)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _styles(docx) -> None:  # type: ignore[no-untyped-def]
    styles = docx.styles
    normal = styles["Normal"]
    _font(normal, g.BODY, g.SIZE_BODY)
    _pitch(normal.paragraph_format)
    normal.paragraph_format.first_line_indent = Pt(2 * g.SIZE_BODY)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, face in (("Title", g.TITLE), ("Heading 1", g.HEADING1), ("Heading 2", g.HEADING2)):
        style = styles[name]
        _font(style, face, g.SIZE_TITLE if face is g.TITLE else g.SIZE_BODY)
        _pitch(style.paragraph_format, 36.0 if face is g.TITLE else g.LINE_PITCH)
        style.paragraph_format.first_line_indent = Pt(0 if face is g.TITLE else 2 * g.SIZE_BODY)
        style.paragraph_format.keep_with_next = True
        # Word's heading styles draw a border under the title; the standard has none.
        for border in style.element.xpath(".//w:pBdr"):
            border.getparent().remove(border)
    caption = styles["Caption"]
    _font(caption, g.HEADING1, g.SIZE_TABLE, bold=False)
    caption.font.italic = False
    _pitch(caption.paragraph_format, 20.0)
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True  # a table's title stays with its first rows


def _field(run, instruction: str) -> None:  # type: ignore[no-untyped-def]
    """A Word field (PAGE) inside a run."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _page_number(footer, *, odd: bool) -> None:  # type: ignore[no-untyped-def]
    p = footer.paragraphs[0]
    p.text = ""
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(0)
    # one character in from the edge of the text block
    if odd:
        fmt.right_indent = Pt(g.SIZE_PAGE_NUMBER)
    else:
        fmt.left_indent = Pt(g.SIZE_PAGE_NUMBER)
    for text in ("— ", None, " —"):
        run = p.add_run(text or "")
        _font(run, g.PAGE_NUMBER, g.SIZE_PAGE_NUMBER, bold=False)
        if text is None:
            _field(run, "PAGE")


def _page(docx) -> None:  # type: ignore[no-untyped-def]
    section = docx.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(g.PAGE_WIDTH_MM), Mm(g.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(g.MARGIN_TOP_MM), Mm(g.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(g.MARGIN_LEFT_MM), Mm(g.MARGIN_RIGHT_MM)
    # the page number's baseline 7 mm below the text block, so the footer distance is the rest
    section.footer_distance = Mm(g.MARGIN_BOTTOM_MM - g.PAGE_NUMBER_BELOW_MM - 5)
    # The cover has no number and counts as page 0: the body starts at “— 1 —”.
    section.different_first_page_header_footer = True
    docx.settings.odd_and_even_pages_header_footer = True
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "0")
    section._sectPr.append(pg)
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)
    section.first_page_footer.paragraphs[0].text = ""


def _cover(docx, cover: Cover) -> None:  # type: ignore[no-untyped-def]
    def line(text: str, face: g.Face, size: float, *, space_before: float = 0, bold: bool | None = None):  # type: ignore[no-untyped-def]
        p = docx.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.space_before = Pt(space_before)
        _pitch(p.paragraph_format, max(size * 1.6, g.LINE_PITCH))
        p.paragraph_format.space_before = Pt(space_before)
        run = p.add_run(text)
        _font(run, face, size, bold=bold)
        return p

    if cover.state:
        line(cover.state, g.HEADING1, g.SIZE_BODY)
    line(cover.title, g.TITLE, 26.0, space_before=150)
    line(cover.issuer, g.BODY, g.SIZE_BODY, space_before=220)
    line(cover.date, g.BODY, g.SIZE_BODY)
    for text in cover.lines:
        line(text, g.BODY, g.SIZE_TABLE, space_before=6)
    docx.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _table(docx, table: Table) -> None:  # type: ignore[no-untyped-def]
    docx.add_paragraph(table.title, style="Caption")
    t = docx.add_table(rows=1, cols=len(table.cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = g.SIZE_TABLE_SMALL if len(table.cols) > 6 else g.SIZE_TABLE
    for cell, col in zip(t.rows[0].cells, table.cols, strict=True):
        cell.text = col.header
    for row in table.rows:
        cells = t.add_row().cells
        for cell, col, value in zip(cells, table.cols, row, strict=True):
            cell.text = display(value, col.kind)
            if col.kind != TEXT:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for i, row in enumerate(t.rows):
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = Pt(0)
                _pitch(p.paragraph_format, size * 1.4)
                for run in p.runs:
                    _font(run, g.HEADING1 if i == 0 else g.TABLE, size, bold=False)
    if table.note:
        p = docx.add_paragraph("注：" + table.note)
        p.paragraph_format.first_line_indent = Pt(0)
        _pitch(p.paragraph_format, g.SIZE_TABLE * 1.5)
        _font(p.runs[0], g.TABLE, g.SIZE_TABLE)


def render(doc: Document) -> bytes:
    docx = new_document()
    _page(docx)
    _styles(docx)
    props = docx.core_properties
    props.title = doc.title
    props.author = "文创E点通"
    props.last_modified_by = "文创E点通"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    if doc.cover is not None:
        _cover(docx, doc.cover)
    for block in doc.blocks:
        if block.kind == "title":
            p = docx.add_paragraph(block.text, style="Title")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(g.LINE_PITCH)
        elif block.kind == "meta":
            p = docx.add_paragraph(block.text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "h1":
            docx.add_paragraph(block.text, style="Heading 1")
        elif block.kind == "h2":
            docx.add_paragraph(block.text, style="Heading 2")
        elif block.kind in ("p", "empty"):
            docx.add_paragraph(block.text)
        elif block.kind == "table" and block.table is not None:
            _table(docx, block.table)
        elif block.kind == "chart":
            docx.add_picture(io.BytesIO(block.png), width=Mm(150))
            pic = docx.paragraphs[-1]
            pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pic.paragraph_format.first_line_indent = Pt(0)
            pic.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            docx.add_paragraph(block.text, style="Caption")
    buf = io.BytesIO()
    docx.save(buf)
    return buf.getvalue()
