"""Process supervision for `wenchuang serve`: the web server is the service — if it exits, everything
stops; the background-job worker is restarted when it dies (kill -9, out of memory, a crash), with
exponential back-off (1 s, 2 s, 4 s … up to `max_backoff`; reset after it has run `stable_after` s),
so a dying worker never takes the site down. In production, web and workers run as separate
services under systemd instead (docs/performance.md, “Production layout”)."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger("wenchuang.serve")


@dataclass
class Supervisor:
    web_argv: Sequence[str]
    worker_argv: Sequence[str]
    base_backoff: float = 1.0
    max_backoff: float = 60.0
    stable_after: float = 60.0
    poll: float = 0.5
    on_worker_exit: Callable[[int], None] | None = None  # e.g. fail the batches the dead worker held
    every_minute: Callable[[], None] | None = None
    restarts: int = 0
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    _stopping: bool = False
    _worker_started: float = 0.0
    _next_start: float = 0.0
    _failures: int = 0
    _last_tick: float = field(default_factory=time.monotonic)

    def start(self) -> None:
        self.web = subprocess.Popen(list(self.web_argv))  # noqa: S603 - fixed argv, no shell
        self._start_worker()

    def _start_worker(self) -> None:
        self.worker = subprocess.Popen(list(self.worker_argv))  # noqa: S603 - fixed argv, no shell
        self._worker_started = time.monotonic()

    def stop(self, *_: object) -> None:
        self._stopping = True
        for child in (self.web, self.worker):
            if child is not None and child.poll() is None:
                child.terminate()

    def step(self) -> bool:
        """One supervision round; False once the web server has exited (or stop was asked)."""
        assert self.web is not None
        if self._stopping or self.web.poll() is not None:
            return False
        now = time.monotonic()
        if self.worker is not None and self.worker.poll() is not None:
            code = self.worker.returncode
            ran = now - self._worker_started
            self._failures = 0 if ran >= self.stable_after else self._failures + 1
            delay = min(self.max_backoff, self.base_backoff * (2 ** max(self._failures - 1, 0)))
            log.error("后台任务处理进程退出（返回码 %s，运行 %.0f 秒），%.0f 秒后重启", code, ran, delay)
            if self.on_worker_exit is not None:
                try:
                    self.on_worker_exit(code)
                except Exception:  # supervision goes on whatever the hook does
                    log.exception("worker exit hook failed")
            self.worker = None
            self._next_start = now + delay
        if self.worker is None and now >= self._next_start:
            self._start_worker()
            self.restarts += 1
        if self.every_minute is not None and now - self._last_tick >= 60:
            self._last_tick = now
            try:
                self.every_minute()
            except Exception:
                log.exception("periodic check failed")
        return True

    def run(self) -> None:
        self.start()
        try:
            while self.step():
                time.sleep(self.poll)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
            self.wait()

    def wait(self, timeout: float = 15) -> None:
        for child in (self.web, self.worker):
            if child is None:
                continue
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
