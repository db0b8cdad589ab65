"""Walks every URL pattern of the project as every actor and checks the answer against the declared
permission matrix (accounts/permission_matrix.py). A pattern without a rule fails."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wenchuang.accounts.models import AuditEvent
from wenchuang.accounts.permission_matrix import (
    ACTORS,
    ALLOW,
    ANONYMOUS,
    DENY,
    HANDOVER,
    LOGIN,
    METHOD,
    METHODS,
    SCOPED,
    STAFF,
    Rule,
    rule_for,
)
from wenchuang.accounts.tests.factories import EnterpriseFactory, logged_in_client
from wenchuang.registry.models import District

LOGIN_PATH = "/accounts/login/"
CITY_WIDE = {"city_admin", "data_manager"}


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    params: tuple[str, ...]
    positional: int = 0


def _walk(patterns, prefix: str = "", namespace: str | None = None, params: tuple[str, ...] = ()):
    for p in patterns:
        own = tuple(p.pattern.converters) if hasattr(p.pattern, "converters") else ()
        own = own or tuple(p.pattern.regex.groupindex)
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns, params + own)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            regex = p.pattern.regex
            yield Pattern(name, prefix + str(p.pattern), params + own, regex.groups - len(regex.groupindex))


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_rule():
    missing = [f"{p.route} ({p.name})" for p in all_patterns() if rule_for(p.name, p.route) is None]
    assert not missing, "URL patterns without a permission-matrix rule:\n" + "\n".join(missing)


def classify(response) -> str:
    code = response.status_code
    if code == 403:
        return DENY
    if code == 405:
        return METHOD
    if code in (301, 302) and response["Location"].startswith(LOGIN_PATH):
        return LOGIN
    assert code < 500, f"server error {code}"
    return ALLOW


@pytest.fixture
def actors(request, reference):
    return {a: (None if a == ANONYMOUS else request.getfixturevalue(a)) for a in ACTORS}


@pytest.fixture
def scope_samples(enterprise):
    elsewhere = EnterpriseFactory(name="滨江测试动漫有限公司", district=District.objects.get(code="330108"))
    return {
        "enterprise.uscc": {
            "in": enterprise.uscc,
            "elsewhere": elsewhere.uscc,
            "missing": "91330108MA2ZZZZZZ5",
        },
    }


def _client(user) -> Client:
    return Client() if user is None else logged_in_client(user)


def _url(pattern: Pattern, rule: Rule, scope_value: str | None) -> str:
    if pattern.name is None:
        assert rule.sample_path, f"{pattern.route}: unnamed pattern needs sample_path in its rule"
        return rule.sample_path
    kwargs = {}
    for param in pattern.params:
        value = rule.kwargs.get(param)
        assert value is not None, f"{pattern.name}: add a sample for '{param}' to its rule"
        kwargs[param] = scope_value if str(value).startswith("scope:") else value
    if pattern.positional:
        return reverse(pattern.name, args=[rule.kwargs.get("_positional", "999999")] * pattern.positional)
    return reverse(pattern.name, kwargs=kwargs)


def _scope_key(rule: Rule) -> str | None:
    for value in rule.kwargs.values():
        if str(value).startswith("scope:"):
            return str(value).removeprefix("scope:")
    return None


@pytest.mark.django_db
def test_every_url_answers_as_the_matrix_declares(actors, scope_samples):
    problems: list[str] = []
    requests = 0

    def check(actor: str, method: str, url: str, expected: str) -> bytes:
        nonlocal requests
        requests += 1
        client = _client(actors[actor])
        response = client.generic(method, url)
        got = classify(response)
        if expected == STAFF:
            ok = got in (ALLOW, DENY)
        elif expected == HANDOVER:
            ok = got == LOGIN
        else:
            ok = got == expected
        if not ok:
            problems.append(
                f"{method} {url} as {actor}: expected {expected}, got {got} ({response.status_code})"
            )
        if (
            got in (DENY, LOGIN)
            and expected != HANDOVER
            and not AuditEvent.objects.filter(
                event="permission_denied", request_id=response["X-Request-ID"]
            ).exists()
        ):
            problems.append(f"{method} {url} as {actor}: denial not audited")
        return response.content

    for pattern in all_patterns():
        rule = rule_for(pattern.name, pattern.route)
        assert rule is not None
        key = _scope_key(rule)
        for actor in ACTORS:
            for method in METHODS:
                expected = rule.access[actor][method]
                if key is None:
                    check(actor, method, _url(pattern, rule, None), expected)
                    continue
                samples = scope_samples[key]
                if expected == SCOPED:
                    check(actor, method, _url(pattern, rule, samples["in"]), ALLOW)
                    missing = check(actor, method, _url(pattern, rule, samples["missing"]), DENY)
                    if actor in CITY_WIDE:
                        check(actor, method, _url(pattern, rule, samples["elsewhere"]), ALLOW)
                    else:
                        elsewhere = check(actor, method, _url(pattern, rule, samples["elsewhere"]), DENY)
                        if elsewhere != missing:
                            problems.append(
                                f"{pattern.name} as {actor}: 'elsewhere' and 'missing' answers differ"
                            )
                else:
                    for which in ("in", "elsewhere", "missing"):
                        check(actor, method, _url(pattern, rule, samples[which]), expected)

    assert not problems, f"{len(problems)} of {requests} requests disagree with the matrix:\n" + "\n".join(
        problems
    )
