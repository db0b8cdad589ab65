"""Page geometry and type of GB/T 9704-2012 (党政机关公文格式), and the free fonts that stand in for the
official ones on a server (Debian packages installed by scripts/system-deps.sh). Pure constants: the
DOCX and PDF writers both read them, so the two formats look alike.

The official faces (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) are commercial or Windows-only; a DOCX
can name them instead (WENCHUANG_REPORT_DOCX_FONTS=official) for offices whose computers have them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Face:
    role: str  # what the standard asks for
    official: str  # the font named by GB/T 9704-2012 (or customary in offices)
    free: str  # the installed free font family standing in for it
    package: str  # the Debian package that ships the free font
    bold: bool = False


TITLE = Face("标题（2号小标宋体）", "方正小标宋简体", "Noto Serif CJK SC", "fonts-noto-cjk", bold=True)
BODY = Face("正文（3号仿宋体）", "仿宋_GB2312", "AR PL UMing CN", "fonts-arphic-uming")
HEADING1 = Face("一级标题（3号黑体）", "黑体", "Noto Sans CJK SC", "fonts-noto-cjk")
HEADING2 = Face("二级标题（3号楷体）", "楷体_GB2312", "AR PL UKai CN", "fonts-arphic-ukai")
PAGE_NUMBER = Face("页码（4号宋体）", "宋体", "Noto Serif CJK SC", "fonts-noto-cjk")
TABLE = Face("表格（5号仿宋体）", "仿宋_GB2312", "AR PL UMing CN", "fonts-arphic-uming")
FACES = (TITLE, BODY, HEADING1, HEADING2, PAGE_NUMBER)
# Where a stand-in lacks a glyph (rare characters, some symbols) the renderer falls back to these.
FALLBACK = ("Noto Serif CJK SC", "Noto Sans CJK SC")

# Chinese type sizes in points: 2号 22pt, 3号 16pt, 4号 14pt, 小4号 12pt, 5号 10.5pt.
SIZE_TITLE = 22.0
SIZE_BODY = 16.0
SIZE_PAGE_NUMBER = 14.0
SIZE_TABLE = 10.5
SIZE_TABLE_SMALL = 9.0
# 22 lines of 28 characters in a 156 × 225 mm text block: a line every 225 / 22 mm ≈ 28.95 pt.
LINE_PITCH = 28.95

# A4 portrait; 天头 37 mm, 订口 28 mm, text block 156 × 225 mm.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
MARGIN_TOP_MM = 37.0
MARGIN_LEFT_MM = 28.0
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - 156.0  # 26
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - 225.0  # 35
# Page number 7 mm below the text block; odd pages right, even pages left, one character in.
PAGE_NUMBER_BELOW_MM = 7.0


def page_number_text(n: int | str) -> str:
    """“— 1 —”: the number between two em dashes (一字线)."""
    return f"— {n} —"


def date_text(year: int, month: int, day: int) -> str:
    """成文日期 in Arabic numerals, month and day without leading zeros (GB/T 9704-2012 7.3.5.3)."""
    return f"{year}年{month}月{day}日"
