"""`wenchuang assessment_method publish FILE` / `list`: the annual assessment method as versioned data.
A file (JSON: code, name, applies_from, rules, note) is published as the next version of its code; an
unchanged file (same rules, name and start year as the latest version) publishes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.assessment.models import Method
from wenchuang.assessment.services import method_publish
from wenchuang.core.errors import DomainError


class Command(BaseCommand):
    help = "考核办法：publish FILE 发布新版本（JSON），list 列出各版本。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish")
        publish.add_argument("file")
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for m in Method.objects.order_by("code", "version"):
                self.stdout.write(
                    f"{m.code} 第{m.version}版 {m.name}（{m.applies_from}年起，{m.published_on}发布）"
                )
            return
        path = Path(options["file"])
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
            code, name, start = spec["code"], spec["name"], int(spec["applies_from"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"无法读取考核办法文件{path}：{exc}") from exc
        last = Method.objects.filter(code=code).order_by("-version").first()
        if last is not None and (last.rules, last.name, last.applies_from) == (
            spec.get("rules"),
            name,
            start,
        ):
            self.stdout.write(f"考核办法{code}未变化（第{last.version}版），未发布新版本。")
            return
        try:
            m = method_publish(
                code=code, name=name, applies_from=start, rules=spec.get("rules"), note=spec.get("note", "")
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已发布考核办法{code}第{m.version}版"))
