from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenchuang.accounts.audit import audit_record
from wenchuang.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "校验并恢复备份：wenchuang restore ARCHIVE（覆盖当前数据库与上传文件）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="不再确认")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"] and input("恢复将覆盖当前数据库与上传文件，输入 yes 继续：") != "yes":
            raise CommandError("已取消")
        try:
            manifest = backup_restore(options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or [""]
            raise CommandError(f"数据库恢复失败，未做任何改动：{detail[0]}") from exc
        audit_record(
            event="restore",
            username="manage.py",
            object_id=options["archive"].name,
            detail={
                "backup_created_at": manifest["created_at"],
                "kept": manifest.get("append_only_kept", {}),
            },
        )
        self.stdout.write(
            f"已恢复 {manifest['created_at']} 的备份（{sum(manifest['row_counts'].values())} 行）"
        )
