"""Soak: mixed load at a moderate rate for a long time against `wenchuang serve` (gunicorn + the
db_worker it supervises), sampling every minute the resident memory and open file descriptors of every
web process and of the worker, and the database connections of the served database. Writes a CSV of
the samples and a summary (first vs last vs max, least-squares slope per hour) as JSON and text.

127.0.0.1 only; bounded by --duration. For a scratch database (it loads the demo data when empty and
creates load-test users and API keys):
    .venv/bin/python scripts/soak.py --database-url postgres://postgres@127.0.0.1:5432/wc_soak \
        --users 10 --duration 3600 --out /tmp/soak
    .venv/bin/python scripts/soak.py --var-dir /tmp/soak-sqlite --users 10 --duration 600 --out /tmp/soak-s
With PostgreSQL the database is created if missing (createdb). Exit status 0 when the run completed;
the verdict on growth is in the summary (read it: a machine shared with other work moves the figures).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Proc:
    pid: int
    ppid: int
    cmd: str


def processes() -> dict[int, Proc]:
    out: dict[int, Proc] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # The command name in stat is in parentheses and may hold spaces: split after the last ')'.
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        out[int(entry)] = Proc(int(entry), ppid, cmd)
    return out


def descendants(root: int, table: dict[int, Proc]) -> list[Proc]:
    found, todo = [], [root]
    while todo:
        parent = todo.pop()
        for p in table.values():
            if p.ppid == parent:
                found.append(p)
                todo.append(p.pid)
    return found


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def fd_count(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def pg_connections(url: str) -> int | None:
    import psycopg

    db = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db]
            ).fetchone()
            return int(row[0]) if row else None
    except psycopg.Error:
        return None


def slope_per_hour(ts: list[float], ys: list[float]) -> float | None:
    n = len(ts)
    if n < 2:
        return None
    mt, my = sum(ts) / n, sum(ys) / n
    var = sum((t - mt) ** 2 for t in ts)
    if var == 0:
        return None
    return sum((t - mt) * (y - my) for t, y in zip(ts, ys, strict=True)) / var * 3600


def wait_up(url: str, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - 127.0.0.1 only
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", help="PostgreSQL URL (else SQLite under --var-dir)")
    ap.add_argument("--var-dir", default=str(Path(tempfile.gettempdir()) / "soak-var"))
    ap.add_argument("--port", type=int, default=8797)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--spawn-rate", type=float, default=2)
    ap.add_argument("--duration", type=int, default=3600, help="seconds of load")
    ap.add_argument("--interval", type=int, default=60, help="seconds between samples")
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "soak"))
    ap.add_argument("--summarise", metavar="DIR", help="only (re)write the summary of a finished run in DIR")
    ap.add_argument("--locustfile", default=str(ROOT / "loadtest" / "locustfile.py"))
    args = ap.parse_args()
    if args.summarise:
        return write_summary(Path(args.summarise), _read_samples(Path(args.summarise) / "samples.csv"))

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, WENCHUANG_VAR_DIR=args.var_dir, PYTHONUNBUFFERED="1")
    # The soak measures growth, not the rate limit: raised for this server only (as the load run).
    env.update(WENCHUANG_API_RATE_ANON="100000/min", WENCHUANG_API_RATE_USER="100000/min")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        u = urlparse(args.database_url)
        subprocess.run(  # noqa: S603 - fixed argv
            [
                shutil.which("createdb") or "createdb",
                "-h",
                u.hostname or "127.0.0.1",
                "-p",
                str(u.port or 5432),
                "-U",
                u.username or "postgres",
                u.path.lstrip("/"),
            ],
            stderr=subprocess.DEVNULL,
            check=False,
        )
    wenchuang = str(BIN / "wenchuang")
    print("setup …", flush=True)
    subprocess.run([wenchuang, "setup"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    actors = out / "actors.json"
    subprocess.run([sys.executable, str(ROOT / "loadtest" / "prepare.py"), str(actors)], env=env, check=True)  # noqa: S603
    year = subprocess.run(  # the latest year with data, for the scenario's year-bound requests
        [
            sys.executable,
            "-c",
            "import django,os;django.setup();"
            "from wenchuang.stats.selectors import rollup_years;print(max(r.year for r in rollup_years()))",
        ],
        env=dict(env, DJANGO_SETTINGS_MODULE="wenchuang.settings"),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()

    serve_log = open(out / "serve.log", "wb")
    serve = subprocess.Popen(  # noqa: S603
        [wenchuang, "serve", "--port", str(args.port), "--workers", str(args.workers)],
        env=env,
        stdout=serve_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    locust = None
    rows: list[dict[str, object]] = []
    try:
        if not wait_up(base + "/", 180):
            print("server did not answer", file=sys.stderr)
            return 1
        # `setup` publishes version 1 and leaves freezing its public breakdowns to the worker; until
        # that job ends the public breakdowns answer 404 (not yet published). Measure the steady state.
        t0 = time.monotonic()
        if not wait_up(f"{base}/api/v1/breakdowns/?year={year}&by=district&measure=revenue", 900):
            print("the published breakdowns were not frozen within 15 minutes", file=sys.stderr)
            return 1
        print(f"published breakdowns ready after {time.monotonic() - t0:.0f} s", flush=True)
        locust_log = open(out / "locust.log", "wb")
        locust = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                args.locustfile,
                "--headless",
                "-H",
                base,
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--csv",
                str(out / "locust"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            env=dict(env, ACTORS=str(actors), LOAD_YEAR=year),
            stdout=locust_log,
            stderr=subprocess.STDOUT,
        )
        start = time.monotonic()
        fields = [
            "t_s",
            "loadavg1",
            "web_pids",
            "web_rss_mb",
            "web_max_rss_mb",
            "web_fds",
            "worker_pid",
            "worker_rss_mb",
            "worker_fds",
            "db_connections",
        ]
        with open(out / "samples.csv", "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            while True:
                t = time.monotonic() - start
                table = processes()
                kids = descendants(serve.pid, table)
                web = [p for p in kids if "gunicorn" in p.cmd]
                wk = [p for p in kids if "db_worker" in p.cmd]
                web_rss = [rss_kb(p.pid) or 0 for p in web]
                row: dict[str, object] = {
                    "t_s": round(t),
                    "loadavg1": float(Path("/proc/loadavg").read_text().split()[0]),
                    "web_pids": " ".join(str(p.pid) for p in web),
                    "web_rss_mb": round(sum(web_rss) / 1024, 1),
                    "web_max_rss_mb": round(max(web_rss, default=0) / 1024, 1),
                    "web_fds": sum(fd_count(p.pid) or 0 for p in web),
                    "worker_pid": wk[0].pid if wk else "",
                    "worker_rss_mb": round((rss_kb(wk[0].pid) or 0) / 1024, 1) if wk else "",
                    "worker_fds": (fd_count(wk[0].pid) or 0) if wk else "",
                    "db_connections": pg_connections(args.database_url) if args.database_url else "",
                }
                rows.append(row)
                w.writerow(row)
                fh.flush()
                print(json.dumps(row, ensure_ascii=False), flush=True)
                if locust.poll() is not None:
                    break
                # Sleep to the next sample, but notice locust's end at once.
                next_at = start + len(rows) * args.interval
                while time.monotonic() < next_at and locust.poll() is None:
                    time.sleep(1)
    finally:
        if locust is not None and locust.poll() is None:
            locust.terminate()
            locust.wait(30)
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        serve_log.close()

    return write_summary(out, rows)


def _read_samples(path: Path) -> list[dict[str, object]]:
    with open(path) as fh:
        return list(csv.DictReader(fh))


def write_summary(out: Path, rows: list[dict[str, object]]) -> int:
    summary = summarise(rows, out)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    text = format_summary(summary) + endpoint_table(out)
    (out / "summary.txt").write_text(text)
    print(text)
    return 0


def endpoint_table(out: Path) -> str:
    """Per endpoint from locust's stats: requests, failures, p50/p95/p99 (ms), req/s; 429s (named
    "429 …" by the scenario) are their own rows, counted apart from errors."""
    stats = out / "locust_stats.csv"
    if not stats.exists():
        return ""
    lines = [
        "| endpoint | requests | errors | p50 | p95 | p99 | req/s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    with open(stats) as fh:
        for r in csv.DictReader(fh):
            name = "**all**" if r["Name"] == "Aggregated" else f"{r['Type']} {r['Name']}"
            lines.append(
                f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} | "
                f"{r['99%']} | {float(r['Requests/s']):.2f} |"
            )
    return "\n".join(lines) + "\n"


METRICS = ["web_rss_mb", "worker_rss_mb", "web_fds", "worker_fds", "db_connections"]


def summarise(rows: list[dict[str, object]], out: Path) -> dict[str, object]:
    # The first sample is taken before any load (t = 0); growth is judged from the first sample under
    # load (after warm-up: imports, caches, connection pools filling).
    loaded = [r for r in rows if int(r["t_s"]) > 0] or rows  # type: ignore[call-overload]
    result: dict[str, object] = {"samples": len(rows), "duration_s": rows[-1]["t_s"] if rows else 0}
    for m in METRICS:
        pts = [(float(r["t_s"]), float(r[m])) for r in loaded if r[m] not in ("", None)]  # type: ignore[arg-type]
        if not pts:
            continue
        ys = [y for _, y in pts]
        half = pts[len(pts) // 2 :]
        result[m] = {
            "idle": rows[0][m],
            "first": ys[0],
            "last": ys[-1],
            "min": min(ys),
            "max": max(ys),
            "slope_per_hour": _round(slope_per_hour([t for t, _ in pts], ys)),
            "slope_per_hour_second_half": _round(slope_per_hour([t for t, _ in half], [y for _, y in half])),
        }
    result["worker_pids"] = sorted({r["worker_pid"] for r in rows if r["worker_pid"]})  # type: ignore[type-var]
    result["web_pid_sets"] = len({r["web_pids"] for r in rows})
    result["loadavg1"] = {
        "min": min(float(r["loadavg1"]) for r in rows),  # type: ignore[arg-type]
        "max": max(float(r["loadavg1"]) for r in rows),  # type: ignore[arg-type]
    }
    stats = out / "locust_stats.csv"
    if stats.exists():
        with open(stats) as fh:
            for r in csv.DictReader(fh):
                if r["Name"] == "Aggregated":
                    result["requests"] = int(r["Request Count"])
                    result["failures"] = int(r["Failure Count"])
                    result["req_per_s"] = float(r["Requests/s"])
                    result["p50_ms"] = r["50%"]
                    result["p95_ms"] = r["95%"]
                    result["p99_ms"] = r["99%"]
        result["status_429"] = 0
        with open(stats) as fh:
            result["status_429"] = sum(
                int(r["Request Count"]) for r in csv.DictReader(fh) if r["Name"].startswith("429")
            )
    log = out / "serve.log"
    if log.exists():
        text = log.read_text(errors="replace")
        result["tracebacks_in_server_log"] = text.count("Traceback")
        result["http_5xx_in_access_log"] = sum(
            1 for line in text.splitlines() if '" 5' in line and "HTTP/1" in line
        )
    return result


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def format_summary(s: dict[str, object]) -> str:
    lines = [
        f"soak: {s['samples']} samples over {s['duration_s']} s; requests {s.get('requests')}, failures "
        f"{s.get('failures')}, 429s {s.get('status_429')}, {s.get('req_per_s')} req/s, p50/p95/p99 "
        f"{s.get('p50_ms')}/{s.get('p95_ms')}/{s.get('p99_ms')} ms; "
        f"tracebacks {s.get('tracebacks_in_server_log')}, "
        f"5xx {s.get('http_5xx_in_access_log')}; load average {s['loadavg1']}",
        f"worker pids {s['worker_pids']}; web process sets {s['web_pid_sets']}",
        "| metric | idle | first under load | last | min | max | slope / h | slope / h, 2nd half |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in METRICS:
        v = s.get(m)
        if isinstance(v, dict):
            lines.append(
                f"| {m} | {v['idle']} | {v['first']} | {v['last']} | {v['min']} | {v['max']} | "
                f"{v['slope_per_hour']} | {v['slope_per_hour_second_half']} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
