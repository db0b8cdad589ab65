"""Reads for the import pages. Batches are city-wide records: only the 统计员 and the city office see them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from wenchuang.ingest.models import ImportBatch

IMPORT_ROLES = ("data_manager", "city_admin")


def _check(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in IMPORT_ROLES:
        raise PermissionDenied


def batch_list(*, user: Any) -> QuerySet[ImportBatch]:
    _check(user)
    return ImportBatch.objects.select_related("user")


def batch_get(*, user: Any, pk: int) -> ImportBatch:
    _check(user)
    batch = ImportBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise Http404("批次不存在")
    return batch
