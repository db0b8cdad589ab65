"""A project from the call to completion through the services, with the rates moving as it goes, and
the refusals on the way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django_fsm_log.models import StateLog

from wenchuang.accounts.models import AuditEvent, Role
from wenchuang.accounts.tests.factories import UserFactory
from wenchuang.classify.models import CultureCategory
from wenchuang.core.errors import ConflictError, DomainError, ForbiddenError
from wenchuang.plan.services import plan_load
from wenchuang.projects import selectors, services
from wenchuang.projects.models import Project, Status
from wenchuang.projects.tests.factories import make_project
from wenchuang.registry.models import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(reference):
    plan_load(path=Path(settings.DATA_DIR) / "plans" / "hangzhou-14th-culture.yaml")
    from wenchuang.plan.selectors import plan_default

    return plan_default()


def _submit(user, **kw):
    values = {
        "name": "示例之江数字影视基地",
        "district_id": None,
        "category_id": CultureCategory.objects.get(code="01").pk,
        "planned_investment": Decimal("80000"),
        "planned_start": date(2023, 4, 1),
        "planned_completion": date(2024, 10, 1),
    }
    values.update(kw)
    return services.project_submit(user=user, **values)


def test_a_project_goes_from_call_to_completion_and_the_rates_move(
    plan, enterprise_user, district_admin, city_admin
):
    assert selectors.rate_target(plan=plan) == (">=", Decimal(90))  # from the plan file, not a constant
    project = _submit(enterprise_user, on=date(2022, 10, 1))
    assert project.status == Status.SUBMITTED and project.district.code == "330106"
    assert project.owner_id == enterprise_user.enterprise_id

    def rates(year):
        row = selectors.rate_table(user=city_admin, year=year, plan=plan)[0]
        return row.start.value, row.completion.value

    assert rates(2023) == (None, None)  # not in the library yet: no figure, not 0
    services.project_step(user=district_admin, project_id=project.pk, action="forward", on=date(2022, 11, 1))
    services.project_step(user=city_admin, project_id=project.pk, action="accept", on=date(2022, 12, 1))
    assert rates(2023) == (Decimal("0.0"), None)
    services.project_step(
        user=district_admin,
        project_id=project.pk,
        action="start",
        on=date(2023, 5, 10),
        evidence="施工许可证330106202305100101",
    )
    assert rates(2023) == (Decimal("100.0"), None)
    assert rates(2024) == (None, Decimal("0.0"))
    services.project_step(
        user=district_admin,
        project_id=project.pk,
        action="complete",
        on=date(2024, 9, 30),
        evidence="竣工验收备案2024-88",
    )
    assert rates(2024) == (None, Decimal("100.0"))
    project.refresh_from_db()
    assert (project.status, project.actual_start, project.actual_completion) == (
        Status.COMPLETED,
        date(2023, 5, 10),
        date(2024, 9, 30),
    )
    events = list(project.events.values_list("transition", "on", "by__username", "evidence"))
    assert [e[0] for e in events] == ["submit", "forward", "accept", "start", "complete"]
    assert events[3] == ("start", date(2023, 5, 10), "district_admin", "施工许可证330106202305100101")
    assert StateLog.objects.filter(object_id=project.pk, content_type__model="project").count() == 4
    assert AuditEvent.objects.filter(
        event="data_change", detail__action="project_complete", object_id=str(project.pk)
    ).exists()
    _figure, listed = selectors.rate_detail(user=city_admin, year=2024, kind="completion")
    assert [p.pk for p in listed] == [project.pk] and listed[0].counted


def test_it_refuses_steps_out_of_role_scope_order_or_without_evidence(
    plan, enterprise_user, district_admin, city_admin
):
    project = _submit(enterprise_user)
    with pytest.raises(ForbiddenError):  # the city accepts, not the district
        services.project_step(user=district_admin, project_id=project.pk, action="accept")
    with pytest.raises(ConflictError):
        services.project_step(user=city_admin, project_id=project.pk, action="start", evidence="x")
    elsewhere = make_project(district=District.objects.get(code="330108"))
    with pytest.raises(ForbiddenError):
        services.project_step(user=district_admin, project_id=elsewhere.pk, action="start", evidence="x")
    with pytest.raises(DomainError, match="佐证材料"):
        services.project_step(user=city_admin, project_id=elsewhere.pk, action="start")
    with pytest.raises(DomainError, match="原因"):
        services.project_step(user=city_admin, project_id=elsewhere.pk, action="terminate")
    services.project_step(user=city_admin, project_id=elsewhere.pk, action="terminate", note="业主撤回")
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.TERMINATED and elsewhere.terminated_reason == "业主撤回"
    with pytest.raises(AttributeError):  # the state is never edited by hand
        elsewhere.status = Status.RESERVE


def test_scoping_of_reads(plan, district_admin, enterprise_user, city_admin):
    own = make_project(owner=enterprise_user.enterprise)
    other = make_project(district=District.objects.get(code="330108"))
    assert set(selectors.project_list(user=city_admin)) == {own, other}
    assert set(selectors.project_list(user=district_admin)) == {own}
    assert set(selectors.project_list(user=enterprise_user)) == {own}
    finance = UserFactory(username="bank", role=Role.FINANCE)
    assert not selectors.project_list(user=finance).exists()
    with pytest.raises(ForbiddenError):
        selectors.project_get(user=district_admin, pk=other.pk)


def test_rates_by_district_and_spatial_unit_match_a_hand_count(plan, city_admin):
    from wenchuang.plan.models import SpatialUnit

    belt = SpatialUnit.objects.get(plan=plan, code="zhijiang-belt")
    xihu, binjiang = District.objects.get(code="330106"), District.objects.get(code="330108")
    for i in range(10):
        make_project(
            district=xihu if i < 6 else binjiang,
            spatial_unit=belt if i % 2 == 0 else None,
            status=Status.STARTED if i < 7 else Status.RESERVE,
            actual_start=date(2023, 6, 1) if i < 7 else None,
        )
    rows = {r.key: r for r in selectors.rate_table(user=city_admin, year=2023, plan=plan)}
    # xihu: 0..5 all started → 6/6; binjiang: 6 started, 7..9 not → 1/4; belt: 0,2,4,6,8 → 4/5
    assert rows["city"].start.value == Decimal("70.0")
    assert rows[f"district:{xihu.pk}"].start.value == Decimal("100.0")
    assert rows[f"district:{binjiang.pk}"].start.value == Decimal("25.0")
    assert rows[f"unit:{belt.pk}"].start.value == Decimal("80.0")


def test_rate_pages_render_with_the_list_behind_the_figure(plan, city_admin_client):
    started = make_project(status=Status.STARTED, actual_start=date(2023, 6, 1))
    make_project()
    page = city_admin_client.get("/projects/rates/?year=2023").content.decode()
    assert "50.0%" in page and "未达标" in page
    detail = city_admin_client.get("/projects/rates/2023/start/?group=city").content.decode()
    assert started.name in detail and "分母 2 个项目" in detail


def test_project_list_page_does_not_query_per_row(plan, city_admin_client, django_assert_max_num_queries):
    for _ in range(200):
        make_project()
    with django_assert_max_num_queries(25):
        response = city_admin_client.get("/projects/")
    assert response.status_code == 200


def test_project_model_rejects_a_completion_before_start(reference):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(planned_start=date(2024, 1, 1), planned_completion=date(2023, 1, 1))
    assert Project.objects.count() == 0
