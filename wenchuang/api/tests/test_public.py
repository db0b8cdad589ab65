"""Public endpoints: what anonymous callers get equals what the statistics selectors said when the
figures were published; staff read the working figures, named as such."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from wenchuang.api.tests.conftest import PLAN
from wenchuang.stats import selectors as stats

pytestmark = pytest.mark.django_db


def test_it_lists_and_shows_plans_to_anyone(world, anonymous_client):
    r = anonymous_client.get("/api/v1/plans/")
    assert r.status_code == 200
    plans = r.json()
    assert [p["code"] for p in plans] == [PLAN] and plans[0]["is_default"] is True
    detail = anonymous_client.get(f"/api/v1/plans/{PLAN}/").json()
    assert detail["code"] == PLAN and detail["main_indicators"]
    assert len(detail["spatial_units"]) == plans[0]["spatial_unit_count"]


def test_it_answers_404_in_chinese_for_an_unknown_plan(reference, anonymous_client):
    r = anonymous_client.get("/api/v1/plans/no-such-plan/")
    assert r.status_code == 404 and r.json() == {"detail": "规划不存在", "code": "not_found"}


def _without_version(response):
    body = response.json()
    version = body.pop("version")
    return version, json.dumps(body, ensure_ascii=False)


def test_indicator_values_are_the_statistics_engines(published, anonymous_client):
    r = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/")
    assert r.status_code == 200
    version, body = _without_version(r)
    assert version["number"] == 1 and version["kind"] == "published"
    assert json.loads(body) == json.loads(stats.indicator_values_json(plan_code=PLAN, year=2021))
    va = next(i for i in r.json()["indicators"] if i["code"] == "value_added")
    assert va["target"]["value"] is not None and va["progress"]["explanation"]
    assert va["computed"]["as_of"] and va["computed"]["coverage"] is not None


def test_indicator_values_for_a_spatial_unit(published, anonymous_client):
    from wenchuang.plan.models import SpatialUnit

    unit = SpatialUnit.objects.filter(plan__code=PLAN).order_by("seq").first()
    r = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/", {"area": unit.code})
    assert r.status_code == 200
    assert json.loads(_without_version(r)[1]) == json.loads(
        stats.indicator_values_json(plan_code=PLAN, year=2021, spatial_unit_code=unit.code)
    )
    assert {i["spatial_unit"] for i in r.json()["indicators"]} == {unit.code}


def test_indicator_values_for_a_district_are_its_totals(world, city_admin_client, xihu):
    # City-wide staff: unsuppressed (the public's view is in test_confidentiality.py).
    r = city_admin_client.get(f"/api/v1/indicators/{PLAN}/2021/", {"area": "330106"})
    body = r.json()
    assert body["area"] == {"kind": "district", "code": "330106", "name": xihu.name}
    measures = {m["key"]: m for m in body["measures"]}
    t = stats.totals(year=2021, districts=[xihu.pk])
    assert Decimal(measures["value_added"]["value"]) == t.value_added.quantize(Decimal("0.01"))
    assert measures["value_added"]["coverage"] == t.va_coverage
    assert measures["enterprise_years"]["enterprise_years"] == 4


def test_an_unknown_area_is_404(world, anonymous_client):
    r = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/", {"area": "nowhere"})
    assert r.status_code == 404 and r.json()["detail"] == "空间单元或区县不存在"


def _groups(response):
    assert response.status_code == 200, response.content
    return {g["key"]: g for g in response.json()["groups"]}


def test_breakdown_by_district_equals_the_rollup(world, city_admin_client):
    r = city_admin_client.get(
        "/api/v1/breakdowns/", {"year": 2021, "measure": "value_added", "by": "district"}
    )
    groups = _groups(r)
    rows = stats.breakdown(year=2021, by=["district__code"])
    assert set(groups) == {row["district__code"] for row in rows} == {"330106", "330108"}
    xihu = next(row for row in rows if row["district__code"] == "330106")
    assert Decimal(groups["330106"]["value"]) == xihu["value_added"].quantize(Decimal("0.01"))
    assert groups["330106"]["coverage"] == xihu["va_coverage"]
    total = stats.totals(year=2021)
    assert Decimal(r.json()["total"]["value"]) == total.value_added.quantize(Decimal("0.01"))


def test_small_groups_are_suppressed_for_the_public_but_not_for_the_city_office(
    published, anonymous_client, city_admin_client
):
    query = {"year": 2021, "measure": "revenue", "by": "district"}
    public = _groups(anonymous_client.get("/api/v1/breakdowns/", query))
    public["total"] = anonymous_client.get("/api/v1/breakdowns/", query).json()["total"]
    assert public["330108"]["suppressed"] is True and public["330108"]["value"] is None  # 2 firms
    # Complementary suppression: the total minus 西湖区 would give 滨江区's two firms back.
    assert public["330106"]["suppressed"] is True and public["total"]["value"] is not None
    staff = _groups(city_admin_client.get("/api/v1/breakdowns/", query))
    assert Decimal(staff["330108"]["value"]) == Decimal("1500.00")


@pytest.mark.parametrize("by", ["major", "middle", "minor", "above_scale", "digital", "core"])
def test_breakdowns_by_classification_and_flags_add_up_to_the_total(world, city_admin_client, by):
    r = city_admin_client.get("/api/v1/breakdowns/", {"year": 2021, "measure": "revenue", "by": by})
    groups = _groups(r)
    assert sum(Decimal(g["value"]) for g in groups.values()) == Decimal(r.json()["total"]["value"])
    if by == "major":
        assert all(len(k) == 2 for k in groups) and all(g["name"] for g in groups.values())
    if by == "above_scale":
        assert groups["yes"]["enterprise_years"] == 3 and groups["no"]["enterprise_years"] == 3


def test_breakdown_by_spatial_unit_and_filters(world, city_admin_client):
    r = city_admin_client.get("/api/v1/breakdowns/", {"year": 2021, "by": "spatial_unit"})
    assert r.json()["overlapping"] is True and len(r.json()["groups"]) > 5
    r = city_admin_client.get(
        "/api/v1/breakdowns/", {"year": 2021, "measure": "revenue", "by": "district", "above_scale": "true"}
    )
    t = stats.totals(year=2021, filters={"above_scale": True})
    assert Decimal(r.json()["total"]["value"]) == Decimal(t.sums["revenue"])


def test_a_bad_breakdown_query_is_explained_in_chinese(world, anonymous_client):
    r = anonymous_client.get("/api/v1/breakdowns/", {"by": "colour"})
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid" and body["detail"] == "输入有误，请检查各字段"
    assert set(body["errors"]) == {"year", "by"}
    assert all("\u4e00" <= ch <= "\u9fff" for ch in body["errors"]["year"][0][:2])


def test_public_endpoints_answer_in_few_queries(published, anonymous_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # plan, current version, stored body
        anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/")
    with django_assert_max_num_queries(4):  # the frozen breakdown: no rollup read at all
        anonymous_client.get("/api/v1/breakdowns/", {"year": 2021, "by": "major"})
    with django_assert_max_num_queries(3):
        anonymous_client.get("/api/v1/plans/")


def test_public_endpoints_are_get_only(world, anonymous_client):
    r = anonymous_client.post("/api/v1/plans/")
    assert r.status_code == 405 and r.json() == {"detail": "不支持该请求方法", "code": "method_not_allowed"}
    assert json.loads(r.content)["code"] == "method_not_allowed"
