"""A 区县管理员 imports and reviews for their own districts only (the district_admin fixture is bound
to 西湖区 330106)."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenchuang.accounts.tests.factories import UserFactory, logged_in_client
from wenchuang.classify.models import ClassificationDecision
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.services import import_file
from wenchuang.ingest.tests.conftest import uscc
from wenchuang.registry.models import District, Enterprise, EnterpriseYear

REG = "统一社会信用代码,企业名称,国民经济行业代码,经营范围,区划代码\n"


def _upload(client, kind: str, text: str, django_capture_on_commit_callbacks, mode: str = "valid-only"):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/import/",
            {"kind": kind, "mode": mode, "unit": "万元", "file": SimpleUploadedFile("a.csv", text.encode())},
        )
    assert r.status_code == 302, r.content.decode()[:500]
    return ImportBatch.objects.latest("pk")


def _register(user, i: int, name: str, district: str, file_name: str) -> ImportBatch:
    """One registration row imported as `user`."""
    data = (REG + f"{uscc(i)},{name},8610,,{district}\n").encode()
    return import_file(kind="registration", data=data, file_name=file_name, user=user, recompute=False)


def test_it_lets_a_district_office_import_its_own_district(
    district_admin_client, django_capture_on_commit_callbacks
):
    assert district_admin_client.get("/import/").status_code == 200
    assert district_admin_client.get("/import/templates/registration.xlsx").status_code == 200
    text = REG + f"{uscc(1)},西湖甲,8610,,330106\n{uscc(2)},滨江乙,8610,,330108\n"
    batch = _upload(district_admin_client, "registration", text, django_capture_on_commit_callbacks)
    assert (batch.status, batch.inserted, batch.rejected) == ("done", 1, 1)
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [uscc(1)]
    ws = openpyxl.load_workbook(batch.error_path)["错误行"]
    assert [row[3] for row in ws.iter_rows(min_row=2, values_only=True)] == [
        "区划代码330108不在您的管辖范围（西湖区）内"
    ]


def test_it_rejects_other_districts_by_address_and_by_enterprise(
    district_admin, district_admin_client, django_capture_on_commit_callbacks
):
    import_file(
        kind="registration",
        data=(REG + f"{uscc(5)},滨江丙,8610,,330108\n{uscc(6)},西湖丁,8610,,330106\n").encode(),
        file_name="city.csv",
        recompute=False,
    )
    text = f"统一社会信用代码,年度,营业收入（万元）\n{uscc(5)},2023,100\n{uscc(6)},2023,200\n"
    batch = _upload(district_admin_client, "annual", text, django_capture_on_commit_callbacks)
    assert (batch.inserted, batch.rejected) == (1, 1)
    assert list(EnterpriseYear.objects.values_list("enterprise__uscc", flat=True)) == [uscc(6)]
    text = f"统一社会信用代码,企业名称,国民经济行业代码,注册地址\n{uscc(7)},戊,8610,杭州市滨江区网商路1号\n"
    batch = _upload(district_admin_client, "registration", text, django_capture_on_commit_callbacks)
    assert (batch.inserted, batch.rejected) == (0, 1)


def test_a_city_import_is_not_limited(data_manager):
    batch = _register(data_manager, 1, "甲", "330108", "a.csv")
    assert (batch.inserted, batch.rejected) == (1, 0)


def test_it_shows_a_district_office_only_its_districts_batches(
    district_admin, district_admin_client, data_manager, reference
):
    mine = _register(district_admin, 1, "甲", "330106", "mine.csv")
    colleague = UserFactory(
        username="xihu2", role="district_admin", districts=[District.objects.get(code="330106")]
    )
    theirs = _register(colleague, 2, "乙", "330106", "colleague.csv")
    binjiang = UserFactory(
        username="bj", role="district_admin", districts=[District.objects.get(code="330108")]
    )
    other = _register(binjiang, 3, "丙", "330108", "binjiang.csv")
    city = _register(data_manager, 4, "丁", "330106", "city.csv")
    page = district_admin_client.get("/import/").content.decode()
    assert "mine.csv" in page and "colleague.csv" in page
    assert "binjiang.csv" not in page and "city.csv" not in page
    assert district_admin_client.get(f"/import/batches/{theirs.pk}/").status_code == 200
    for batch in (other, city):
        assert district_admin_client.get(f"/import/batches/{batch.pk}/").status_code == 403
        assert district_admin_client.post(f"/import/batches/{batch.pk}/undo/").status_code == 403
    assert ImportBatch.objects.get(pk=other.pk).status == "done"
    assert district_admin_client.post(f"/import/batches/{mine.pk}/undo/").status_code == 302
    assert ImportBatch.objects.get(pk=mine.pk).status == "undone"
    binjiang_client = logged_in_client(binjiang)
    assert binjiang_client.get(f"/import/batches/{other.pk}/").status_code == 200


@pytest.fixture
def partial_firms(reference):
    # 6513 is a partial code: an empty scope needs review
    import_file(
        kind="registration",
        data=(REG + f"{uscc(1)},西湖待审,6513,,330106\n{uscc(2)},滨江待审,6513,,330108\n").encode(),
        file_name="firms.csv",
        recompute=False,
    )
    return {d.enterprise.uscc: d for d in ClassificationDecision.objects.select_related("enterprise")}


def test_the_review_queue_of_a_district_office_holds_its_districts_only(
    partial_firms, district_admin_client, data_manager_client
):
    page = district_admin_client.get("/import/review/").content.decode()
    assert "西湖待审" in page and "滨江待审" not in page
    city = data_manager_client.get("/import/review/").content.decode()
    assert "西湖待审" in city and "滨江待审" in city
    elsewhere = partial_firms[uscc(2)]
    district_admin_client.post("/import/review/", {"ids": [elsewhere.pk], "action": "accept"})
    elsewhere.refresh_from_db()
    assert elsewhere.method != "review" and elsewhere.needs_review
    mine = partial_firms[uscc(1)]
    district_admin_client.post("/import/review/", {"ids": [mine.pk], "action": "accept"})
    mine.refresh_from_db()
    assert mine.method == "review" and not mine.needs_review


def test_the_keyword_rules_stay_city_wide(district_admin_client):
    assert district_admin_client.get("/import/rules/").status_code == 403


def test_a_city_office_of_a_province_deployment_imports_and_lists_for_its_city_only(settings, data_manager):
    from wenchuang.accounts.models import Role
    from wenchuang.classify.reference import reference_load
    from wenchuang.ingest.selectors import batch_list

    settings.WENCHUANG_REGION_CODE = "330000"
    settings.WENCHUANG_DEPLOYMENT_LEVEL = "province"
    reference_load()
    ningbo = UserFactory(role=Role.DATA_MANAGER, region_code="330200")
    ningbo_office = UserFactory(role=Role.CITY_ADMIN, region_code="330200")
    province_batch = _register(data_manager, 1, "杭州甲", "330106", "province.csv")

    batch = _register(ningbo, 2, "宁波乙", "330203", "ningbo.csv")
    assert (batch.inserted, batch.rejected) == (1, 0)
    refused = _register(ningbo, 3, "杭州丙", "330106", "hangzhou.csv")
    assert (refused.inserted, refused.rejected) == (0, 1)
    assert not Enterprise.objects.filter(uscc=uscc(3)).exists()

    # The province's 统计员 sees every batch; 宁波's offices see 宁波's, not the province's own.
    assert set(batch_list(user=data_manager)) == {province_batch, batch, refused}
    assert set(batch_list(user=ningbo_office)) == {batch, refused}
