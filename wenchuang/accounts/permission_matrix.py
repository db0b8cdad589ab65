"""The declared permission matrix: URL × role × method → outcome, collected from every app.

Each installed app of the project declares the rules of its own pages in `<app>/access_rules.py` (a
module-level `RULES: list[Rule]`, vocabulary from `wenchuang.core.access`); this module walks the app
configs and imports those modules, the way the admin autodiscovers, so it never names an app.

Every URL pattern of the project (web, API, Django admin) must be matched by a rule; the walking test
(accounts/tests/test_permission_matrix.py) requests every pattern as every actor and compares the
answer with the collected table. A new page without a rule fails that test the day it is added.

Rules match a URL name ("accounts:login") or, for groups such as the admin, a route prefix
("route:admin/"); the exact name wins over the longest prefix.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from wenchuang.core.access import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every app's `access_rules.RULES`, in app order; a name declared twice is an error."""
    collected: list[Rule] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.access_rules"
        if not config.name.startswith("wenchuang.") or find_spec(module_name) is None:
            continue
        collected += import_module(module_name).RULES
    seen: set[str] = set()
    for rule in collected:
        if rule.match in seen:
            raise ValueError(f"access rule declared twice: {rule.match}")
        seen.add(rule.match)
    return tuple(collected)


def rule_for(name: str | None, route: str) -> Rule | None:
    if name:
        for rule in all_rules():
            if rule.match == name:
                return rule
    best: Rule | None = None
    for rule in all_rules():
        if rule.match.startswith("route:"):
            prefix = rule.match.removeprefix("route:")
            if route.startswith(prefix) and (best is None or len(prefix) > len(best.match) - len("route:")):
                best = rule
    return best
