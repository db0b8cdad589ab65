"""The report as PDF: the same blocks rendered to HTML (a Django template) and laid out by WeasyPrint
with the Noto CJK fonts (Debian's fonts-noto-cjk, found through fontconfig)."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from wenchuang.reports.layout import TEXT, Document, display


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
    return render_to_string("reports/pdf.html", {"title": doc.title, "blocks": blocks})


def render(doc: Document) -> bytes:
    from weasyprint import HTML  # imported late: loading pango is slow and only PDFs need it

    return HTML(string=html(doc)).write_pdf()
