"""A corpus of hostile and malformed upload files, generated (nothing large is kept in the
repository): each kind an attacker or a careless export produces. Used by the tests
(`ingest/tests/test_hostile_files.py`) and by `scripts/hostile-corpus.py`, which writes them to a
folder for probing a running server."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable

HEADER = "统一社会信用代码,企业名称,国民经济行业代码,经营范围,区划代码,成立日期,企业类型\n"
ROW = "91330106MA00000016,示例企业,8610,新闻采编,330106,2020-01-05,有限责任公司\n"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="工商登记" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _xlsx(sheet_xml: bytes | Callable[[zipfile.ZipFile], None]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        if callable(sheet_xml):
            sheet_xml(z)
        else:
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def _inline_row(r: int, values: list[str]) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
    )
    return f'<row r="{r}">{cells}</row>'.encode()


def zip_bomb(rows: int = 500_000) -> bytes:
    """A small xlsx that unpacks into half a million rows."""

    def write(z: zipfile.ZipFile) -> None:
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(_SHEET_HEAD)
            f.write(_inline_row(1, HEADER.strip().split(",")))
            row = _inline_row(2, ROW.strip().split(","))
            for _ in range(rows):
                f.write(row)
            f.write(_SHEET_TAIL)

    return _xlsx(write)


def xxe() -> bytes:
    doc = (
        b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>' + _SHEET_TAIL
    )
    return _xlsx(doc)


def billion_laughs() -> bytes:
    ents = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [' + ents + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>' + _SHEET_TAIL
    )
    return _xlsx(doc)


def wide_xlsx(columns: int = 100_000) -> bytes:
    cells = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(columns))
    return _xlsx(_SHEET_HEAD + b'<row r="1">' + cells + b"</row>" + _SHEET_TAIL)


def corpus() -> dict[str, bytes]:
    """name → content; the file name's extension is what the upload would carry."""
    ten_mb = "A" * (10 * 1024 * 1024)
    return {
        "huge-cell.csv": (HEADER + ROW.replace("新闻采编", ten_mb)).encode(),
        "huge-name.csv": (HEADER + ROW.replace("示例企业", "名" * (3 * 1024 * 1024))).encode(),
        "wide.csv": (HEADER.strip() + "," * 100_000 + "\n" + ROW).encode(),
        "wide.xlsx": wide_xlsx(),
        "nul-after-4k.csv": (HEADER + ROW * 80).encode() + b"\x00" + ROW.encode(),
        "xxe.xlsx": xxe(),
        "billion-laughs.xlsx": billion_laughs(),
        "zip-bomb.xlsx": zip_bomb(),
        "unclosed-quote.csv": (HEADER + '"' + ROW * 3).encode(),
        "utf16.csv": (HEADER + ROW).encode("utf-16"),
        "latin1-junk.csv": bytes(range(128, 256)) * 40,
        "binary-junk.bin": os.urandom(64 * 1024),
        "truncated.xlsx": _xlsx(_SHEET_HEAD + _inline_row(1, ["a"]))[:-200],
        "not-a-zip.xlsx": b"PK\x03\x04" + os.urandom(2048),
        "empty.csv": b"",
        "blank.csv": b" \r\n\t\n",
        "headers-only.csv": HEADER.encode(),
        "headers-only.xlsx": _xlsx(_SHEET_HEAD + _inline_row(1, HEADER.strip().split(",")) + _SHEET_TAIL),
    }
