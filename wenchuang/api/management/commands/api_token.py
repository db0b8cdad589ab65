"""Issue, list and revoke API keys: `manage.py api_token create <username> --name 用途 [--days N]
[--read-write]` (accounts that sign in with a second factor get keys only on the web page),
`manage.py api_token list [<username>]`, `manage.py api_token revoke <id>`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenchuang.api import services
from wenchuang.api.models import ApiToken


class Command(BaseCommand):
    help = "签发、列出或撤销接口令牌"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="用途（如：区统计局数据上报脚本）")
        create.add_argument(
            "--days", type=int, default=90, help="有效天数（1至WENCHUANG_API_TOKEN_MAX_DAYS）"
        )
        create.add_argument("--read-write", action="store_true", help="读写令牌（默认只读）")
        lst = sub.add_parser("list")
        lst.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError("账户不存在")
            try:
                # No second factor at the command line: accounts that need one are refused here.
                token, key = services.api_token_create(
                    user=user, name=options["name"], days=options["days"], read_only=not options["read_write"]
                )
            except services.TokenRefused as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"令牌#{token.pk}（只显示这一次，请妥善保存）：\n{key}")
        elif action == "list":
            qs = ApiToken.objects.select_related("user")
            if options["username"]:
                qs = qs.filter(user__username=options["username"])
            for t in qs:
                scope = "只读" if t.read_only else "读写"
                self.stdout.write(
                    f"#{t.pk}\t{t.user.username}\t{t.prefix}…\t{t.name}\t{scope}\t{t.state}"
                    f"\t到期 {t.expires_at or '—'}"
                    f"\t最近使用 {t.last_used_at or '—'}"
                )
        else:
            found = ApiToken.objects.filter(pk=options["id"]).first()
            if found is None:
                raise CommandError("令牌不存在")
            services.api_token_revoke(token=found)
            self.stdout.write(f"令牌#{found.pk}已撤销")
