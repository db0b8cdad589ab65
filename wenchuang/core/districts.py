"""Hangzhou's county-level divisions across the April 2021 change, as dated reference data.

`data/reference/districts-330100-2021-crosswalk.csv` lists, for every district whose code or area
changed, each 街道/镇 and the district it belongs to since 2021-04-09, with a resolution rule:

- `whole`  — the old district lies entirely in one new district (下城区 → 拱墅区);
- `review` — the old district was split; its 街道 decides; without one the row goes to the district
  named in the default row and is flagged for review (old 江干区, old 余杭区);
- `keep`   — the code is still current; only the 街道 listed moved (萧山区's five → 钱塘区).

`district_resolve` turns what a file carries (a code, old or current; a name with or without 浙江省 /
杭州市; a short name like 萧山; an address) into today's code, keeping the original value and saying
how it was mapped. Pure apart from reading the CSV once."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CROSSWALK_FILE = "districts-330100-2021-crosswalk.csv"
CHANGE_DATE = "2021-04-09"
CHANGE_SOURCE = "浙江省人民政府关于调整杭州市部分行政区划的通知（2021-03-11）"

COMPARABILITY_NOTE = (
    "2021年4月杭州市行政区划调整（原上城区、江干区合并为上城区，原下城区、拱墅区合并为拱墅区，"
    "原余杭区分设余杭区、临平区，原江干区下沙、白杨街道和萧山区河庄、义蓬、新湾、临江、前进街道设立钱塘区）。"
    "本系统各年度的区县数据一律按调整后的区划口径统计：企业按现所在区县归属，2021年前的登记和统计记录"
    "按街道对照表换算到现区县（原值保留备查）；无法从街道判定的记录按对照表默认归属并标记待核实。"
    "因此2021年前后的区县序列口径一致、可直接比较，但与当年按旧区划发布的公报数字不同。"
)


@dataclass(frozen=True)
class CrosswalkRow:
    old_code: str
    old_name: str
    street: str
    new_code: str
    new_name: str
    effective: str
    resolution: str


@dataclass(frozen=True)
class Resolution:
    code: str | None  # today's code; None when nothing could be recognised
    original: str  # the value as the file had it
    note: str = ""  # how it was mapped ("" when the value already was today's code)
    review: bool = False  # a split that the address could not resolve


def _reference_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "reference"


@lru_cache(maxsize=4)
def crosswalk(directory: Path | None = None) -> tuple[CrosswalkRow, ...]:
    path = (directory or _reference_dir()) / CROSSWALK_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(CrosswalkRow(**row) for row in csv.DictReader(fh))


def comparability_note() -> str:
    """The sentence the indicator page and the reports show beside district series across 2021."""
    return COMPARABILITY_NOTE


def _short(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "区县市" else name


_PREFIX = re.compile(r"^(浙江省)?(杭州市)?(市辖区)?")


OLD_ONLY_NAMES = ("下城", "江干")  # names that exist only before 2021-04-09
NEW_ONLY_NAMES = ("临平", "钱塘")  # names that exist only since


def file_vintage(values: Iterable[str]) -> str:
    """ "old" when a file's district cells carry a code or name that exists only before the change,
    "new" when one that exists only since, "unknown" otherwise (or both). Decides whether a bare old
    余杭区 code (330110 — the same number before and after) needs its 街道 to be placed."""
    olds = {r.old_code for r in crosswalk() if r.old_code not in {x.new_code for x in crosswalk()}}
    news = {r.new_code for r in crosswalk() if r.new_code not in {x.old_code for x in crosswalk()}}
    old = new = False
    for raw in set(values):
        text = unicodedata.normalize("NFKC", str(raw or "")).strip()
        if not text:
            continue
        old = old or text in olds or any(n in text for n in OLD_ONLY_NAMES)
        new = new or text in news or any(n in text for n in NEW_ONLY_NAMES)
        if old and new:
            return "unknown"
    return "old" if old else "new" if new else "unknown"


class DistrictResolver:
    """`district_resolve` for one file: the index built once, a code that needs no address answered
    from a memo."""

    def __init__(self, current: dict[str, str], vintage: str = "unknown") -> None:
        self.current = dict(current)
        self.vintage = vintage
        self.rules: dict[str, str] = {}
        self.defaults: dict[str, tuple[str, str]] = {}
        self.streets: dict[str, dict[str, tuple[str, str]]] = {}
        self.old_names: dict[str, str] = {}
        for r in crosswalk():
            if not r.street:
                self.rules[r.old_code] = r.resolution
                self.defaults[r.old_code] = (r.new_code, r.new_name)
                self.old_names[r.old_code] = r.old_name
            else:
                self.streets.setdefault(r.old_code, {})[r.street] = (r.new_code, r.new_name)
        # codes whose every street stays: nothing to decide (old 上城区 330102, old 拱墅区 330105)
        for code in list(self.rules):
            targets = {self.defaults[code][0], *(c for c, _ in self.streets.get(code, {}).values())}
            if targets == {code}:
                del self.rules[code]
        names: dict[str, str] = {}
        for code, name in {**{c: n for c, n in self.old_names.items()}, **self.current}.items():
            names[name] = code
            if len(_short(name)) >= 2:
                names.setdefault(_short(name), code)
        self.names = tuple(sorted(names.items(), key=lambda kv: -len(kv[0])))
        self._plain: dict[str, Resolution] = {}

    def resolve(self, value: str, address: str) -> Resolution:
        hit = self._plain.get(value)
        if hit is not None:
            return hit
        original = unicodedata.normalize("NFKC", value or "").strip()
        address = unicodedata.normalize("NFKC", address or "").strip()
        code: str | None = None
        own = True  # the cell itself named the district (else the address did)
        if original.isdigit():
            code = original if (original in self.current or original in self.rules) else None
            if code is None:
                return Resolution(None, original)
        else:
            for text in (original, address):
                text = _PREFIX.sub("", text)
                found_code = next((c for n, c in self.names if n in text), None) if text else None
                if found_code:
                    code = found_code
                    break
                own = False
            if code is None:
                return Resolution(None, original)
        rule = self.rules.get(code)
        if rule is None:
            res = Resolution(code, original)
            if own and original:
                self._plain[value] = res  # the same cell gives the same answer, whatever the address
            return res
        return self._split(code, rule, original, address)

    def _split(self, code: str, rule: str, original: str, address: str) -> Resolution:
        shown = original or address
        table = self.streets.get(code, {})
        found = _street_in(address, table) or _street_in(original, table)
        new_code, new_name = self.defaults[code]
        old = self.old_names[code]
        if not found:
            # the address may name the new district already (杭州市临平区…): a successor not named as the old
            successors = {*table.values(), (new_code, new_name)}
            named = {(c, n) for c, n in successors if n != old and n in address}
            if len(named) == 1:
                c, n = named.pop()
                found = (n, c, n)
        if found:
            street, new_code, new_name = found
            if new_code == code and original == code:
                return Resolution(code, original)
            return Resolution(
                new_code, original, f"“{shown}”（{street}）按{CHANGE_DATE}区划调整归{new_name}（{new_code}）"
            )
        if rule == "review" and not (self.vintage == "new" and new_code == code):
            return Resolution(
                new_code,
                original,
                f"原{old}已于2021年拆分，地址中未找到可判定的街道，暂归{new_name}（{new_code}），请核实",
                review=True,
            )
        if new_code == code:
            return Resolution(code, original)
        return Resolution(new_code, original, f"“{shown}”按{CHANGE_DATE}区划调整归{new_name}（{new_code}）")


def _street_in(address: str, table: dict[str, tuple[str, str]]) -> tuple[str, str, str] | None:
    for street, (code, name) in table.items():
        if street in address:
            return street, code, name
    return None


def district_resolve(
    value: str, address: str, current: dict[str, str], vintage: str = "unknown"
) -> Resolution:
    """Today's district for a cell value (code or name; may be blank) and the row's address.

    `current` is code → name of today's districts (the District table); `vintage` is `file_vintage` of
    the file's district cells."""
    return DistrictResolver(current, vintage).resolve(value, address)
