"""The OpenAPI schema generates without warnings and lists every endpoint; the docs page works
offline (no external URL: assets from drf-spectacular-sidecar through our static files)."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import get_resolver

pytestmark = pytest.mark.django_db


def _api_routes() -> set[str]:
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if str(p.pattern) == "api/v1/")
    routes = set()
    for p in api.url_patterns:
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/api/v1/" + str(p.pattern))
        routes.add(route.replace("{pk}", "{id}"))  # drf-spectacular names a pk "id"
    return routes - {"/api/v1/schema/", "/api/v1/docs/"}


def test_the_schema_validates_without_warnings_and_lists_every_endpoint(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert set(schema["paths"]) == _api_routes()
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_schema_is_served_to_anyone(anonymous_client):
    r = anonymous_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200 and "/api/v1/enterprises/" in r.json()["paths"]


def test_the_docs_page_loads_nothing_from_outside(anonymous_client):
    r = anonymous_client.get("/api/v1/docs/")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="swagger-ui"' in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = next(u for u in urls if "script" in u)
    init = anonymous_client.get(script)
    assert init.status_code == 200 and "/api/v1/schema/" in init.content.decode()
    assert "http://" not in html and "https://" not in html


def test_the_docs_page_passes_the_content_security_policy(anonymous_client):
    r = anonymous_client.get("/api/v1/docs/")
    csp = r["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = r.content.decode()
    assert html.count(f'nonce="{nonce}"') == 4  # the style block and the three scripts
