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


def test_a_locked_embedded_database_answers_503_not_500(anonymous_client, monkeypatch):
    """Found by the schema fuzz: an undo of a large batch held SQLite's write lock past its timeout."""
    from django.db import OperationalError

    from wenchuang.plan import selectors as plan_selectors

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(plan_selectors, "plan_get", locked)
    r = anonymous_client.get("/api/v1/plans/x/")
    assert r.status_code == 503 and r["Retry-After"] == "10" and r.json()["code"] == "busy"


def test_the_schema_is_served_to_concurrent_first_requests(tmp_path):
    """Found by the schema fuzz: a fresh threaded worker answered 500 to simultaneous first schema
    requests (drf-spectacular's lazy, thread-unsafe extension loading). A fresh process, 8 threads."""
    import os
    import subprocess
    import sys

    script = (
        "import os, threading\n"
        "import django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "codes = []\n"
        "def hit():\n"
        "    try:\n"
        "        codes.append(Client(raise_request_exception=False).get('/api/v1/schema/').status_code)\n"
        "    except Exception as exc:\n"
        "        codes.append(repr(exc))\n"
        "ts = [threading.Thread(target=hit) for _ in range(8)]\n"
        "[t.start() for t in ts]\n"
        "[t.join() for t in ts]\n"
        "print(sorted(map(str, codes)))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wenchuang.settings", "WENCHUANG_VAR_DIR": str(tmp_path)}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == str(["200"] * 8)
