"""The indicator endpoint reads the snapshot written at recompute time (one query), which is what the
stored rows render to; an official figure entered (or corrected, or deleted) refreshes it at once."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from wenchuang.plan.services import plan_load
from wenchuang.stats import presenters, selectors, services
from wenchuang.stats.models import IndicatorSnapshot, IndicatorValue, OfficialFigure
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db

PLAN = "hangzhou-14th-culture"
URL = f"/stats/indicators/{PLAN}/2020/"


@pytest.fixture
def stored(settings: object) -> None:
    settings.ROOT_URLCONF = "wenchuang.stats.bench_urls"  # type: ignore[attr-defined]
    f.load_reference()
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")  # type: ignore[attr-defined]
    for i in range(3):
        firm = f.enterprise(culture_code=f.plain_code())
        f.year(firm, 2020, revenue=1000 * (i + 1), components=(100, 20, 30, 50), is_above_scale=True)
    services.rollup_refresh()
    services.indicator_values_recompute(plan_code=PLAN, years=[2020])


def _indicator(client: Client, code: str) -> dict[str, object]:
    data = json.loads(client.get(URL).content)
    return next(d for d in data["indicators"] if d["code"] == code)


def test_it_serves_the_snapshot_in_one_query(stored: None, django_assert_num_queries: object) -> None:
    client = Client()
    with django_assert_num_queries(1):  # type: ignore[operator]
        response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = selectors.indicator_value_list(plan_code=PLAN, year=2020)
    assert response.content.decode() == presenters.indicator_values_json(
        plan_code=PLAN, year=2020, values=rows
    )
    assert _indicator(client, "value_added")["source"] == "computed"


def test_it_is_public_and_get_only(stored: None) -> None:
    client = Client()
    assert client.get(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_it_renders_from_the_rows_when_no_snapshot_exists(stored: None) -> None:
    IndicatorSnapshot.objects.all().delete()
    data = json.loads(Client().get(URL).content)
    assert {d["code"] for d in data["indicators"]} >= {"value_added", "total_output"}
    assert json.loads(Client().get(f"/stats/indicators/{PLAN}/1999/").content)["indicators"] == []


def test_an_official_figure_takes_precedence_at_once_and_falls_back_when_deleted(stored: None) -> None:
    client = Client()
    computed = _indicator(client, "value_added")
    assert computed["source"] == "computed"

    figure = services.official_figure_enter(
        plan_code=PLAN,
        code="value_added",
        year=2020,
        value="2285",
        unit="亿元",
        source_document="2020年统计公报",
    )
    official = _indicator(client, "value_added")
    assert official["source"] == "official"
    assert official["value"] == "2285"
    assert official["computed"] == computed["computed"]  # the computed value stays visible beside it
    assert official["official"]["source_document"] == "2020年统计公报"  # type: ignore[index]
    stored_row = IndicatorValue.objects.get(
        plan_code=PLAN, indicator_code="value_added", year=2020, spatial_unit_code=""
    )
    assert stored_row.headline_value == Decimal("2285")

    # A correction replaces the headline too.
    services.official_figure_enter(
        plan_code=PLAN,
        code="value_added",
        year=2020,
        value="2290",
        unit="亿元",
        source_document="2020年统计公报（修订）",
    )
    assert _indicator(client, "value_added")["value"] == "2290"

    services.official_figure_delete(figure=OfficialFigure.objects.get(pk=figure.pk))
    assert _indicator(client, "value_added") == computed | {
        "computed_at": _indicator(client, "value_added")["computed_at"]
    }
