"""The report as PDF: the same blocks rendered to HTML (a Django template) and laid out by WeasyPrint after
GB/T 9704-2012 (A4 portrait, cover, “— 1 —” page numbers), with the free fonts of `gbt9704` found
through fontconfig (Debian's fonts-noto-cjk, fonts-arphic-uming, fonts-arphic-ukai)."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from wenchuang.reports import gbt9704 as g
from wenchuang.reports.layout import TEXT, Document, display


def _family(face: g.Face) -> str:
    names = [face.free, *(f for f in g.FALLBACK if f != face.free)]
    return ", ".join(f'"{n}"' for n in names) + ", serif"


def typesetting() -> dict[str, Any]:
    """What the stylesheet needs from the standard: fonts, sizes and the page geometry."""
    return {
        "title_font": _family(g.TITLE),
        "body_font": _family(g.BODY),
        "h1_font": _family(g.HEADING1),
        "h2_font": _family(g.HEADING2),
        "page_font": _family(g.PAGE_NUMBER),
        "table_font": _family(g.TABLE),
        "size_title": g.SIZE_TITLE,
        "size_body": g.SIZE_BODY,
        "size_page": g.SIZE_PAGE_NUMBER,
        "size_table": g.SIZE_TABLE_SMALL,
        "pitch": g.LINE_PITCH,
        "margin": f"{g.MARGIN_TOP_MM}mm {g.MARGIN_RIGHT_MM}mm {g.MARGIN_BOTTOM_MM}mm {g.MARGIN_LEFT_MM}mm",
        "page_below": g.PAGE_NUMBER_BELOW_MM,
    }


def html(doc: Document) -> str:
    blocks: list[dict[str, Any]] = []
    for b in doc.blocks:
        item: dict[str, Any] = {"kind": b.kind, "text": b.text}
        if b.table is not None:
            total = sum(c.width for c in b.table.cols)
            item["table"] = {
                "title": b.table.title,
                "note": b.table.note,
                "cols": [
                    {"header": c.header, "num": c.kind != TEXT, "width": f"{c.width / total * 100:.1f}%"}
                    for c in b.table.cols
                ],
                "rows": [
                    [
                        {"text": display(v, c.kind), "num": c.kind != TEXT}
                        for v, c in zip(row, b.table.cols, strict=True)
                    ]
                    for row in b.table.rows
                ],
            }
        if b.png:
            item["src"] = "data:image/png;base64," + base64.b64encode(b.png).decode()
        blocks.append(item)
    return render_to_string(
        "reports/pdf.html", {"title": doc.title, "blocks": blocks, "cover": doc.cover, "t": typesetting()}
    )


def render(doc: Document) -> bytes:
    from weasyprint import HTML  # imported late: loading pango is slow and only PDFs need it

    return HTML(string=html(doc)).write_pdf()
