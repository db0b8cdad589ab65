#!/usr/bin/env bash
# A standing Dask distributed cluster on this machine for the rollup's Dask engine
# (WENCHUANG_ROLLUP_ENGINE=dask; docs/performance.md, "Beyond one machine").
#
#   scripts/dask-cluster.sh start [WORKERS]   scheduler on 127.0.0.1:8786 and WORKERS worker processes (default 2)
#   scripts/dask-cluster.sh stop              stops what `start` started (by the process ids it recorded)
#   scripts/dask-cluster.sh status
#
# Then: export WENCHUANG_DASK_SCHEDULER=tcp://127.0.0.1:8786. Workers run this tree's venv, so they import
# the same `wenchuang.stats.cellframe`. On several machines, run `dask scheduler` on one and
# `dask worker tcp://<scheduler>:8786 --nworkers N --nthreads 1` on the others (same venv and code version),
# with the Parquet directory (WENCHUANG_PARQUET_DIR) on storage every node reads.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dask="${DASK_BIN:-$here/.venv/bin/dask}"
run="${WENCHUANG_VAR_DIR:-$here/var}/dask"
port="${DASK_SCHEDULER_PORT:-8786}"
mkdir -p "$run"

case "${1:-status}" in
  start)
    workers="${2:-2}"
    if [ -f "$run/scheduler.pid" ] && kill -0 "$(cat "$run/scheduler.pid")" 2>/dev/null; then
      echo "dask-cluster: already running (scheduler pid $(cat "$run/scheduler.pid"))"; exit 0
    fi
    "$dask" scheduler --host 127.0.0.1 --port "$port" --dashboard-address 127.0.0.1:0 \
      >"$run/scheduler.log" 2>&1 &
    echo $! >"$run/scheduler.pid"
    for _ in $(seq 1 60); do
      grep -q "Scheduler at" "$run/scheduler.log" 2>/dev/null && break
      sleep 0.5
    done
    "$dask" worker "tcp://127.0.0.1:$port" --host 127.0.0.1 --nworkers "$workers" --nthreads 1 \
      --dashboard-address 127.0.0.1:0 --local-directory "$run/work" >"$run/workers.log" 2>&1 &
    echo $! >"$run/workers.pid"
    echo "dask-cluster: scheduler tcp://127.0.0.1:$port, $workers workers (logs in $run)"
    echo "export WENCHUANG_DASK_SCHEDULER=tcp://127.0.0.1:$port"
    ;;
  stop)
    for name in workers scheduler; do
      if [ -f "$run/$name.pid" ]; then
        pid="$(cat "$run/$name.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        rm -f "$run/$name.pid"
      fi
    done
    echo "dask-cluster: stopped"
    ;;
  status)
    for name in scheduler workers; do
      if [ -f "$run/$name.pid" ] && kill -0 "$(cat "$run/$name.pid")" 2>/dev/null; then
        echo "$name: running (pid $(cat "$run/$name.pid"))"
      else
        echo "$name: not running"
      fi
    done
    ;;
  *) echo "usage: $0 start [WORKERS] | stop | status" >&2; exit 2 ;;
esac
