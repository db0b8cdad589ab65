"""Reads for the import pages. The 统计员 and the city office of the whole deployment see every batch;
a 区县管理员 (or an office bound to a region below the deployment's) sees the batches it uploaded and
those of the other offices of its districts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from wenchuang.core.scope import STATISTICS_ROLES, user_scope
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
    if user_scope(user).city_wide:
        return qs
    districts = district_list_for_user(user=user).values("pk")
    mine = Q(user=user) | Q(user__role="district_admin", user__districts__in=districts)
    if getattr(user, "region_code", ""):
        mine |= Q(user__region_code=user.region_code)  # the other offices bound to the same region
    return qs.filter(mine).distinct()


def batch_get(*, user: Any, pk: int) -> ImportBatch:
    """A batch the user may see. A district office gets 403 for a batch outside its scope and for one
    that does not exist alike (nothing to learn from the difference)."""
    _check(user)
    batch = batch_list(user=user).filter(pk=pk).first()
    if batch is None:
        if user_scope(user).city_wide:
            raise Http404("批次不存在")
        raise ObjectNotAccessible
    return batch
