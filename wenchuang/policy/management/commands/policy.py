"""`wenchuang policy seed`: the 示例 policies drawn from the plan's measures (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from wenchuang.policy.seed import seed_demo_policies


class Command(BaseCommand):
    help = "惠企政策：载入示例政策（seed）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seed"])

    def handle(self, *args: object, **options: object) -> None:
        n = seed_demo_policies()
        self.stdout.write(f"已载入示例政策 {n} 项")
