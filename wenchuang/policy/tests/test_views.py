"""The policy pages through the test client: calculator without login, search, 我的企业, the rule
builder (form rows, Chinese validation, test cases), 免申即享 round, the 申兑 flow and the effect export."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wenchuang.accounts.tests.factories import logged_in_client
from wenchuang.policy.models import Application, ExemptRound, Policy
from wenchuang.policy.seed import seed_demo_policies
from wenchuang.policy.tests.factories import firm

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(reference):
    seed_demo_policies()


def test_the_calculator_works_without_login(seeded):
    r = Client().get(
        "/policy/calculator/",
        {"submitted": "1", "above_scale": "1", "listed": "0", "revenue": "6200", "tax_credit": "A"},
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "示例·文化企业上市培育（凤凰行动）奖励" in body
    assert "上年营业收入 6,200万元 ≥ 5,000万元" in body


def test_search_finds_the_anime_clause_without_login(seeded):
    body = Client().get("/policy/search/", {"q": "动漫企业有哪些补贴"}).content.decode()
    assert "对动漫企业原创动画片" in body


def test_my_enterprise_shows_facts_sources_and_reasons(seeded, enterprise_user):
    body = logged_in_client(enterprise_user).get("/policy/my/").content.decode()
    assert "一企一档" in body and "市场主体登记" in body
    assert "缺数据" in body or "暂无数据" in body
    assert "人工复核" in body


def _builder_post(**rows):
    data = {
        "do": "save",
        "combinator": "and",
        "valid_from": "2026-01-01",
        "note": "调整",
        "c-TOTAL_FORMS": str(len(rows)),
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "1",
        "c-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate(rows.values()):
        for field, value in row.items():
            data[f"c-{i}-{field}"] = value
    return data


def test_rule_builder_validates_in_chinese_and_runs_test_cases(seeded, data_manager):
    client = logged_in_client(data_manager)
    url = "/policy/policies/demo-export-key/rule/"
    page = client.get(url).content.decode()
    assert "国家文化出口重点企业" in page and "通过 ✓" in page
    bad = _builder_post(a={"group": "1", "fact": "exports", "op": ">=", "value": "很多"})
    body = client.post(url, bad).content.decode()
    assert "“上年出口额”是数值，不能与文字“很多”比较" in body
    unit = _builder_post(a={"group": "1", "fact": "employees", "op": ">=", "param": "exports_threshold"})
    assert "单位不一致" in client.post(url, unit).content.decode()
    good = _builder_post(
        a={"group": "1", "fact": "key_exporter", "op": "==", "value": "是"},
        b={"group": "2", "fact": "exports", "op": ">=", "param": "exports_threshold"},
    )
    body = client.post(url, good).content.decode()
    assert "已保存第2版" in body and "全部通过" in body
    assert Policy.objects.get(code="demo-export-key").versions.count() == 2


def test_exempt_round_from_the_page(seeded, data_manager):
    firm(revenue="6200")
    client = logged_in_client(data_manager)
    body = client.get("/policy/policies/demo-phoenix-listing/exempt/").content.decode()
    assert 'id="candidate-count">1<' in body
    r = client.post("/policy/policies/demo-phoenix-listing/exempt/")
    rnd = ExemptRound.objects.get()
    assert r.url == f"/policy/rounds/{rnd.pk}/"
    client.post(r.url, {"do": "confirm"})
    assert ExemptRound.objects.get().state == "confirmed"


def test_application_flow_through_the_pages(seeded, reference, district_admin, city_admin):
    from wenchuang.accounts.models import Role
    from wenchuang.accounts.tests.factories import UserFactory

    e = firm(revenue="300", park="national", grade="A", founded_on=date(2018, 1, 1))
    user = UserFactory(username="firm_user", role=Role.ENTERPRISE, enterprise=e)
    ent = logged_in_client(user)
    r = ent.post("/policy/policies/demo-park-certification/apply/")
    app = Application.objects.get()
    assert r.url == f"/policy/applications/{app.pk}/"
    page = ent.get(r.url).content.decode()
    assert "尚缺：租赁合同、租金缴纳凭证" in page
    for kind in ("租赁合同", "租金缴纳凭证"):
        ent.post(r.url, {"do": "upload", "kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", b"%PDF x")})
    ent.post(r.url, {"do": "submit"})
    district = logged_in_client(district_admin)
    att = app.attachments.first()
    download = district.get(f"/policy/attachments/{att.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF x"
    other = UserFactory(username="other_firm", role=Role.ENTERPRISE, enterprise=firm(district="330108"))
    assert logged_in_client(other).get(f"/policy/attachments/{att.pk}/").status_code == 403
    assert str(app.pk) in district.get("/policy/reviews/").content.decode()
    district.post(r.url, {"do": "review", "action": "approve", "reason": ""})
    city = logged_in_client(city_admin)
    city.post(r.url, {"do": "review", "action": "approve"})
    city.post(r.url, {"do": "pay", "paid_on": date.today().isoformat(), "amount": "20"})
    assert Application.objects.get().state == "paid"
    ent.post(r.url, {"do": "rate", "rating": "5", "comment": "好"})
    assert Application.objects.get().rating == 5
    csv = city.get("/policy/effect/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "示例·入驻认定文化产业园区（基地）企业房租补助" in csv
    xlsx = city.get("/policy/effect/", {"format": "xlsx", "by": "district"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
