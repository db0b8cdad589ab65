"""`wenchuang stats recompute [--years …]` rebuilds the rollup (and the stored indicator values and
validation results) for those years or all; `wenchuang stats reconcile` proves the rollup equals the
micro data; `wenchuang stats validate [--years …]` runs the validation rules."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.stats import services


class Command(BaseCommand):
    help = "统计引擎：重算汇总表、核对汇总表与微观数据、运行校验规则"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser("recompute", help="重算汇总表（及已载入规划的指标值、校验结果）")
        recompute.add_argument("--years", type=int, nargs="+", help="只重算这些年度（默认全部）")
        recompute.add_argument("--json", action="store_true")
        reconcile = sub.add_parser(
            "reconcile", help="核对汇总表与微观数据是否一致，并列出官方数据与微观数据计算值的差距（覆盖率）"
        )
        reconcile.add_argument("--years", type=int, nargs="+")
        reconcile.add_argument("--json", action="store_true")
        reconcile.add_argument(
            "--min-coverage",
            type=float,
            default=None,
            help="覆盖率（微观计算值÷官方值）低于此值（如0.8）时核对不通过；默认只报告不判定",
        )
        publish = sub.add_parser(
            "publish", help="发布规划指标的当前数据为新版本（公众只看到已发布版本；第2版起须填写修订原因）"
        )
        publish.add_argument("--plan", default=None, help="规划代码（默认当前规划）")
        publish.add_argument("--reason", default="", help="发布或修订原因")
        publish.add_argument("--if-unpublished", action="store_true", help="已有发布版本时不做任何改动")
        validate = sub.add_parser("validate", help="运行校验规则")
        validate.add_argument("--years", type=int, nargs="+")
        validate.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _recompute(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        result = services.stats_recompute(years=options["years"])
        data = {**result, "seconds": round(time.perf_counter() - started, 3)}
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(
            f"已重算 {len(data['years'])} 个年度：汇总单元 {data['cells']} 个，"
            f"微观记录 {data['source_rows']} 条，"
            f"指标值 {data['indicator_values']} 条，校验问题 {data['violations']} 条，"
            f"数据截至 {data['refreshed_at']}，用时 {data['seconds']} 秒"
        )

    def _publish(self, options: dict[str, Any]) -> None:
        from django.conf import settings

        from wenchuang.core.errors import DomainError
        from wenchuang.stats import selectors

        plan_code = options["plan"] or settings.WENCHUANG_DEFAULT_PLAN
        if options["if_unpublished"] and selectors.publication_list(plan_code=plan_code).exists():
            self.stdout.write(f"规划 {plan_code} 已有发布版本，未做改动")
            return
        started = time.perf_counter()
        try:
            version = services.publication_publish(
                user=None, plan_code=plan_code, reason=options["reason"], system=True
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已发布 {plan_code} {version.label}：指标值 {version.value_count} 条，"
            f"变动 {len(version.changes)} 项，用时 {time.perf_counter() - started:.1f} 秒"
        )

    def _reconcile(self, options: dict[str, Any]) -> None:
        r = services.rollup_reconcile(years=options["years"])
        # The stored indicator values must equal what the rollup gives now (a recompute interrupted
        # between the rollup and the values leaves them stale).
        stale_values = services.indicator_values_reconcile(years=options["years"]) if r.ok else []
        mismatches = [str(m) for m in r.mismatches[:50]] + stale_values[:50]
        data = {
            "ok": r.ok,
            "years": r.years,
            "cells_checked": r.cells_checked,
            "micro_rows": r.micro_rows,
            "missing_years": r.missing_years,
            "stale_years": r.stale_years,
            "mismatches": mismatches,
            "mismatch_count": len(r.mismatches),
            "indicator_values_ok": r.ok and not stale_values,
            "indicator_value_mismatches": len(stale_values),
        }
        gaps = services.official_gap(years=options["years"])
        floor = options.get("min_coverage")
        low = [g for g in gaps if floor is not None and (g["coverage"] is None or g["coverage"] < floor)]
        data["official_gap"] = gaps
        data["coverage_ok"] = not low
        ok = r.ok and not stale_values
        data["ok"] = ok
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif ok:
            self.stdout.write(
                f"核对通过：{len(r.years)} 个年度，"
                f"{r.cells_checked} 个汇总单元与 {r.micro_rows} 条微观记录一致，已存指标值与汇总表一致"
            )
        if not options["json"]:
            if not gaps:
                self.stdout.write("官方数据对照：暂无可与微观数据对照的官方数据")
            for g in gaps:
                cov = "暂无数据" if g["coverage"] is None else f"{g['coverage'] * 100:.1f}%"
                self.stdout.write(
                    f"官方数据对照 {g['indicator']} {g['year']}年：官方{g['official']}{g['unit']}，"
                    f"微观数据计算{g['computed'] or '暂无数据'}{g['unit'] if g['computed'] else ''}，"
                    f"差距{g['gap'] or '—'}，覆盖率{cov}"
                )
        if low and floor is not None:
            raise CommandError(
                "覆盖率低于"
                + f"{floor * 100:.0f}%："
                + "、".join(f"{g['indicator']} {g['year']}年" for g in low)
            )
        if not ok:
            for line in mismatches:
                self.stderr.write(line)
            raise CommandError(
                f"核对未通过：{len(r.mismatches)} 处汇总单元不一致，"
                f"{len(stale_values)} 处指标值与汇总表不一致；"
                f"未汇总年度 {r.missing_years}；过期年度 {r.stale_years}"
            )

    def _validate(self, options: dict[str, Any]) -> None:
        counts = services.validation_run(years=options["years"])
        if options["json"]:
            self.stdout.write(json.dumps(counts, ensure_ascii=False, indent=2))
            return
        for code, n in counts["by_rule"].items():
            self.stdout.write(f"{code}: {n}")
        self.stdout.write(f"共 {counts['total']} 条校验问题（年度 {counts['years']}）")
