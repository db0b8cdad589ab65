from __future__ import annotations

from django.core.exceptions import ValidationError

from wenchuang.core import uscc


def validate_uscc(value: str) -> None:
    """Model/form validator: every USCC entered anywhere goes through the GB 32100 check."""
    result = uscc.validate(value)
    if not result.valid:
        raise ValidationError(result.error, code="invalid_uscc")
    if result.code != value:
        raise ValidationError(
            "统一社会信用代码须为规范形式（半角、大写、无空格）：%(code)s", params={"code": result.code}
        )
