"""`wenchuang audit purge [--older-than-days N] [--dry-run] [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wenchuang.accounts.audit import AUDIT_RETENTION_MINIMUM_DAYS, AuditPurgeRefused, audit_purge


class Command(BaseCommand):
    help = "审计日志：清理超过保留期的记录（先归档为 CSV 并给出 SHA-256，再删除，清理本身记入审计日志）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="归档并删除超过保留期的审计日志")
        purge.add_argument(
            "--older-than-days",
            type=int,
            default=settings.WENCHUANG_AUDIT_RETENTION_DAYS,
            help=(
                f"清理早于这么多天的记录（默认 {settings.WENCHUANG_AUDIT_RETENTION_DAYS}，"
                f"不得少于 {AUDIT_RETENTION_MINIMUM_DAYS}）"
            ),
        )
        purge.add_argument("--dry-run", action="store_true", help="只统计将清理的条数，不做任何改动")
        purge.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audit_purge(older_than_days=options["older_than_days"], dry_run=options["dry_run"])
        except AuditPurgeRefused as exc:
            # CommandError → message on stderr and exit status 1 from the console script.
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {
                "dry_run": result.dry_run,
                "older_than_days": result.older_than_days,
                "cutoff": result.cutoff.isoformat(),
                "count": result.count,
                "archive": str(result.archive) if result.archive else None,
                "sha256": result.sha256,
                "audit_id": result.audit_id,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        cutoff = f"{timezone.localtime(result.cutoff):%Y-%m-%d %H:%M:%S}"
        if result.dry_run:
            self.stdout.write(
                f"演练：早于 {cutoff}（{result.older_than_days} 天前）的审计日志共 {result.count} 条，"
                "正式运行将归档并删除；本次未做任何改动。"
            )
        elif not result.count:
            self.stdout.write(f"没有早于 {cutoff} 的审计日志，无需清理（已记入审计日志）。")
        else:
            self.stdout.write(self.style.SUCCESS(f"已归档并删除早于 {cutoff} 的审计日志 {result.count} 条。"))
            self.stdout.write(f"归档文件：{result.archive}")
            self.stdout.write(f"SHA-256：{result.sha256}")
