"""`wenchuang serve`: the web server (gunicorn) and the background-job worker together; Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动网站（gunicorn）与后台任务处理进程；Ctrl-C 同时停止。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        web = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [
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
            ]
        )
        worker = subprocess.Popen([sys.executable, "-m", "wenchuang.cli", "db_worker"])
        self.stdout.write(self.style.SUCCESS(f"文创E点通已启动：http://{bind}/  （Ctrl-C 停止）"))
        children = [web, worker]

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        names = {id(web): "gunicorn", id(worker): "db_worker"}
        failed = [names[id(c)] for c in children if c.returncode not in (0, -2, -15, None)]
        if failed:
            self.stderr.write(f"进程异常退出：{'、'.join(failed)}")
