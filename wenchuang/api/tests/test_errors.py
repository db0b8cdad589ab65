"""API errors: a 404 under /api/ is JSON; the OpenAPI schema documents the 400/401/403/404 answers."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint/", "/api/v1/imports/abc/", "/api/nothing"])
def test_api_404s_answer_json(anonymous_client, path):
    r = anonymous_client.get(path)
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "not_found" and r.json()["detail"]


def test_other_404s_stay_pages(anonymous_client):
    r = anonymous_client.get("/no-such-page/")
    assert r.status_code == 404 and not r["Content-Type"].startswith("application/json")


def test_the_schema_documents_the_error_answers(anonymous_client):
    schema = yaml.safe_load(anonymous_client.get("/api/v1/schema/").content)
    assert "Error" in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("get", "post"):
                assert {"400", "403", "404"} <= set(op["responses"]), (method, path)
