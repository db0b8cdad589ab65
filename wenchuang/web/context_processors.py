from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wenchuang.registry.selectors import demo_data_present
from wenchuang.web.navigation import menu_for


def platform(request: HttpRequest) -> dict[str, Any]:
    # Demo data must always be visibly marked 示例: every page shows the banner while any is loaded.
    return {"demo_data_present": demo_data_present()}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu of the signed-in role (or the visitor's), on every page including the error pages."""
    return {"nav_items": menu_for(getattr(request, "user", None), request.path)}
