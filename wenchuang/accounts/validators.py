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


class StrengthValidator:
    """zxcvbn's estimate (0–4) must reach `min_score`: refuses `password123!` and the like that pass the
    class and length rules; the account's names count as known words."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: Any = None) -> None:
        from zxcvbn import zxcvbn

        inputs = [str(getattr(user, f, "") or "") for f in ("username", "first_name", "last_name", "email")]
        username = inputs[0].lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")
        if zxcvbn(password[:100], user_inputs=[i for i in inputs if i])["score"] < self.min_score:
            raise ValidationError(
                "密码太容易被猜中（如常见单词加数字）：请使用更长、更不规则的组合。",
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return "密码不能包含用户名，且不能是常见单词加数字等容易猜中的组合。"


class PasswordHistoryValidator:
    """The new password must differ from the current one and the last `count` before it (hashes kept in
    `PasswordHistory`, written when a password is set)."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        from django.contrib.auth.hashers import check_password

        if user is None or not getattr(user, "pk", None):
            return
        from wenchuang.accounts.models import PasswordHistory

        previous = list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-created_at")
            .values_list("password", flat=True)[: self.count]
        )
        from django.contrib.auth import get_user_model

        current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if any(h and check_password(password, h) for h in [current, *previous]):
            raise ValidationError(
                "新密码不能与当前密码或最近%(n)d次使用过的密码相同。",
                code="password_reused",
                params={"n": self.count},
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from wenchuang.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = (
            PasswordHistory.objects.filter(user=user)
            .order_by("-created_at")
            .values_list("pk", flat=True)[self.count :]
        )
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return f"新密码不能与最近{self.count}次使用过的密码相同。"
