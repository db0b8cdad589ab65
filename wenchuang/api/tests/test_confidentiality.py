"""Disclosure by subtraction over the API: every figure a caller who gets suppressed figures (a
district office, live; the public reads a publication's frozen copies of the same answers) can obtain
from every breakdown (each dimension × each filter combination) and every district page is collected
as a linear equation over the respondents' values; no suppressed figure and no single firm may lie in
their span (rank test)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from django.core.cache import cache

from wenchuang.registry.models import EnterpriseYear

pytestmark = pytest.mark.django_db

DIMS = ("district", "major", "middle", "minor", "above_scale", "digital", "core")


def _member(ey, by, key):
    e = ey.enterprise
    code = e.culture_category.code if e.culture_category else ""
    if by == "district":
        return e.district.code == key
    if by in ("major", "middle", "minor"):
        return code[: {"major": 2, "middle": 3, "minor": 4}[by]] == key
    flag = {
        "above_scale": ey.is_above_scale,
        "digital": bool(e.culture_category and e.culture_category.is_new_form),
        "core": bool(e.culture_category and e.culture_category.domain == "core"),
    }[by]
    return flag == (key == "yes")


def _in_span(rows, v):
    if not rows:
        return False
    m = np.array(rows, dtype=float)
    return np.linalg.matrix_rank(np.vstack([m, v])) == np.linalg.matrix_rank(m)


def test_no_hidden_cell_is_recoverable_from_every_public_query(world, district_admin_client):
    anonymous_client = district_admin_client  # suppressed like the public, but any filter combination
    firms = list(
        EnterpriseYear.objects.filter(year=2021).select_related(
            "enterprise__district", "enterprise__culture_category"
        )
    )
    published, hidden = [], []
    filter_sets = [{}, {"district": "330106"}, {"district": "330108"}]
    for flag, value in itertools.product(("above_scale", "digital", "core"), ("true", "false")):
        filter_sets.append({flag: value})
    for by, filters in itertools.product(DIMS, filter_sets):
        cache.clear()  # the anonymous rate limit, not the subject here
        body = anonymous_client.get(
            "/api/v1/breakdowns/", {"year": 2021, "measure": "revenue", "by": by, **filters}
        ).json()

        def base(ey, filters=filters):
            for name, wanted in filters.items():
                if name == "district":
                    if ey.enterprise.district.code != wanted:
                        return False
                elif _member(ey, name, "yes") != (wanted == "true"):
                    return False
            return True

        total = np.array([1.0 if base(ey) else 0.0 for ey in firms])
        (hidden if body["total"]["suppressed"] else published).append(total)
        for g in body["groups"]:
            vec = np.array([1.0 if base(ey) and _member(ey, by, g["key"]) else 0.0 for ey in firms])
            (hidden if g["suppressed"] else published).append(vec)
    for code in ("330106", "330108"):
        cache.clear()  # the anonymous rate limit, not the subject here
        body = anonymous_client.get("/api/v1/indicators/hangzhou-14th-culture/2021/", {"area": code}).json()
        revenue = next(m for m in body["measures"] if m["key"] == "revenue")
        vec = np.array([1.0 if ey.enterprise.district.code == code else 0.0 for ey in firms])
        (hidden if revenue["suppressed"] else published).append(vec)
    assert hidden, "the fixture has small groups: something must be hidden"
    for vec in hidden:
        assert not _in_span(published, vec)
    for i in range(len(firms)):
        assert not _in_span(published, np.eye(len(firms))[i])
