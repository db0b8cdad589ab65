"""Test helpers shared by every app's tests (imported only from tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(fetch: Callable[[], Any]) -> int:
    """How many queries one call of `fetch` makes (e.g. one page request)."""
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
    status = getattr(response, "status_code", 200)
    assert status == 200, status
    return len(ctx.captured_queries)


def assert_flat_query_count(fetch: Callable[[], Any], grow: Callable[[], None]) -> None:
    """A list page's query count must not grow with its rows: measured once with the few rows the test
    made, then again after `grow` added a few hundred (an N+1 shows as one query per rendered row)."""
    few = queries_for(fetch)
    grow()
    many = queries_for(fetch)
    assert many == few, f"{few} queries with a few rows, {many} with a few hundred: a query per row"
