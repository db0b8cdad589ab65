"""`wenchuang classify explain USCC [--json]`, `wenchuang classify stats [--json]`,
`wenchuang classify run [--gbt 6513 …]` (re-classify now, reviewers' decisions kept)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "文化产业分类：解释判定、统计、重新分类"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        e = sub.add_parser("explain")
        e.add_argument("uscc")
        e.add_argument("--json", action="store_true")
        s = sub.add_parser("stats")
        s.add_argument("--json", action="store_true")
        r = sub.add_parser("run")
        r.add_argument("--gbt", nargs="*", default=None)
        r.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        from wenchuang.classify import selectors, services
        from wenchuang.core.uscc import normalise

        if o["action"] == "explain":
            out = selectors.decision_explain(uscc=normalise(o["uscc"]))
            if out is None:
                raise CommandError(f"没有统一社会信用代码为{o['uscc']}的企业分类记录")
        elif o["action"] == "stats":
            out = selectors.classification_stats()
        else:
            run = services.ReclassifyRun.objects.create(gbt_codes=o["gbt"] or [])
            run = services.reclassify_run(run_id=run.pk)
            out = {"run": run.pk, "examined": run.examined, "moved": run.moved, "moves": run.moves}
        if o["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for k, v in out.items():
                self.stdout.write(f"{k}: {v}")
