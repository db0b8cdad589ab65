"""`wenchuang demo`: generate the deterministic, calibrated demo data set (see wenchuang.demo.generate)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.demo.generate import DEFAULT_ENTERPRISES, DEFAULT_SEED, DemoError, demo_generate
from wenchuang.demo.regiondata import DEFAULT_REGION_ENTERPRISES, region_generate


def demo_extensions() -> list[Callable[..., dict[str, int]]]:
    """`demo_extend(seed=…, progress=…)` of every project app that has a `demo_data` module."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo_data"
        if config.name.startswith("wenchuang.") and find_spec(name) is not None:
            found.append(import_module(name).demo_extend)
    return found


class Command(BaseCommand):
    help = (
        "生成示例数据（2015–2025年，2020年与规划数据一致）：园区平台、文化企业及年度数据、人才、出口项目。"
        "相同的企业数与种子生成完全相同的数据；所有名称带“示例”标记，只影响示例数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises",
            type=int,
            default=None,
            help=(
                f"企业数（城市示例≥2000，默认{DEFAULT_ENTERPRISES}；"
                f"--region 时默认{DEFAULT_REGION_ENTERPRISES}）"
            ),
        )
        parser.add_argument(
            "--region",
            default="",
            help=(
                "为省级（或全国）区域生成示例企业及年度数据（区划代码，如 330000）；"
                "不给出时生成本市的标定示例数据"
            ),
        )
        parser.add_argument(
            "--cities",
            default="",
            help="与 --region 同用：只为这些地级市生成（逗号分隔的代码，如 330100,330200）",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认{DEFAULT_SEED}）")
        parser.add_argument("--replace", action="store_true", help="删除已有示例数据后重新生成")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["region"]:
            self._region(options)
            return
        n, seed = options["enterprises"] or DEFAULT_ENTERPRISES, options["seed"]
        try:
            result = demo_generate(
                enterprises=n,
                seed=seed,
                replace=options["replace"],
                progress=lambda msg: self.stderr.write(msg),
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if result.status == "created":
            # The service apps add their own demo rows (each app's `demo_data.demo_extend`, found by
            # walking the app configs: this command never names a higher app).
            for extra in demo_extensions():
                result.rows.update(extra(seed=seed, progress=lambda msg: self.stderr.write(msg)))
        self._report(result, options, n=n, seed=seed, what="示例数据")

    def _region(self, options: dict[str, Any]) -> None:
        region, seed = options["region"].strip(), options["seed"]
        n = options["enterprises"] or DEFAULT_REGION_ENTERPRISES
        cities = [c.strip() for c in options["cities"].split(",") if c.strip()]
        try:
            result = region_generate(
                region=region, enterprises=n, seed=seed, cities=cities or None, replace=options["replace"]
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self._report(result, options, n=n, seed=seed, what=f"区域 {region} 示例数据", region=region)

    def _report(
        self, result: Any, options: dict[str, Any], *, n: int, seed: int, what: str, **extra: Any
    ) -> None:
        """One way to say what a generation did: JSON with --json, else a Chinese line."""
        if options["json"]:
            payload = {
                "status": result.status,
                **extra,
                "enterprises": n,
                "seed": seed,
                "rows": result.rows,
                "deleted": result.deleted,
                "seconds": round(result.seconds, 2),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        if result.status == "exists":
            self.stdout.write(
                f"{what}已存在（企业{n}家，种子{seed}），未做任何改动。如需重新生成请加 --replace。"
            )
            return
        counts = "，".join(f"{k} {v}" for k, v in result.rows.items())
        self.stdout.write(
            self.style.SUCCESS(f"{what}已生成（企业{n}家，种子{seed}）：{counts}；用时{result.seconds:.1f}秒")
        )
