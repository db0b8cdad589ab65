"""`wenchuang setup`: everything `make run` needs before serving, idempotent and quick the second time."""

from __future__ import annotations

import secrets
import string
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from wenchuang.env import env_bool, env_str
from wenchuang.registry.models import Enterprise
from wenchuang.registry.regions import region_within


def _plan_region(path: Path) -> str:
    """The region a plan file is for (`plan.region`, or its older spelling `plan.city_code`)."""
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    try:
        spec = data["plan"]
        return str(spec.get("region") or spec.get("city_code") or "")
    except (KeyError, TypeError, AttributeError):
        return ""


def _generate_password() -> str:
    # 20 characters drawn from all four classes, so it always passes the password policy.
    classes = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "!@#%^*-_=+"]
    chars = [secrets.choice(c) for c in classes] + [secrets.choice("".join(classes)) for _ in range(16)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


class Command(BaseCommand):
    help = "初始化：迁移数据库、载入参考标准与规划、（空库时）载入示例数据、创建本地管理员、收集静态文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="不载入示例数据")

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("reference", "load")
        region = settings.WENCHUANG_REGION_CODE
        for path in sorted((settings.DATA_DIR / "plans").glob("*.yaml")):
            plan_region = _plan_region(path)
            # the region's plans and those of the regions in it; a broken file is loaded to be reported
            if not plan_region or region_within(plan_region, region):
                call_command("plan", "load", str(path))
        load_demo = env_bool("WENCHUANG_LOAD_DEMO", True) and not options["no_demo"]
        if load_demo and not Enterprise.objects.exists():
            self.stdout.write("数据库为空，正在载入示例数据（名称均标注“示例”）……")
            if settings.WENCHUANG_DEPLOYMENT_LEVEL == "city":
                call_command("demo")
            else:  # no plan figures to calibrate to above the city: the region's generated firms
                call_command("demo", "--region", region)
            # Dashboards read the precomputed rollups and indicator values, so build them now.
            call_command("stats", "recompute")
            # The public sees only published figures: the demo's figures are published as version 1
            # (the public breakdowns are frozen by the background worker).
            call_command("stats", "publish", "--reason", "示例数据首次发布", "--if-unpublished")
        if load_demo:  # the 示例 policies (idempotent; called by name, core imports no service app)
            call_command("policy", "seed")
        self._ensure_admin()
        call_command("collectstatic", interactive=False, verbosity=0)

    def _ensure_admin(self) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            return
        username = env_str("WENCHUANG_ADMIN_USERNAME", "admin")
        password = env_str("WENCHUANG_ADMIN_PASSWORD", "")
        generated = not password
        if generated:
            password = _generate_password()
        user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"已创建本地管理员 {username}"))
        if generated:
            # Printed once and never stored in clear: the operator must keep it now.
            self.stdout.write(self.style.WARNING(f"初始密码（仅显示这一次，请妥善保存）：{password}"))
