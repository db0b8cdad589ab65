"""The site's menu per role: every page a role may use, reachable from every page (base.html). One list,
read by the context processor and by the test that walks each role's menu.

Each entry: (label, URL name, roles). Roles are account roles; "anonymous" is the visitor who has not
signed in. The permission matrix decides what a role may open; this list only shows the way there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

ANONYMOUS = "anonymous"
STATISTICS = ("city_admin", "district_admin", "data_manager")
PUBLIC_SIDE = (ANONYMOUS, "enterprise", "finance", "public")
EVERYONE = (
    *PUBLIC_SIDE,
    *STATISTICS,
    "system_admin",
    "security_admin",
    "audit_admin",
)


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    roles: tuple[str, ...]


MENU: tuple[Entry, ...] = (
    Entry("首页", "web:home", (*PUBLIC_SIDE, "system_admin", "security_admin", "audit_admin")),
    Entry("驾驶舱", "web:cockpit", STATISTICS),
    Entry("区县驾驶舱", "web:regions", STATISTICS),
    Entry("企业库", "web:enterprise_list", STATISTICS),
    Entry("人才库", "web:talent_list", STATISTICS),
    Entry("平台库", "web:platform_list", EVERYONE),
    Entry("空间布局", "web:layout", EVERYONE),
    Entry("惠企政策", "policy:list", EVERYONE),
    Entry("我的企业", "policy:my", ("enterprise",)),
    Entry("金融服务", "finance:my_score", ("enterprise",)),
    Entry("金融服务", "finance:home", ("finance", "city_admin", "district_admin")),
    Entry("重点项目", "projects:list", (*STATISTICS, "enterprise")),
    Entry("任务考核", "assessment:home", ("city_admin", "district_admin")),
    Entry("数据审核", "approval:home", STATISTICS),
    Entry("数据发布", "web:publications", ("city_admin",)),
    Entry("催报提醒", "approval:reminders", ("enterprise",)),
    Entry("数据导入", "ingest:home", STATISTICS),
    Entry("分类复核", "ingest:review", STATISTICS),
    Entry("报告中心", "reports:home", STATISTICS),
    Entry("邀请码", "accounts:invitation_list", ("city_admin", "district_admin", "system_admin")),
    Entry("用户管理", "accounts:user_list", ("system_admin",)),
    Entry("审计日志", "accounts:audit_list", ("audit_admin",)),
    Entry("数据管理", "admin:index", ("system_admin", "security_admin", "audit_admin")),
    Entry("企业认领", "accounts:claim", (ANONYMOUS,)),
    Entry("接口令牌", "api_tokens:list", (*STATISTICS, "enterprise")),
    Entry("接口文档", "api:docs", EVERYONE),
    Entry("帮助", "web:help", EVERYONE),
)


def role_of(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return str(getattr(user, "role", "") or "public")


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    role = role_of(user)
    items = []
    for e in MENU:
        if role not in e.roles:
            continue
        url = reverse(e.url_name)
        active = url == current_path if url == "/" else current_path.startswith(url)
        items.append({"label": e.label, "url": url, "active": active, "name": e.url_name})
    return items
