"""Fault check: restart PostgreSQL under load — an import running in the worker and web requests in
flight — and check what issue 17 asks: data as before or after (never between), the import visibly
failed and re-runnable (or finished), the site serving again after the restart, `stats reconcile`
(cells and indicator values) passing.

It never touches a shared server: it creates a private cluster (initdb under a temporary directory,
trust authentication, 127.0.0.1 only, its own port; run as the `postgres` user when started as root),
loads a small demo into it, runs `wenchuang serve` against it, restarts the cluster with
`pg_ctl restart -m fast` while the import runs, and removes the cluster at the end.
    .venv/bin/python scripts/pg_restart_check.py [--port 5439] [--rows 20000] [--enterprises 2000]
    .venv/bin/python scripts/pg_restart_check.py --copy-from postgres://postgres@127.0.0.1:5432/wc_prepared
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = "wc_restart_check"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    exe = shutil.which(name)
    if exe is None:
        raise SystemExit(f"{name} not found (PostgreSQL server binaries)")
    return exe


def as_pg(argv: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Cluster:
    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="wc-pgfault-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(  # noqa: S603 - fixed argv
            as_pg(
                [
                    pg_bin("initdb"),
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.ctl("start")
        subprocess.run(  # noqa: S603
            [pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DB], check=True
        )

    def ctl(self, action: str, *extra: str) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(  # noqa: S603
            as_pg(
                [
                    pg_bin("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    opts,
                    "-w",
                    *extra,
                    action,
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB}"


def copy_from(source_url: str, cluster: Cluster) -> None:
    """Start from a copy of a prepared database (migrated, with data): a dump read from `source_url`
    restored into the private cluster — far quicker than running every migration on a busy machine."""
    dump = subprocess.Popen([pg_bin("pg_dump"), "-Fc", source_url], stdout=subprocess.PIPE)  # noqa: S603
    subprocess.run(  # noqa: S603
        [pg_bin("pg_restore"), "--no-owner", "-d", cluster.url], stdin=dump.stdout, check=True
    )
    if dump.wait() != 0:
        raise SystemExit("pg_dump of the source database failed")


def prepare(env: dict[str, str], enterprises: int) -> None:
    w = str(BIN / "wenchuang")
    for argv in (
        [w, "migrate", "-v0"],
        [w, "reference", "load"],
        [w, "plan", "load", str(ROOT / "data" / "plans" / "hangzhou-14th-culture.yaml")],
        [w, "demo", "--enterprises", str(enterprises)],
        [w, "stats", "recompute"],
    ):
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=5439, help="the private cluster's port")
    ap.add_argument("--web-port", type=int, default=8798)
    ap.add_argument("--rows", type=int, default=20000, help="rows of the import the restart interrupts")
    ap.add_argument("--enterprises", type=int, default=2000, help="demo enterprises loaded first (≥ 2000)")
    ap.add_argument(
        "--copy-from",
        metavar="URL",
        help="copy this prepared PostgreSQL database instead (read only: pg_dump)",
    )
    ap.add_argument("--restart-after", type=float, default=1.0, help="seconds the import runs first")
    args = ap.parse_args()
    started = time.monotonic()
    cluster = Cluster(args.port)
    try:
        cluster.start()
        env = dict(
            os.environ,
            DATABASE_URL=cluster.url,
            WENCHUANG_VAR_DIR=str(cluster.dir / "var"),
            PYTHONUNBUFFERED="1",
            WENCHUANG_API_RATE_ANON="100000/min",
        )
        t0 = time.monotonic()
        if args.copy_from:
            copy_from(args.copy_from, cluster)
        else:
            prepare(env, args.enterprises)
        print(f"private cluster on port {args.port} ready in {time.monotonic() - t0:.0f} s", flush=True)
        return run(cluster, env, args)
    finally:
        cluster.remove()
        print(f"pg restart check: {time.monotonic() - started:.0f} s in all", flush=True)


class Requests(threading.Thread):
    """Web requests in a loop (home page, indicator API), recording (start, end, status) of each."""

    def __init__(self, base: str, year: int) -> None:
        super().__init__(daemon=True)
        self.base, self.year = base, year
        self.results: list[tuple[float, float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        paths = [
            "/",
            f"/api/v1/indicators/hangzhou-14th-culture/{self.year}/",
            f"/api/v1/breakdowns/?year={self.year}&by=district&measure=revenue",
        ]
        i = 0
        while not self.stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + path, timeout=30) as r:  # noqa: S310 - 127.0.0.1
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
                body = e.read().decode("utf-8", "replace")
                if status == 404 and path.startswith("/api/v1/breakdowns/") and "发布" in body:
                    # The public reads breakdowns of the published version only; until the background
                    # job has frozen them the answer is a 404 naming that reason: an answer, not a fault.
                    status = 200
            except OSError:
                status = 0  # connection refused / reset
            self.results.append((started, time.monotonic(), status))
            time.sleep(0.1)


def run(cluster: Cluster, env: dict[str, str], args: argparse.Namespace) -> int:
    """The scenario, in a child process bound to the private cluster (Django reads DATABASE_URL)."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--phase-run", json.dumps({**vars(args), "dir": str(cluster.dir)})],
        env=env,
        check=False,
    )
    return out.returncode


def phase_run(params: dict[str, object]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchuang.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import close_old_connections

    from wenchuang.ingest.bench import generate
    from wenchuang.ingest.models import ImportBatch
    from wenchuang.ingest.services import batch_create, batch_enqueue, batch_retry
    from wenchuang.registry.models import Enterprise
    from wenchuang.stats import selectors as stats_selectors
    from wenchuang.stats import services as stats

    results: list[tuple[str, bool, str]] = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        results.append((name, ok, detail))
        print(f"{'PASS' if ok else 'FAIL'} {name}{(': ' + detail) if detail else ''}", flush=True)

    def wait_for(cond: object, timeout: float, step: float = 0.2) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                close_old_connections()
                if cond():  # type: ignore[operator]
                    return True
            except django.db.Error:
                from django.db import connection

                connection.close()  # the server restarted under us: reconnect on the next try
            time.sleep(step)
        return False

    cluster_dir = Path(str(params["dir"]))
    port, web_port, rows = int(params["port"]), int(params["web_port"]), int(params["rows"])  # type: ignore[call-overload]
    cluster = Cluster.__new__(Cluster)
    cluster.port, cluster.dir, cluster.data, cluster.log = (
        port,
        cluster_dir,
        cluster_dir / "data",
        cluster_dir / "postgres.log",
    )

    log = open(cluster_dir / "serve.log", "wb")
    serve = subprocess.Popen(  # noqa: S603
        [str(BIN / "wenchuang"), "serve", "--port", str(web_port), "--workers", "2"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{web_port}"
    try:
        up = wait_for(lambda: _get(base + "/") == 200, 120, step=1)
        check("web: the site answers before the restart", up)
        year = max(r.year for r in stats_selectors.rollup_years())
        load = Requests(base, year)
        load.start()

        before = Enterprise.objects.count()
        data, _ = generate(rows)
        batch = batch_create(kind="registration", data=data, file_name="restart.csv", store=True)
        batch_enqueue(batch)
        running = wait_for(
            lambda: ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING).exists(), 120
        )
        time.sleep(float(params["restart_after"]))  # type: ignore[arg-type]
        still_running = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING).exists()
        t_restart = time.monotonic()
        cluster.ctl("restart", "-m", "fast")
        t_back = time.monotonic()
        print(f"PostgreSQL restarted in {t_back - t_restart:.1f} s", flush=True)
        check("import: running when PostgreSQL restarted", running and still_running)

        # The batch must end in a visible state: failed (with a reason) or, had it committed first, done.
        terminal = (ImportBatch.Status.FAILED, ImportBatch.Status.DONE, ImportBatch.Status.REJECTED)
        ended = wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status in terminal, 180, step=1)
        batch.refresh_from_db()
        after = Enterprise.objects.count()
        check(
            "import: the batch ended in a visible state",
            ended,
            f"{batch.get_status_display()}：{batch.message}",
        )
        check(
            "import: data as before or after, never between",
            after in (before, before + rows),
            f"{before} → {after}",
        )
        if batch.status in (ImportBatch.Status.FAILED, ImportBatch.Status.REJECTED):
            batch_retry(batch_id=batch.pk)
            done = wait_for(
                lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE, 600, step=1
            )
            batch.refresh_from_db()
            check(
                "import: the re-run completes",
                done and Enterprise.objects.count() == before + rows,
                f"{batch.get_status_display()}，{batch.inserted} 新增",
            )

        time.sleep(3)
        load.stop.set()
        load.join(60)
        # A request in flight when the server went down may be cut (503); one *started* after the
        # restart (plus 2 s for the server to accept connections) must succeed.
        during = [s for t0, t1, s in load.results if t0 <= t_back + 2 and t1 >= t_restart]
        after_ok = [s for t0, _, s in load.results if t0 > t_back + 2]
        print(
            f"web: {len(load.results)} requests; during the restart (+2 s) {len(during)}: "
            f"{sorted(set(during))}; after: {len(after_ok)}, statuses {sorted(set(after_ok))}",
            flush=True,
        )
        check(
            "web: every request after the restart succeeds (connections re-opened)",
            bool(after_ok) and all(s == 200 for s in after_ok),
        )
        check(
            "web: a request the restart cut answers 503 (never a 500)",
            500 not in during and all(s in (0, 200, 503) for s in during),
        )
        check("web: the site survived the restart (serve still running)", serve.poll() is None)
        # The import's stats job ran (or failed and is re-run here): reconcile must pass afterwards.
        close_old_connections()
        stats.stats_recompute()
        r = stats.rollup_reconcile()
        values = stats.indicator_values_reconcile() if r.ok else []
        check(
            "reconcile (cells and indicator values) passes",
            r.ok and not values,
            f"cells {len(r.mismatches)} mismatches, values {len(values)} mismatches",
        )
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        log.close()
        text = (cluster_dir / "serve.log").read_text(errors="replace")
        errors = [
            line
            for line in text.splitlines()
            if not line.startswith((" ", "127.0.0.1", "Traceback")) and ("Error" in line or "退出" in line)
        ]
        print(f"server log: {text.count('Traceback')} tracebacks; error lines:", flush=True)
        print("\n".join(dict.fromkeys(errors)), flush=True)
    failed = [r for r in results if not r[1]]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - 127.0.0.1 only
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--phase-run":
        sys.exit(phase_run(json.loads(sys.argv[2])))
    sys.exit(main())
