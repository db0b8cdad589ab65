"""Charts for the Word and PDF reports, drawn with matplotlib (Agg) in the Noto CJK font installed
from Debian's fonts-noto-cjk. PNG metadata is fixed so the same data gives the same image bytes."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.typing import RcKeyType

from wenchuang.reports.data import ReportData

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei")
COLOURS = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622", "#bda29a", "#6e7074"]
DPI = 150


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed CJK font (matplotlib's font list, then fontconfig's files)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in path or "NotoSerifCJK" in path or "wqy" in path.lower():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    raise FontMissing("未找到中文字体：请安装 Debian 软件包 fonts-noto-cjk（见 scripts/system-deps.sh）")


def _style() -> dict[RcKeyType, Any]:
    return {
        "font.family": [cjk_font()],
        "axes.unicode_minus": False,
        "font.size": 9,
        "svg.hashsalt": "wenchuang",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def trend_chart(data: ReportData) -> bytes | None:
    points = [(t["year"], t["value_added"]) for t in data.trend if t["value_added"] is not None]
    if not points:
        return None
    va = data.indicator("value_added")
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, 3.0))
        xs = list(range(len(points)))
        ys = [float(v) for _, v in points]
        ax.bar(xs, ys, color=COLOURS[0], width=0.6, label="文化产业增加值（亿元）")
        ax.set_xticks(xs, [str(y) for y, _ in points])
        for x, y in zip(xs, ys, strict=True):
            ax.annotate(
                f"{y:,.0f}",
                (x, y),
                ha="center",
                va="bottom",
                fontsize=7,
                xytext=(0, 2),
                textcoords="offset points",
            )
        if data.is_city and va is not None and va.target_value is not None:
            ax.axhline(
                float(va.target_value),
                color=COLOURS[1],
                linestyle="--",
                linewidth=1.2,
                label=f"{va.target_year}年目标 {va.target_display}亿元",
            )
        top = max([*ys, float(va.target_value) if data.is_city and va and va.target_value else 0])
        ax.set_ylim(0, top * 1.15)
        ax.set_title(f"{data.scope_label}文化产业增加值趋势")
        ax.set_ylabel("亿元")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=8)
        return _png(fig)


def districts_chart(data: ReportData) -> bytes | None:
    rows = [d for d in data.districts if d["value_added"] is not None]
    if not rows:
        return None
    rows = sorted(rows, key=lambda d: d["value_added"])
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, max(1.6, 0.28 * len(rows) + 0.8)))
        ax.barh([d["name"] for d in rows], [float(d["value_added"]) for d in rows], color=COLOURS[2])
        for i, d in enumerate(rows):
            ax.annotate(
                f"{float(d['value_added']):,.1f}",
                (float(d["value_added"]), i),
                va="center",
                fontsize=7,
                xytext=(2, 0),
                textcoords="offset points",
            )
        ax.set_title(f"{data.year}年分区县文化产业增加值（亿元）")
        return _png(fig)


def majors_chart(data: ReportData) -> bytes | None:
    rows = [m for m in data.majors if m["value_added"] and m["code"] != "00"]
    if not rows:
        return None
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, 3.2))
        labels = [f"{m['code']} {m['name']}" for m in rows]
        ax.barh(labels[::-1], [float(m["value_added"]) for m in rows][::-1], color=COLOURS[3])
        ax.set_title(f"{data.year}年文化产业九大类增加值（亿元）")
        return _png(fig)


def digital_chart(data: ReportData) -> bytes | None:
    dig = data.digital
    if not dig or dig.get("revenue_share") is None:
        return None
    share = float(dig["revenue_share"])
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(3.6, 3.0))
        ax.pie(
            [share, 100 - share],
            labels=["数字文化（新业态）", "其他文化企业"],
            colors=[COLOURS[0], "#dddddd"],
            autopct="%1.1f%%",
            startangle=90,
            counterclock=False,
            wedgeprops={"width": 0.45},
        )
        ax.set_title(f"{data.year}年营业收入中数字文化占比")
        return _png(fig)


def all_charts(data: ReportData) -> list[tuple[str, bytes]]:
    """(caption, PNG) in the order the report shows them; charts without data are left out."""
    out = []
    for caption, fn in (
        ("图1 文化产业增加值趋势与目标", trend_chart),
        ("图2 分区县文化产业增加值", districts_chart),
        ("图3 文化产业九大类结构", majors_chart),
        ("图4 数字文化营业收入占比", digital_chart),
    ):
        png = fn(data)
        if png is not None:
            out.append((caption, png))
    return out
