"""Mixed-role load on a local server (127.0.0.1 only; bounded by locust's --run-time):
anonymous visitors on the public pages and API, the city office on the cockpit and indicator pages, the
district offices on the libraries and asking for their district's monitoring report (XLSX; at most one
per district-office user every REPORT_EVERY seconds, default 120), API clients with keys, and an
occasional import (API, read-write key) during the run. Prepare the actors first (loadtest/prepare.py);
run headless, e.g.
    ACTORS=/tmp/load/actors.json .venv/bin/locust -f loadtest/locustfile.py --headless \
      -H http://127.0.0.1:8795 -u 50 -r 10 --run-time 60s --csv /tmp/load/run --only-summary
429 answers (the rate limit) are counted apart from errors: they are marked as successes named "429 …".
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from urllib.parse import urlparse

from locust import HttpUser, between, task

ACTORS = json.load(open(os.environ.get("ACTORS", "actors.json")))
YEAR = int(os.environ.get("LOAD_YEAR", "2024"))
PLAN = ACTORS["plan"]
REPORT_EVERY = float(os.environ.get("REPORT_EVERY", "120"))


def _local(host: str | None) -> None:
    if urlparse(host or "").hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load tests target 127.0.0.1 only")


class _Base(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        _local(self.host)

    def get(self, path: str, name: str, **kw):  # type: ignore[no-untyped-def]
        with self.client.get(path, name=name, catch_response=True, **kw) as r:
            if r.status_code == 429:
                r.success()
                r.request_meta["name"] = f"429 {name}"
            elif r.status_code >= 400:
                r.failure(f"HTTP {r.status_code}")


class Public(_Base):
    weight = 4

    @task(3)
    def home(self) -> None:
        self.get("/", "/ (public)")

    @task(3)
    def indicators(self) -> None:
        self.get(f"/api/v1/indicators/{PLAN}/{YEAR}/", "/api/v1/indicators/")

    @task(2)
    def breakdown(self) -> None:
        by = random.choice(["district", "major", "above_scale"])
        self.get(f"/api/v1/breakdowns/?year={YEAR}&by={by}&measure=revenue", "/api/v1/breakdowns/")

    @task(1)
    def layout(self) -> None:
        self.get("/layout/", "/layout/")


class CityOffice(_Base):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.client.cookies.set(ACTORS["cookie"], ACTORS["city"])

    @task(3)
    def cockpit(self) -> None:
        self.get("/cockpit/", "/cockpit/")

    @task(1)
    def indicator(self) -> None:
        self.get("/indicators/value_added/", "/indicators/<code>/")


class DistrictOffice(_Base):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.client.cookies.set(ACTORS["cookie"], random.choice(ACTORS["districts"]))

    @task(3)
    def enterprises(self) -> None:
        self.get("/enterprises/", "/enterprises/")

    @task(1)
    def talents(self) -> None:
        self.get("/talents/", "/talents/")

    @task(1)
    def report(self) -> None:
        # A report is a job for the worker: bounded per user so the run measures pages, not a queue.
        if time.monotonic() - getattr(self, "_last_report", -1e9) < REPORT_EVERY:
            return
        self._last_report = time.monotonic()
        page = self.client.get("/reports/", name="/reports/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            return
        with self.client.post(
            "/reports/",
            name="/reports/ (POST)",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "kind": "monitoring",
                "plan": PLAN,
                "year": YEAR,
                "format": "xlsx",
            },
            headers={"Referer": self.host + "/reports/"},
            catch_response=True,
            allow_redirects=False,
        ) as r:
            if r.status_code == 429:
                r.success()
                r.request_meta["name"] = "429 /reports/ (POST)"
            elif r.status_code != 302:
                r.failure(f"HTTP {r.status_code}")


class ApiClient(_Base):
    weight = 2

    @task(5)
    def enterprises(self) -> None:
        self.get(
            "/api/v1/enterprises/",
            "/api/v1/enterprises/",
            headers={"Authorization": f"Token {ACTORS['read_key']}"},
        )

    @task(1)
    def import_batch(self) -> None:
        # An annual import of a few rows (idempotent: the same rows each time) while the load runs.
        body = "统一社会信用代码,年度,营业收入（万元）\n" + "".join(
            f"{u},{YEAR},{1000 + i}\n" for i, u in enumerate(ACTORS.get("usccs", [])[:20])
        )
        if not ACTORS.get("usccs"):
            return
        with self.client.post(
            "/api/v1/imports/",
            name="/api/v1/imports/ (POST)",
            headers={"Authorization": f"Token {ACTORS['write_key']}"},
            data={"kind": "annual", "mode": "valid-only"},
            files={"file": ("load.csv", body.encode(), "text/csv")},
            catch_response=True,
        ) as r:
            if r.status_code == 429:
                r.success()
            elif r.status_code != 202:
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
