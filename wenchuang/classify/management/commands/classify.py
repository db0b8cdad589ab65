"""`wenchuang classify explain USCC [--json]`, `wenchuang classify stats [--json]`,
`wenchuang classify run [--gbt 6513 …]` (re-classify now, reviewers' decisions kept),
`wenchuang classify evaluate FILE [--json]` (precision and recall per 小类 against a labelled set)."""

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
        v = sub.add_parser("evaluate", help="按标注样本计算各小类的精确率和召回率")
        v.add_argument("file", help="CSV：gbt_code、business_scope、expected（小类代码，非文化留空）、kind")
        v.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        from wenchuang.classify import selectors, services
        from wenchuang.core.uscc import normalise

        if o["action"] == "evaluate":
            self._evaluate(o["file"], o["json"])
            return
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

    def _evaluate(self, file: str, as_json: bool) -> None:
        from pathlib import Path

        from wenchuang.classify import classifier
        from wenchuang.classify.evaluate import EvaluationFileError, evaluate, read_rows, report_lines
        from wenchuang.classify.models import CultureCategory
        from wenchuang.classify.services import classifier_inputs

        try:
            rows = read_rows(Path(file))
        except EvaluationFileError as exc:
            raise CommandError(str(exc)) from exc
        mapping, rules, _pks = classifier_inputs()
        if not mapping:
            raise CommandError("尚未载入文化产业分类对照表，请先运行 wenchuang reference load")
        ev = evaluate(rows, lambda gbt, scope: classifier.classify(gbt, scope, mapping=mapping, rules=rules))
        names = dict(CultureCategory.objects.filter(level=3).values_list("code", "name"))
        out = ev.as_dict(names)
        if as_json:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for line in report_lines(out):
                self.stdout.write(line)
