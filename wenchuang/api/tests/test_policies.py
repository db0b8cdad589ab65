"""惠企政策 API: public list, detail, calculator and search; an enterprise's own explanations;
applications scoped by role; the effect analysis; all in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.test import Client

from wenchuang.accounts.tests.factories import EnterpriseFactory, logged_in_client
from wenchuang.policy.models import Application, Policy
from wenchuang.policy.seed import seed_demo_policies
from wenchuang.registry.models import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(reference):
    seed_demo_policies()


def test_public_policy_endpoints(seeded):
    c = Client()
    codes = {p["code"] for p in c.get("/api/v1/policies/").json()}
    assert "demo-phoenix-listing" in codes
    detail = c.get("/api/v1/policies/demo-park-certification/").json()
    assert detail["required_attachments"] == ["租赁合同", "租金缴纳凭证"] and detail["clauses"]
    calc = c.get(
        "/api/v1/policy-calculator/",
        {"above_scale": "1", "listed": "0", "revenue": "6200", "tax_credit": "A"},
    ).json()
    phoenix = next(m for m in calc if m["policy"] == "demo-phoenix-listing")
    assert phoenix["status"] == "true"
    assert any("6,200万元" in cond["text"] for cond in phoenix["conditions"])
    hits = c.get("/api/v1/policy-search/", {"q": "动漫企业有哪些补贴"}).json()
    assert hits[0]["policy"] == "demo-anime-original"
    assert c.get("/api/v1/policy-search/").status_code == 400
    assert c.get("/api/v1/policy-calculator/", {"revenue": "很多"}).status_code == 400


def test_my_policies_for_the_enterprise_only(seeded, enterprise_user, city_admin):
    body = logged_in_client(enterprise_user).get("/api/v1/my-policies/").json()
    assert {m["policy"] for m in body} >= {"demo-phoenix-listing"}
    assert logged_in_client(city_admin).get("/api/v1/my-policies/").status_code == 403
    assert Client().get("/api/v1/my-policies/").status_code == 401


def test_applications_are_scoped(seeded, enterprise, enterprise_user, district_admin, city_admin):
    policy = Policy.objects.get(code="demo-park-certification")
    other = EnterpriseFactory(district=District.objects.get(code="330108"))
    own = Application.objects.create(policy=policy, version=policy.versions.get(), enterprise=enterprise)
    theirs = Application.objects.create(policy=policy, version=policy.versions.get(), enterprise=other)
    ids = lambda client: {a["id"] for a in client.get("/api/v1/policy-applications/").json()}  # noqa: E731
    assert ids(logged_in_client(enterprise_user)) == {own.pk}
    assert ids(logged_in_client(district_admin)) == {own.pk}
    assert ids(logged_in_client(city_admin)) == {own.pk, theirs.pk}
    d = logged_in_client(district_admin)
    assert d.get(f"/api/v1/policy-applications/{theirs.pk}/").status_code == 403
    assert d.get("/api/v1/policy-applications/999999/").status_code == 403
    assert d.get(f"/api/v1/policy-applications/{own.pk}/").json()["state"] == "draft"


def test_effect_and_schema(seeded, city_admin):
    c = logged_in_client(city_admin)
    rows = c.get("/api/v1/policy-effect/", {"by": "district"}).json()
    assert isinstance(rows, list)
    assert c.get("/api/v1/policy-effect/", {"by": "x"}).status_code == 400
    schema = Client().get("/api/v1/schema/", {"format": "json"}).content.decode()
    for op in ("policies_list", "policy_calculator", "policy_search", "my_policies", "policy_effect"):
        assert op in schema


@pytest.mark.django_db
def test_bad_policy_queries_answer_the_apis_error_body(client, city_admin_client):
    """Every 400 has the one error body the schema documents ({"detail", "code"}), as schemathesis checks."""
    for response in (
        client.get("/api/v1/policy-search/"),
        client.get("/api/v1/policy-calculator/", {"credit_score": "很多"}),
        city_admin_client.get("/api/v1/policy-effect/", {"by": "weather"}),
    ):
        assert response.status_code == 400, response.content
        body = response.json()
        assert set(body) >= {"detail", "code"} and body["detail"]
