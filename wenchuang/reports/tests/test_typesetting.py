"""GB/T 9704-2012 geometry and type, and the free fonts that stand in for the official ones: each is
installed (scripts/system-deps.sh) and is what fontconfig hands WeasyPrint for its name."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from wenchuang.reports import docx_writer
from wenchuang.reports import gbt9704 as g


def test_the_text_block_is_156_by_225_mm_on_a4_portrait() -> None:
    assert g.MARGIN_LEFT_MM + 156 + g.MARGIN_RIGHT_MM == g.PAGE_WIDTH_MM == 210
    assert g.MARGIN_TOP_MM + 225 + g.MARGIN_BOTTOM_MM == g.PAGE_HEIGHT_MM == 297
    # 22 lines per page at the line pitch, 28 characters of 3号 per line
    assert round(225 / 25.4 * 72 / g.LINE_PITCH) == 22
    assert round(156 / 25.4 * 72 / g.SIZE_BODY) == 28  # the standard tightens the spacing slightly


def test_page_numbers_and_dates_are_written_as_the_standard_says() -> None:
    assert g.page_number_text(1) == "— 1 —"
    assert g.date_text(2026, 1, 5) == "2026年1月5日"


def test_a_docx_names_the_official_fonts_when_asked(settings) -> None:
    settings.WENCHUANG_REPORT_DOCX_FONTS = "free"
    assert docx_writer.font_name(g.BODY) == "AR PL UMing CN"
    settings.WENCHUANG_REPORT_DOCX_FONTS = "official"
    assert docx_writer.font_name(g.BODY) == "仿宋_GB2312"
    assert docx_writer.font_name(g.TITLE) == "方正小标宋简体"


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) not installed")
@pytest.mark.parametrize("face", g.FACES, ids=lambda f: f.role)
def test_each_stand_in_font_is_installed(face: g.Face) -> None:
    exe = shutil.which("fc-match")
    assert exe
    found = subprocess.run(  # noqa: S603 — fixed arguments
        [exe, "--format=%{family}", face.free], check=True, capture_output=True, text=True
    ).stdout
    assert face.free in found.split(","), f"{face.free} missing: apt-get install {face.package}"
