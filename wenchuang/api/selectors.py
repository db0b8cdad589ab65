"""Reads composed for the API from the domain selectors. The public breakdowns live in the statistics
read model (`stats.breakdowns`), which a publication freezes; they are re-exported here for the views."""

from __future__ import annotations

from wenchuang.stats.breakdowns import (
    DIMENSIONS,
    MEASURES,
    MIN_PUBLIC_COUNT,
    Group,
    district_get,
    district_measures,
    measure_breakdown,
    spatial_unit_exists,
)

__all__ = [
    "DIMENSIONS",
    "MEASURES",
    "MIN_PUBLIC_COUNT",
    "Group",
    "district_get",
    "district_measures",
    "measure_breakdown",
    "spatial_unit_exists",
]
