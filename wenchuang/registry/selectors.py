"""Reads of the registry. Role/district scoping is added by the accounts capability."""

from __future__ import annotations

from wenchuang.registry.models import Enterprise, Platform


def demo_data_present() -> bool:
    return Enterprise.objects.filter(is_demo=True).exists() or Platform.objects.filter(is_demo=True).exists()
