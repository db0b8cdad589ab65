"""The stats models in the admin: computed tables are read-only even for the superuser; an official
figure saved in the admin refreshes the stored indicator values like the service does."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from wenchuang.accounts.tests.factories import logged_in_client
from wenchuang.plan.services import plan_load
from wenchuang.stats import services
from wenchuang.stats.models import IndicatorValue, OfficialFigure
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db

PLAN = "hangzhou-14th-culture"


@pytest.fixture
def stored() -> None:
    f.load_reference()
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
    firm = f.enterprise(culture_code=f.plain_code())
    f.year(firm, 2020, revenue=1000, components=(100, 20, 30, 50))
    services.rollup_refresh()
    services.indicator_values_recompute(plan_code=PLAN, years=[2020])


def test_it_shows_computed_tables_read_only(stored: None, superuser: object) -> None:
    client = logged_in_client(superuser)  # type: ignore[arg-type]
    assert client.get("/admin/stats/factcell/").status_code == 200
    assert client.get("/admin/stats/indicatorvalue/").status_code == 200
    assert client.get("/admin/stats/factcell/add/").status_code == 403
    cell = IndicatorValue.objects.first()
    assert cell is not None
    assert client.post(f"/admin/stats/indicatorvalue/{cell.pk}/delete/").status_code == 403


def test_an_official_figure_saved_in_the_admin_refreshes_the_stored_value(
    stored: None, superuser: object
) -> None:
    client = logged_in_client(superuser)  # type: ignore[arg-type]
    response = client.post(
        "/admin/stats/officialfigure/add/",
        {
            "plan_code": PLAN,
            "code": "value_added",
            "year": 2020,
            "area_kind": "city",
            "area_code": "",
            "value": "2285",
            "unit": "亿元",
            "reliability": "verified",
            "source_document": "2020年统计公报",
            "source_url": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    figure = OfficialFigure.objects.get()
    assert figure.entered_by == superuser
    value = IndicatorValue.objects.get(
        plan_code=PLAN, indicator_code="value_added", year=2020, spatial_unit_code=""
    )
    assert (value.headline_source, value.headline_value) == ("official", 2285)
