"""Masking of personal data for screens and exports (PIPL): keep just enough to recognise a record."""

from __future__ import annotations


def mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def mask_id_number(value: str) -> str:
    """18-digit resident ID → 3301**********1234."""
    return mask_middle(value, 4, 4)


def mask_phone(value: str) -> str:
    """Mobile number → 138****5678."""
    return mask_middle(value, 3, 4)
