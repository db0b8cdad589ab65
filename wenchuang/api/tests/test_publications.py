"""Nothing reaches the public unpublished: an import after publishing changes the working figures
staff see (named 工作数据（未发布）) but not what the anonymous API serves, until the city office
publishes the next version."""

from __future__ import annotations

import pytest

from wenchuang.api.tests.conftest import PLAN
from wenchuang.stats import services as stats_services
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db


def _value_added(body):
    return next(i for i in body["indicators"] if i["code"] == "value_added")["value"]


def _import_more(year=2021):
    firm = f.enterprise(district_code="330106", culture_code=f.plain_code())
    f.year(firm, year, revenue=90000, components=(9000, 2000, 3000, 5000), is_above_scale=True)
    stats_services.rollup_refresh(years=[year])
    stats_services.indicator_values_recompute(plan_code=PLAN, years=[year])


def test_before_any_publication_the_public_is_told_nothing_is_published(world, anonymous_client):
    body = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/").json()
    assert body["indicators"] == [] and body["note"] == "暂无已发布数据"
    assert body["version"]["kind"] == "none"
    r = anonymous_client.get("/api/v1/breakdowns/", {"year": 2021, "by": "district"})
    assert r.status_code == 404 and r.json()["detail"] == "暂无已发布数据"


def test_an_import_after_publishing_changes_only_the_staffs_working_figures(
    published, publish, anonymous_client, data_manager_client
):
    public_before = _value_added(anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/").json())
    breakdown_before = anonymous_client.get("/api/v1/breakdowns/", {"year": 2021, "by": "district"}).json()
    assert breakdown_before["version"]["number"] == 1 and breakdown_before["groups"]
    _import_more()
    public = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/").json()
    assert _value_added(public) == public_before
    assert public["version"] == {
        "kind": "published",
        "label": "第1版",
        "number": 1,
        "published_at": published.published_at.isoformat(),
        "state": "published",
    }
    assert (
        anonymous_client.get("/api/v1/breakdowns/", {"year": 2021, "by": "district"}).json()
        == breakdown_before
    )
    staff = data_manager_client.get(f"/api/v1/indicators/{PLAN}/2021/").json()
    assert staff["version"]["kind"] == "working" and staff["version"]["label"] == "工作数据（未发布）"
    assert staff["version"]["published"]["number"] == 1
    assert _value_added(staff) != public_before
    # Staff may ask for the published version; the city office's next version reaches the public.
    asked = data_manager_client.get(f"/api/v1/indicators/{PLAN}/2021/", {"version": "1"}).json()
    assert _value_added(asked) == public_before
    publish("补充西湖区企业年报")
    public = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/").json()
    assert public["version"]["number"] == 2 and _value_added(public) == _value_added(staff)
    earlier = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/", {"version": "1"}).json()
    assert _value_added(earlier) == public_before


def test_versions_are_listed_with_their_changes(published, publish, anonymous_client):
    _import_more()
    publish("补充西湖区企业年报")
    versions = anonymous_client.get(f"/api/v1/publications/{PLAN}/").json()
    assert [(v["number"], v["state"]) for v in versions] == [(2, "published"), (1, "superseded")]
    assert versions[0]["reason"] == "补充西湖区企业年报" and versions[1]["reason"] == "首次发布"
    changed = {(c["code"], c["spatial_unit"], c["year"]) for c in versions[0]["changes"]}
    assert ("value_added", "", 2021) in changed
    assert all(c["year"] == 2021 for c in versions[0]["changes"])
    assert versions[0]["breakdown_years"] == [2020, 2021]


def test_a_filtered_breakdown_and_an_unknown_version_are_refused_in_chinese(published, anonymous_client):
    r = anonymous_client.get("/api/v1/breakdowns/", {"year": 2021, "by": "district", "above_scale": "true"})
    assert r.status_code == 404 and "筛选" in r.json()["detail"]
    r = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/", {"version": "7"})
    assert r.status_code == 404 and r.json()["detail"] == "第7版不存在或已撤回"
    r = anonymous_client.get(f"/api/v1/indicators/{PLAN}/2021/", {"version": "x"})
    assert r.status_code == 400
