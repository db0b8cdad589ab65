"""Fault check: kill -9 the background worker in the middle of an import, an indicator recompute and a
report, then check what the issue asks — data as before or after (never between), every job visibly
failed and re-runnable, `stats reconcile` (cells and indicator values) passing after the re-run.

Runs against the database of the environment (after `wenchuang setup`), bounded in time:
    WENCHUANG_VAR_DIR=/tmp/fault .venv/bin/wenchuang setup
    WENCHUANG_VAR_DIR=/tmp/fault .venv/bin/python scripts/fault_check.py [--rows 20000]
CI runs it on the smoke database (SQLite) at a small size. Exit status 0 when every check passes.
The import's file is the import benchmark's registration file (`ingest.bench.generate`). On demand, the
worker killed in the middle of a 200,000-row import (not in CI: minutes on a 2-core machine):
    WENCHUANG_VAR_DIR=/tmp/fault .venv/bin/python scripts/fault_check.py --only import --rows 200000 \
        --kill-after 20
The PostgreSQL restart under a request runs against a private cluster: scripts/pg_restart_check.py.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchuang.settings")
import django

django.setup()

from django.db import close_old_connections  # noqa: E402

from wenchuang.ingest.models import ImportBatch  # noqa: E402
from wenchuang.ingest.services import batch_create, batch_enqueue, batch_retry  # noqa: E402
from wenchuang.ops.management.commands.serve import _check  # noqa: E402
from wenchuang.registry.models import Enterprise  # noqa: E402
from wenchuang.stats import services as stats  # noqa: E402

RESULTS: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    RESULTS.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'} {name}{(': ' + detail) if detail else ''}", flush=True)


def worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "wenchuang.cli", "db_worker", "--interval", "0.2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(cond: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        close_old_connections()
        if cond():
            return True
        time.sleep(step)
    return False


def kill(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    close_old_connections()
    _check(proc.returncode)  # what `wenchuang serve` does when it sees the worker exit
    return proc.returncode


def reconcile_ok() -> tuple[bool, str]:
    r = stats.rollup_reconcile()
    values = stats.indicator_values_reconcile() if r.ok else []
    return r.ok and not values, f"cells {len(r.mismatches)} mismatches, values {len(values)} mismatches"


def run_until_idle(timeout: float) -> None:
    """Run a worker until no job is waiting or running (the re-runs)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    proc = worker()
    try:
        wait_for(
            lambda: (
                not DBTaskResult.objects.filter(
                    status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
                ).exists()
            ),
            timeout,
            step=0.3,
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def fault_import(rows: int, kill_after: float) -> None:
    from wenchuang.ingest.bench import generate

    before = Enterprise.objects.count()
    t0 = time.monotonic()
    data, _annual = generate(rows)  # the import benchmark's registration file
    print(
        f"import: {rows} rows generated in {time.monotonic() - t0:.1f} s ({len(data) / 1e6:.1f} MB)",
        flush=True,
    )
    batch = batch_create(kind="registration", data=data, file_name="fault.csv", store=True)
    batch_enqueue(batch)
    proc = worker()
    started = wait_for(
        lambda: ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING).exists(), 120
    )
    time.sleep(kill_after)
    kill(proc)
    batch.refresh_from_db()
    after = Enterprise.objects.count()
    check("import: the worker was killed while the batch ran", started)
    check(
        "import: data as before or after, never between",
        after in (before, before + rows),
        f"{before} → {after}",
    )
    if batch.status == ImportBatch.Status.DONE:
        check("import: finished before the kill (data after)", after == before + rows)
        return
    check(
        "import: the batch is visibly failed with a Chinese reason",
        batch.status == ImportBatch.Status.FAILED and "后台" in batch.message,
        f"{batch.get_status_display()}：{batch.message}",
    )
    batch_retry(batch_id=batch.pk)
    t0 = time.monotonic()
    run_until_idle(max(300, rows / 200))
    print(f"import: re-run took {time.monotonic() - t0:.0f} s", flush=True)
    batch.refresh_from_db()
    check(
        "import: the re-run completes",
        batch.status == ImportBatch.Status.DONE and Enterprise.objects.count() == before + rows,
        f"{batch.get_status_display()}，{batch.inserted} 新增",
    )
    ok, detail = reconcile_ok()  # the re-run's stats job has run (run_until_idle)
    check("import: after the re-run, reconcile (cells and indicator values) passes", ok, detail)


def fault_recompute() -> None:
    from django_tasks.base import TaskResultStatus

    from wenchuang.stats.tasks import stats_recompute_task

    result = stats_recompute_task.enqueue(years=None)
    proc = worker()
    from django_tasks_db.models import DBTaskResult

    started = wait_for(
        lambda: DBTaskResult.objects.filter(id=result.id, status=TaskResultStatus.RUNNING).exists(), 60
    )
    time.sleep(0.5)
    kill(proc)
    task = DBTaskResult.objects.get(id=result.id)
    cells_ok = stats.rollup_reconcile().ok
    check("recompute: the worker was killed while the job ran", started)
    check("recompute: the rollup is as before or after (reconcile of cells passes)", cells_ok)
    check(
        "recompute: the job is visibly failed (or had finished)",
        task.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL),
        str(task.status),
    )
    stats.stats_recompute()  # the re-run: `wenchuang stats recompute`
    ok, detail = reconcile_ok()
    check("recompute: after the re-run, reconcile (cells and indicator values) passes", ok, detail)


def fault_report() -> None:
    from django.conf import settings

    from wenchuang.reports.models import GeneratedReport
    from wenchuang.reports.services import report_request

    year = max(stats.selectors.rollup_years(), key=lambda r: r.year).year
    report = report_request(
        user=None,
        kind="monitoring",
        plan_code=settings.WENCHUANG_DEFAULT_PLAN,
        fmt="pdf",
        year=year,
        district_codes=[],
    )
    proc = worker()
    started = wait_for(
        lambda: GeneratedReport.objects.filter(pk=report.pk, status=GeneratedReport.Status.RUNNING).exists(),
        60,
    )
    kill(proc)
    report.refresh_from_db()
    check("report: the worker was killed while the report ran", started)
    check(
        "report: visibly failed with a reason (or had finished), no half file served",
        report.status == GeneratedReport.Status.FAILED
        or (report.status == GeneratedReport.Status.DONE and report.sha256),
        f"{report.get_status_display()}：{report.error or report.message}",
    )
    again = report_request(
        user=None,
        kind="monitoring",
        plan_code=settings.WENCHUANG_DEFAULT_PLAN,
        fmt="pdf",
        year=year,
        district_codes=[],
    )
    run_until_idle(300)
    again.refresh_from_db()
    check(
        "report: requested again, it is generated", again.status == GeneratedReport.Status.DONE, again.status
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument(
        "--kill-after", type=float, default=0.3, help="seconds the import runs before kill -9"
    )
    parser.add_argument("--only", choices=["import", "recompute", "report"])
    args = parser.parse_args()
    start = time.monotonic()
    if args.only in (None, "import"):
        fault_import(args.rows, args.kill_after)
    if args.only in (None, "recompute"):
        fault_recompute()
    if args.only in (None, "report"):
        fault_report()
    failed = [r for r in RESULTS if not r[1]]
    took = time.monotonic() - start
    print(f"fault checks ({took:.0f} s):")
    print(f"{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
