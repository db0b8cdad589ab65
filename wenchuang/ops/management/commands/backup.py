from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from wenchuang.accounts.audit import audit_record
from wenchuang.core.backup import backup_create


class Command(BaseCommand):
    help = "写入数据库与上传文件的一致性备份（带校验和）：wenchuang backup [--dest DIR]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dest", type=Path, default=None, help="备份目录（默认 WENCHUANG_BACKUP_DIR）")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = backup_create(dest_dir=options["dest"])
        audit_record(event="backup", username="manage.py", object_id=archive.name)
        self.stdout.write(f"{archive}\n{archive}.sha256")
