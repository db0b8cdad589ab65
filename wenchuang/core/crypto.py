"""Encryption at rest for personal data, and keyed hashes for looking it up.

Fernet (AES-128-CBC + HMAC) from `cryptography`; MultiFernet so keys can be rotated: the first key
encrypts, every key decrypts. Keys come from WENCHUANG_FIELD_KEYS; a local install without one gets a
key derived from SECRET_KEY so the embedded default runs with no configuration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _derived_key(label: bytes) -> bytes:
    return hashlib.sha256(label + settings.SECRET_KEY.encode()).digest()


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.WENCHUANG_FIELD_KEYS) or [
        base64.urlsafe_b64encode(_derived_key(b"field-encryption:")).decode()
    ]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was removed before re-encryption: fail loudly, never show ciphertext
        raise ValueError("无法解密个人信息字段：密钥不匹配") from exc


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value, for exact-match look-ups without decrypting every row."""
    return hmac.new(_derived_key(b"lookup-hash:"), value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees plain text. Not searchable: pair it with keyed_hash."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
