"""Reads for the import pages. The 统计员 and the city office see every batch; a 区县管理员 sees the
batches they uploaded and those of the other district offices of their districts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from wenchuang.core.scope import CITY_WIDE_ROLES, STATISTICS_ROLES
from wenchuang.ingest.models import ImportBatch
from wenchuang.registry.selectors import ObjectNotAccessible, district_list_for_user

# Who may import, on the web page and through the API (wenchuang/api/access.py) alike: a district office
# too, its rows limited to its own districts by ingest.scope.import_scope in the import service.
IMPORT_ROLES = tuple(sorted(STATISTICS_ROLES))


def _check(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in IMPORT_ROLES:
        raise PermissionDenied


def batch_list(*, user: Any) -> QuerySet[ImportBatch]:
    _check(user)
    qs = ImportBatch.objects.select_related("user")
    if user.role in CITY_WIDE_ROLES:
        return qs
    districts = district_list_for_user(user=user).values("pk")
    return qs.filter(Q(user=user) | Q(user__role="district_admin", user__districts__in=districts)).distinct()


def batch_get(*, user: Any, pk: int) -> ImportBatch:
    """A batch the user may see. A district office gets 403 for a batch outside its scope and for one
    that does not exist alike (nothing to learn from the difference)."""
    _check(user)
    batch = batch_list(user=user).filter(pk=pk).first()
    if batch is None:
        if user.role in CITY_WIDE_ROLES:
            raise Http404("批次不存在")
        raise ObjectNotAccessible
    return batch
