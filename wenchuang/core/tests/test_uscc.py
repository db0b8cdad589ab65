from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from wenchuang.core import uscc
from wenchuang.core.validators import validate_uscc

VALID = [
    "91330106MA2CK7Q13N",
    "92330108MA2H3P4W8Y",
    "123301004701234511",
    "914403001922038216",
    "91440300708461136T",
]


@pytest.mark.parametrize("code", VALID)
def test_it_accepts_valid_codes(code: str) -> None:
    result = uscc.validate(code)
    assert result.valid, result.error
    assert result.warnings == ()


def test_it_computes_the_standards_worked_example() -> None:
    # GB 32100-2015's own example: 91350100M000100Y4? → check character 3.
    assert uscc.check_character("91350100M000100Y4") == "3"
    assert not uscc.validate("91350100M000100Y4Z").valid


def test_it_names_the_failing_check_position() -> None:
    result = uscc.validate("91330106MA2CK7Q13M")
    assert not result.valid
    assert result.error == "统一社会信用代码校验位错误（第18位应为N）"


def test_it_rejects_forbidden_letters_with_their_position() -> None:
    result = uscc.validate("91330106MA2CK7QI3N")
    assert not result.valid
    assert "第16位" in result.error and "I" in result.error


@pytest.mark.parametrize("code", ["", "91330106MA2CK7Q13", "91330106MA2CK7Q13NN"])
def test_it_rejects_wrong_lengths(code: str) -> None:
    result = uscc.validate(code)
    assert not result.valid
    assert f"实际为{len(code)}位" in result.error


def test_it_requires_digits_for_the_division_code() -> None:
    code = uscc.make_valid("91A30106MA2CK7Q13")
    assert not uscc.validate(code).valid


def test_it_normalises_full_width_lower_case_and_spaces() -> None:
    assert uscc.normalise(" ９１３３０１０６ma2ck7q13n ") == "91330106MA2CK7Q13N"
    assert uscc.validate("９１３３０１０６ma2ck7q13n").valid


def test_it_warns_but_accepts_a_failed_inner_check() -> None:
    code = uscc.make_valid("91330106MA2CK7Q15")  # position 17 should be 3
    result = uscc.validate(code)
    assert result.valid
    assert result.warnings and "第17位" in result.warnings[0]


def test_the_model_validator_rejects_non_canonical_and_invalid_codes() -> None:
    validate_uscc("91330106MA2CK7Q13N")
    with pytest.raises(ValidationError, match="第18位应为N"):
        validate_uscc("91330106MA2CK7Q13M")
    with pytest.raises(ValidationError, match="规范形式"):
        validate_uscc("91330106ma2ck7q13n")


@given(st.text(alphabet=uscc.CHARSET, min_size=17, max_size=17), st.integers(min_value=0, max_value=16))
def test_any_single_character_change_is_detected(first17: str, pos: int) -> None:
    code = uscc.make_valid(first17)
    assert uscc.check_character(code[:17]) == code[17]
    # Changing one character of positions 1-17 always changes the mod-31 sum (weights are units mod 31).
    replacement = uscc.CHARSET[(uscc.CHARSET.index(code[pos]) + 1) % 31]
    tampered = code[:pos] + replacement + code[pos + 1 :]
    assert uscc.check_character(tampered[:17]) != tampered[17]
