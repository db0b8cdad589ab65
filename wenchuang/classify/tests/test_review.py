from __future__ import annotations

import pytest

from wenchuang.classify.models import ClassificationDecision, KeywordRule, ReclassifyRun
from wenchuang.classify.services import classification_apply
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.registry.models import District, Enterprise


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def firms(reference):
    d = District.objects.get(code="330106")
    scopes = ["动漫设计", "", "企业管理软件开发"]
    objs = Enterprise.objects.bulk_create(
        [
            Enterprise(uscc=uscc(i), name=f"企业{i}", gbt_code="6513", business_scope=s, district=d)
            for i, s in enumerate(scopes)
        ]
    )
    classification_apply(enterprises=[(e.pk, e.gbt_code, e.business_scope) for e in objs])
    return objs


def test_the_queue_lists_low_confidence_and_bulk_accept_sticks(firms, data_manager_client):
    r = data_manager_client.get("/import/review/")
    assert r.status_code == 200
    assert "企业1" in r.content.decode() and "企业0" not in r.content.decode()
    d = ClassificationDecision.objects.get(enterprise__uscc=uscc(1))
    r = data_manager_client.post("/import/review/", {"ids": [d.pk], "action": "change", "category": "0243"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.category.code, d.needs_review, d.method) == ("0243", False, "review")
    classification_apply(enterprises=[(d.enterprise_id, "6513", "")])
    d.refresh_from_db()
    assert d.category.code == "0243"


def test_editing_a_rule_reclassifies_in_the_background(
    firms, data_manager_client, django_capture_on_commit_callbacks
):
    rule = KeywordRule.objects.get(gbt_code="6513")
    with django_capture_on_commit_callbacks(execute=True):
        r = data_manager_client.post(
            "/import/rules/",
            {"rule": rule.pk, "include_keywords": rule.include_keywords + " 管理软件", "is_active": "on"},
        )
    assert r.status_code == 302
    run = ReclassifyRun.objects.get()
    assert run.status == "done" and run.moved == 1
    assert run.moves == {"非文化→0243": 1}


def test_other_roles_cannot_see_the_queue(firms, enterprise_user_client, anonymous_client):
    assert enterprise_user_client.get("/import/review/").status_code == 403
    assert anonymous_client.get("/import/review/").status_code == 302
