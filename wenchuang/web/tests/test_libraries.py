from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_lists_and_filters_enterprises(data_manager_client: Client, web_data) -> None:
    body = data_manager_client.get("/enterprises/").content.decode()
    assert "示例·西湖数字文化有限公司" in body and "示例·滨江动漫有限公司" in body
    body = data_manager_client.get("/enterprises/?district=330108").content.decode()
    assert "示例·滨江动漫有限公司" in body and "示例·西湖数字文化有限公司" not in body
    body = data_manager_client.get("/enterprises/?above_scale=no").content.decode()
    assert "示例·西湖数字文化有限公司" not in body


def test_it_searches_by_uscc(data_manager_client: Client, web_data) -> None:
    uscc = web_data["firms"]["binjiang"].uscc
    body = data_manager_client.get(f"/enterprises/?q={uscc}").content.decode()
    assert "示例·滨江动漫有限公司" in body and "示例·西湖数字文化有限公司" not in body


def test_it_answers_htmx_with_the_results_only(data_manager_client: Client, web_data) -> None:
    body = data_manager_client.get(
        "/enterprises/?status=unclassified", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in body and "示例·滨江动漫有限公司" in body


def test_it_scopes_the_list_to_a_district_office(district_admin_client: Client, web_data) -> None:
    body = district_admin_client.get("/enterprises/").content.decode()
    assert "示例·西湖数字文化有限公司" in body and "示例·滨江动漫有限公司" not in body


def test_it_shows_the_profile_with_facts_classification_and_history(
    data_manager_client: Client, web_data
) -> None:
    firm = web_data["firms"]["xihu_digital"]
    body = data_manager_client.get(f"/enterprises/{firm.uscc}/").content.decode()
    assert "示例理由" in body and "2024" in body and "变更历史" in body
    assert "企业名称" in body  # the name change recorded in the history


def test_it_hides_the_history_from_a_district_office(district_admin_client: Client, web_data) -> None:
    firm = web_data["firms"]["xihu_digital"]
    body = district_admin_client.get(f"/enterprises/{firm.uscc}/").content.decode()
    assert "示例理由" in body and "变更历史" not in body


def test_it_refuses_another_districts_enterprise(district_admin_client: Client, web_data) -> None:
    firm = web_data["firms"]["binjiang"]
    assert district_admin_client.get(f"/enterprises/{firm.uscc}/").status_code == 403


def test_it_lists_the_enterprises_in_bounded_queries(
    data_manager_client: Client, web_data, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(15):
        assert data_manager_client.get("/enterprises/?digital=yes").status_code == 200


def test_it_lists_platforms_publicly(anonymous_client: Client, web_data) -> None:
    body = anonymous_client.get("/platforms/?level=national").content.decode()
    assert "示例·西湖文创园" in body


def test_it_masks_talents_personal_data(data_manager_client: Client, web_data) -> None:
    body = data_manager_client.get("/talents/").content.decode()
    assert "示例·张三" in body
    assert "330106199001011234" not in body and "13800001234" not in body


def test_it_shows_the_spatial_layout_publicly(anonymous_client: Client, web_data) -> None:
    body = anonymous_client.get("/layout/?unit=zhijiang-belt").content.decode()
    assert ("之江文化产业带" in body and "八组团" in body) or "产业组团" in body
    assert "GeoJSON.CN" in body
