"""统一社会信用代码 (GB 32100-2015): normalisation and check-character validation.

Pure functions, no Django. The outer mod-31 check (position 18) is normative; the inner GB 11714
check (position 17) is reported as a warning only, as real registries contain codes that fail it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise(raw: str) -> str:
    """Strip spaces, fold full-width to half-width (NFKC) and upper-case."""
    folded = unicodedata.normalize("NFKC", raw or "")
    return "".join(folded.split()).upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_character(body8: str) -> str:
    """GB 11714 check character over positions 9-16 (letters count A=10 … Z=35)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


@dataclass(frozen=True)
class UsccResult:
    code: str
    valid: bool
    error: str = ""  # Chinese message naming the failing position, empty when valid
    warnings: tuple[str, ...] = field(default=())


def validate(raw: str) -> UsccResult:
    code = normalise(raw)
    if len(code) != 18:
        return UsccResult(code, False, f"统一社会信用代码应为18位，实际为{len(code)}位")
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return UsccResult(
                code, False, f"统一社会信用代码第{pos}位“{ch}”不是合法字符（不使用I、O、S、V、Z）"
            )
    if not code[2:8].isdigit():
        return UsccResult(code, False, "统一社会信用代码第3-8位应为行政区划代码（6位数字）")
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccResult(code, False, f"统一社会信用代码校验位错误（第18位应为{expected}）")
    warnings: tuple[str, ...] = ()
    if all(ch.isalnum() for ch in code[8:16]) and org_check_character(code[8:16]) != code[16]:
        warnings = (f"组织机构代码校验位（第17位）与GB 11714计算值{org_check_character(code[8:16])}不符",)
    return UsccResult(code, True, "", warnings)


def make_valid(first17: str) -> str:
    """Complete 17 characters into a valid code (used by demo data and tests)."""
    return first17 + check_character(first17)
