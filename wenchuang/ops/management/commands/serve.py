"""`wenchuang serve`: the web server (gunicorn) and the background-job worker together; the worker is
restarted with back-off when it dies (the site keeps serving); Ctrl-C or SIGTERM stops both."""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wenchuang.core.signals import worker_check
from wenchuang.core.supervise import Supervisor


class Command(BaseCommand):
    help = "启动网站（gunicorn）与后台任务处理进程；Ctrl-C 同时停止。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        web_argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "wenchuang.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            # The default control socket is one path per machine user: two instances would collide.
            "--no-control-socket",
            # Idle keep-alive far longer than a client's pause between requests (nginx's default, 75 s):
            # gunicorn closing an idle connection just as a client reuses it is a connection reset, and
            # non-browser clients (API scripts) do not retry. Idle connections cost a poller slot, not a
            # thread (gthread).
            "--keep-alive",
            "75",
            # Recycle each web process after a few thousand requests (staggered): the one-hour soak saw
            # the web processes grow ≈ 5 MB/h without levelling off; a fresh process caps that growth.
            "--max-requests",
            "5000",
            "--max-requests-jitter",
            "500",
        ]
        sup = Supervisor(
            web_argv=web_argv,
            worker_argv=[sys.executable, "-m", "wenchuang.cli", "db_worker"],
            on_worker_exit=lambda code: _check(code),
            every_minute=lambda: _check(None),
        )
        signal.signal(signal.SIGTERM, sup.stop)
        self.stdout.write(self.style.SUCCESS(f"文创E点通已启动：http://{bind}/  （Ctrl-C 停止）"))
        sup.run()
        if sup.web is not None and sup.web.returncode not in (0, -2, -15, None):
            self.stderr.write(f"网站进程异常退出（返回码 {sup.web.returncode}）")
        if sup.restarts:
            self.stdout.write(f"后台任务处理进程共重启 {sup.restarts} 次")


def _check(exit_code: int | None) -> None:
    """Let the apps fail the jobs a dead worker left running (e.g. import batches)."""
    from django.db import close_old_connections, connections

    # The supervisor's connection may predate a database restart (which is often why the worker died):
    # Django would find it broken only by failing a query here. A fresh connection once a minute is cheap.
    connections.close_all()
    try:
        if exit_code is not None:
            tasks_fail_running()
        worker_check.send(sender=Command, exit_code=exit_code)
    finally:
        close_old_connections()


def tasks_fail_running() -> int:
    """The only worker died: the jobs it held will never finish. Mark them failed (visibly, with a
    Chinese reason) so that nothing claims to run; each app re-runs its own (import retry, report
    again, `stats recompute`)."""
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="wenchuang.core.WorkerDied",
        traceback="后台任务处理进程意外退出（如被 kill -9），任务未完成",
    )
