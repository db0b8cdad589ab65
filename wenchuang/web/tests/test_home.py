from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from wenchuang.classify.reference import reference_load
from wenchuang.plan.services import plan_load
from wenchuang.registry.models import Platform

pytestmark = pytest.mark.django_db

PLAN_TABLE = [  # the plan's section 三 table: name, 2020, 2025
    ("全市文化产业增加值", "2285", "3000"),
    ("全市文化产业总产出", "8001", "10000"),
    ("全市规上数字文化企业营业收入占规上文化企业营业收入比重", "60", ">65"),
    ("国家及省、市级文化产业园区（街区）、企业总部平台", "108", "200"),
    ("上市文化企业、文化领军企业", "48", "100"),
    ("文化名人、文化领军人才及顶尖专业人才", "89", "120"),
    ("文化产业带动就业人数", "21", "30"),
    ("国家文化出口基地、国家文化出口重点企业和重点项目", "49", "80"),
]


@pytest.fixture
def hangzhou_plan() -> None:
    reference_load()
    plan_load(path=settings.DATA_DIR / "plans" / "hangzhou-14th-culture.yaml")


def test_it_shows_the_plans_eight_indicators_with_2020_and_2025_values(
    anonymous_client: Client, hangzhou_plan: None
) -> None:
    body = anonymous_client.get("/").content.decode()
    rows = re.findall(
        r"<tr>\s*<td>(\d)</td><td>([^<]+)</td><td>[^<]*</td>\s*<td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>",
        body,
    )
    assert [(name, base, target.replace("&gt;", ">")) for _, name, base, target in rows] == PLAN_TABLE


def test_it_says_when_no_plan_is_loaded(anonymous_client: Client) -> None:
    body = anonymous_client.get("/").content.decode()
    assert "尚未载入规划" in body


def test_it_marks_demo_data_on_every_page(anonymous_client: Client, hangzhou_plan: None) -> None:
    assert "示例数据" not in anonymous_client.get("/").content.decode()
    Platform.objects.create(name="示例·园区", is_demo=True)
    assert "示例数据" in anonymous_client.get("/").content.decode()
    assert "示例数据" in anonymous_client.get("/accounts/login/").content.decode()


def test_it_speaks_chinese_to_an_english_browser_until_the_user_switches(anonymous_client: Client) -> None:
    response = anonymous_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    anonymous_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert anonymous_client.get("/").headers["Content-Language"] == "en"
