"""The permission-matrix walk (accounts/tests/test_permission_matrix.py) over /api/v1/ only: every
actor × method × API pattern answers as wenchuang/api/access_rules.py declares, denials audited. The
full walk covers the same; this one is fast and pins the API's part."""

from __future__ import annotations

import pytest

from wenchuang.accounts.tests import test_permission_matrix as walker
from wenchuang.accounts.tests.test_permission_matrix import actors, scope_samples  # noqa: F401  (fixtures)


@pytest.mark.django_db
def test_api_urls_answer_as_the_matrix_declares(monkeypatch, actors, scope_samples):  # noqa: F811
    every = walker.all_patterns()
    api = [p for p in every if p.route.startswith("api/v1/")]
    # schema, docs, plans ×3, breakdown, publications, enterprises ×2, imports ×4, finance ×8, policies ×8
    assert len(api) == 29
    monkeypatch.setattr(walker, "all_patterns", lambda: api)
    walker.test_every_url_answers_as_the_matrix_declares(actors, scope_samples)


def test_every_api_pattern_has_its_own_rule():
    for p in walker.all_patterns():
        if p.route.startswith("api/v1/"):
            rule = walker.rule_for(p.name, p.route)
            assert rule is not None and rule.match == p.name, p
