"""Password rules beyond Django's built-ins: at least three of the four character classes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类。",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类。"
