"""`wenchuang serve` keeps serving when its worker dies: the worker is restarted with back-off; the
web server's exit ends the service."""

from __future__ import annotations

import os
import signal
import sys
import time

from wenchuang.core.supervise import Supervisor

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]
DIE = [sys.executable, "-c", "import sys; sys.exit(3)"]


def _run(sup: Supervisor, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and sup.step():
        time.sleep(0.05)


def test_a_killed_worker_is_restarted_and_the_web_server_keeps_running():
    exits: list[int] = []
    sup = Supervisor(web_argv=SLEEP, worker_argv=SLEEP, base_backoff=0.1, on_worker_exit=exits.append)
    sup.start()
    try:
        first = sup.worker.pid
        os.kill(first, signal.SIGKILL)
        _run(sup, 2)
        assert sup.web.poll() is None  # still serving
        assert sup.restarts == 1 and sup.worker.pid != first and sup.worker.poll() is None
        assert exits == [-signal.SIGKILL]
    finally:
        sup.stop()
        sup.wait()


def test_a_crashing_worker_is_restarted_with_growing_back_off():
    sup = Supervisor(web_argv=SLEEP, worker_argv=DIE, base_backoff=0.2, max_backoff=0.8)
    sup.start()
    try:
        _run(sup, 3)
        assert sup.web.poll() is None
        # back-off 0.2, 0.4, 0.8, 0.8 … : a handful of restarts in 3 s, not one per poll
        assert 2 <= sup.restarts <= 6
    finally:
        sup.stop()
        sup.wait()


def test_the_web_servers_exit_ends_the_service():
    sup = Supervisor(web_argv=DIE, worker_argv=SLEEP)
    sup.start()
    sup.web.wait()
    assert sup.step() is False
    sup.stop()
    sup.wait()
    assert sup.worker.poll() is not None
