"""Walks every URL pattern of the project and checks each answer against the declared permission
matrix (accounts/permission_matrix.py). A pattern without a rule fails.

About 290 patterns × 10 actors × GET/POST. What keeps it fast without proving less:
- Each actor signs in once. Every request starts from the state right after sign-in (the same cookies
  and session data), so it is as independent of the others as a fresh client's was.
- The ~210 Django admin pages behind the one prefix rule ("route:admin/") are walked in full by the
  anonymous user and every staff account. A signed-in account that is not staff is refused by the admin
  site's gate before any admin view runs, whatever the page: `test_every_admin_page_is_behind_the_gate`
  shows every pattern has that gate, and the walk sends each such actor to one page of every kind of
  admin view (changelist, add, change, …; a different page per actor).
The walk then checks that every pattern was requested by the anonymous user and by an actor the rule
lets in, and that every actor × method cell of every rule was requested at least once.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.sessions.backends.base import UpdateError
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wenchuang.accounts.admin_site import WenchuangAdminSite
from wenchuang.accounts.models import AuditEvent
from wenchuang.accounts.permission_matrix import rule_for
from wenchuang.accounts.tests.factories import EnterpriseFactory, logged_in_client
from wenchuang.core.access import (
    ACTORS,
    ALLOW,
    ANONYMOUS,
    CHALLENGE,
    DENY,
    HANDOVER,
    LOGIN,
    METHOD,
    METHODS,
    SCOPED,
    STAFF,
    Rule,
)
from wenchuang.finance.tests.factories import finance_samples
from wenchuang.ingest.models import ImportBatch
from wenchuang.registry.models import District

LOGIN_PATH = "/accounts/login/"
CITY_WIDE = {"city_admin", "data_manager"}
# The admin's catch-all rule: its pages are sampled for signed-in non-staff actors (see the docstring).
GATED_RULE = "route:admin/"
LETS_IN = {ALLOW, SCOPED, STAFF}


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    params: tuple[str, ...]
    positional: int = 0
    view: Callable[..., Any] | None = field(default=None, compare=False)


def _walk(
    patterns: Any, prefix: str = "", namespace: str | None = None, params: tuple[str, ...] = ()
) -> Iterator[Pattern]:
    for p in patterns:
        own = tuple(p.pattern.converters) if hasattr(p.pattern, "converters") else ()
        own = own or tuple(p.pattern.regex.groupindex)
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns, params + own)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            regex = p.pattern.regex
            positional = regex.groups - len(regex.groupindex)
            yield Pattern(name, prefix + str(p.pattern), params + own, positional, p.callback)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_rule():
    missing = [f"{p.route} ({p.name})" for p in all_patterns() if rule_for(p.name, p.route) is None]
    assert not missing, "URL patterns without a permission-matrix rule:\n" + "\n".join(missing)


def test_every_admin_page_is_behind_the_gate():
    """Every admin view runs behind WenchuangAdminSite.admin_view (anonymous → our login, signed-in
    non-staff → 403), either wrapped by it directly or through Django's admin wrappers, which call the
    site's admin_view on each request. Only the admin's login page (its own rule) is outside."""
    site = admin.site
    assert isinstance(site, WenchuangAdminSite)
    gate = site.admin_view(lambda request: HttpResponse()).__code__
    outside = []
    for p in all_patterns():
        if not p.route.startswith("admin/") or p.name == "admin:login":
            continue
        model_admin = getattr(p.view, "model_admin", None)
        owner = getattr(p.view, "admin_site", None) or getattr(model_admin, "admin_site", None)
        # `admin.site` is a lazy proxy: compare with ==, which reaches the site itself.
        if getattr(p.view, "__code__", None) is not gate and not (owner is not None and site == owner):
            outside.append(f"{p.route} ({p.name})")
    assert not outside, "admin pages without the admin site's gate:\n" + "\n".join(outside)


def classify(response: Any) -> str:
    code = response.status_code
    if code == 401:
        return CHALLENGE
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
def scope_samples(enterprise, district_admin, data_manager, finance_user):
    elsewhere = EnterpriseFactory(name="滨江测试动漫有限公司", district=District.objects.get(code="330108"))

    def batch(name: str, user: Any) -> int:
        return ImportBatch.objects.create(kind="registration", file_name=name, sha256="0" * 64, user=user).pk

    from wenchuang.approval.models import DistrictYear
    from wenchuang.projects.tests.factories import make_project

    binjiang = District.objects.get(code="330108")
    policy_samples = _policy_samples(enterprise, elsewhere)
    return {
        **policy_samples,
        # a project in the district office's district, owned by the enterprise user's enterprise
        "project.pk": {
            "in": make_project(owner=enterprise).pk,
            "elsewhere": make_project(district=binjiang).pk,
            "missing": 999999,
        },
        "approval.pk": {
            "in": DistrictYear.objects.create(district=enterprise.district, year=2023).pk,
            "elsewhere": DistrictYear.objects.create(district=binjiang, year=2023).pk,
            "missing": 999999,
        },
        **_assessment_samples(),
        "enterprise.uscc": {
            "in": enterprise.uscc,
            "elsewhere": elsewhere.uscc,
            "missing": "91330108MA2ZZZZZZ5",
        },
        # A district office's own batch; the city's batch is "elsewhere" for it.
        "import_batch.pk": {
            "in": batch("xihu.csv", district_admin),
            "elsewhere": batch("city.csv", data_manager),
            "missing": 999999,
        },
        **finance_samples(enterprise=enterprise, elsewhere=elsewhere, finance_user=finance_user),
    }


def _policy_samples(enterprise: Any, elsewhere: Any) -> dict[str, dict[str, Any]]:
    """An application and a fact correction of the in-scope enterprise and of one in another district;
    a 免申即享 round (city-wide objects: in and elsewhere are the same round)."""
    from django.core.files.base import ContentFile

    from wenchuang.policy.models import Application, Attachment, ExemptRound, FactCorrection, Policy
    from wenchuang.policy.seed import seed_demo_policies

    seed_demo_policies()
    policy = Policy.objects.get(code="demo-park-certification")
    version = policy.versions.get()

    def app(firm: Any) -> int:
        return Application.objects.create(policy=policy, version=version, enterprise=firm).pk

    def attachment(application_pk: int) -> int:
        row = Attachment(application_id=application_pk, kind="租赁合同", original_name="a.pdf", size=4)
        row.file.save("a.pdf", ContentFile(b"%PDF"), save=True)
        return row.pk

    def correction(firm: Any) -> int:
        return FactCorrection.objects.create(enterprise=firm, kind="review", message="请复核").pk

    exempt = Policy.objects.get(code="demo-phoenix-listing")
    rnd = ExemptRound.objects.create(policy=exempt, version=exempt.versions.get(), as_of=date(2025, 1, 1)).pk
    return {
        "application.pk": {"in": app(enterprise), "elsewhere": app(elsewhere), "missing": 999999},
        "attachment.pk": {
            "in": attachment(app(enterprise)),
            "elsewhere": attachment(app(elsewhere)),
            "missing": 999999,
        },
        "correction.pk": {
            "in": correction(enterprise),
            "elsewhere": correction(elsewhere),
            "missing": 999999,
        },
        "round.pk": {"in": rnd, "elsewhere": rnd, "missing": 999999},
    }


def _assessment_samples() -> dict[str, dict[str, Any]]:
    from wenchuang.assessment.models import Report
    from wenchuang.assessment.tests.factories import district_unit, make_milestone

    own, other = district_unit("330106"), district_unit("330108")
    m_in, m_out = make_milestone(unit=own, code="walk-in"), make_milestone(unit=other, code="walk-out")

    def report(m: Any) -> int:
        return Report.objects.create(milestone=m, done=True, evidence="e", reported_on=m.due).pk

    return {
        "milestone.pk": {"in": m_in.pk, "elsewhere": m_out.pk, "missing": 999999},
        "assessment_report.pk": {"in": report(m_in), "elsewhere": report(m_out), "missing": 999999},
        "unit.pk": {"in": own.pk, "elsewhere": other.pk, "missing": 999999},
    }


class Caller:
    """One test client per actor, signed in once. Each request starts from the state right after
    sign-in (cookies and session data restored), as a fresh client's would: no request sees what an
    earlier one did (a logout, a pending message, the idle-timeout stamp)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._sign_in()

    def _sign_in(self) -> None:
        self.client = Client() if self.user is None else logged_in_client(self.user)
        self.cookies = copy.deepcopy(self.client.cookies)
        self.session_key = None if self.user is None else self.client.session.session_key
        self.session = {} if self.user is None else dict(self.client.session.items())

    def _restore_session(self) -> bool:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.session_key)
        store.clear()  # replace, without reading what the last request left
        store.update(self.session)
        try:
            store.save()
        except UpdateError:  # the session is gone (a logout): sign in again
            return False
        return True

    def request(self, method: str, url: str) -> Any:
        if self.user is not None and not self._restore_session():
            self._sign_in()
        self.client.cookies = copy.deepcopy(self.cookies)
        return self.client.generic(method, url)


def _url(pattern: Pattern, rule: Rule, scope_value: Any) -> str:
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


def _kind(pattern: Pattern) -> str:
    """The kind of admin view (changelist_view, add_view, history_view, catch_all_view, …)."""
    return getattr(pattern.view, "__name__", "") or pattern.route


def _gated_samples(patterns: list[Pattern], actors: dict[str, Any]) -> dict[str, set[str]]:
    """Per signed-in non-staff actor, the routes of the gated admin pages it requests: one page of each
    kind, a different one for each actor."""
    by_kind: dict[str, list[Pattern]] = defaultdict(list)
    for p in patterns:
        rule = rule_for(p.name, p.route)
        if rule is not None and rule.match == GATED_RULE:
            by_kind[_kind(p)].append(p)
    sampled = [a for a in ACTORS if actors[a] is not None and not actors[a].is_staff]
    return {
        actor: {pages[i % len(pages)].route for pages in by_kind.values()} for i, actor in enumerate(sampled)
    }


@pytest.mark.django_db
def test_every_url_answers_as_the_matrix_declares(actors, scope_samples):
    problems: list[str] = []
    requests = 0
    callers = {actor: Caller(user) for actor, user in actors.items()}
    patterns = all_patterns()
    gated_samples = _gated_samples(patterns, actors)
    asked: dict[str, set[str]] = defaultdict(set)  # pattern route → actors that requested it
    cells: set[tuple[str, str, str]] = set()  # (rule, actor, method) requested

    def check(actor: str, method: str, url: str, expected: str) -> bytes:
        nonlocal requests
        requests += 1
        response = callers[actor].request(method, url)
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
        if got == CHALLENGE and not response.get("WWW-Authenticate"):
            problems.append(f"{method} {url} as {actor}: 401 without WWW-Authenticate")
        if (
            got in (DENY, LOGIN, CHALLENGE)
            and expected != HANDOVER
            and not AuditEvent.objects.filter(
                event="permission_denied", request_id=response["X-Request-ID"]
            ).exists()
        ):
            problems.append(f"{method} {url} as {actor}: denial not audited")
        return b"" if response.streaming else response.content  # a file download streams

    for pattern in patterns:
        rule = rule_for(pattern.name, pattern.route)
        assert rule is not None
        key = _scope_key(rule)
        for actor in ACTORS:
            if actor in gated_samples and rule.match == GATED_RULE:
                # The gate answers before the view; sampled actors must be refused by it.
                assert rule.access[actor] == {m: DENY for m in METHODS}, actor
                if pattern.route not in gated_samples[actor]:
                    continue
            asked[pattern.route].add(actor)
            for method in METHODS:
                cells.add((rule.match, actor, method))
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

    # What the sampling must not lose: every pattern asked by the anonymous user and by someone the
    # rule lets in, every cell of every rule asked at least once.
    for pattern in patterns:
        rule = rule_for(pattern.name, pattern.route)
        assert rule is not None
        let_in = {a for a in ACTORS if LETS_IN & set(rule.access[a].values())}
        if ANONYMOUS not in asked[pattern.route] or (let_in and not let_in & asked[pattern.route]):
            problems.append(f"{pattern.route}: not asked by the anonymous user and an actor let in")
    for rule in {id(r): r for r in (rule_for(p.name, p.route) for p in patterns) if r}.values():
        unasked = [(a, m) for a in ACTORS for m in METHODS if (rule.match, a, m) not in cells]
        if unasked:
            problems.append(f"{rule.match}: cells never asked: {unasked}")

    assert not problems, f"{len(problems)} of {requests} requests disagree with the matrix:\n" + "\n".join(
        problems
    )
