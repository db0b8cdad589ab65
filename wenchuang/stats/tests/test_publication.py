"""Publication versions: publish copies the working figures, a revision needs a reason and replaces the
version the public reads, withdrawal brings the previous one back, nothing but the city office may
publish, and the diff names each figure that changes (pure)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django_fsm_log.models import StateLog

from wenchuang.accounts.models import AuditEvent
from wenchuang.core.errors import ConflictError, ForbiddenError
from wenchuang.plan.models import Plan
from wenchuang.plan.services import plan_load
from wenchuang.stats import publication, readmodel, selectors, services
from wenchuang.stats.models import IndicatorValue, Publication, PublishedValue
from wenchuang.stats.tests import factories as f

PLAN = "hangzhou-14th-culture"


def _fig(
    code: str, year: int, value: str | None, source: str = "computed", unit: str = ""
) -> publication.Figure:
    return publication.Figure(
        code=code,
        spatial_unit=unit,
        year=year,
        name=code,
        unit="亿元",
        value=None if value is None else Decimal(value),
        source=source,
    )


def test_the_diff_names_changed_new_and_removed_figures_to_the_cent() -> None:
    old = [
        _fig("va", 2021, "10.001"),
        _fig("va", 2022, "11"),
        _fig("out", 2022, "5"),
        _fig("gdp", 2022, None),
    ]
    new = [
        _fig("va", 2021, "10.004"),  # same to the cent: no change
        _fig("va", 2022, "12"),
        _fig("out", 2022, "5", source="official"),  # same number, other source: a change
        _fig("va", 2023, "13"),
        _fig("gdp", 2022, None),
    ]
    changes = publication.diff(old, new)
    assert [(c.kind, c.code, c.year, c.old, c.new) for c in changes] == [
        ("changed", "out", 2022, Decimal("5.00"), Decimal("5.00")),
        ("changed", "va", 2022, Decimal("11.00"), Decimal("12.00")),
        ("added", "va", 2023, None, Decimal("13.00")),
    ]
    assert [c.kind for c in publication.diff(new, old)] == ["changed", "changed", "removed"]
    assert publication.diff(old, old) == []
    assert changes[2].kind_label == "新增"


@pytest.fixture
def figures(reference, settings) -> None:
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
    for i in range(3):
        firm = f.enterprise(culture_code=f.plain_code())
        f.year(firm, 2021, revenue=1000 * (i + 1), components=(100, 20, 30, 50), is_above_scale=True)
    services.rollup_refresh()
    services.indicator_values_recompute(plan_code=PLAN, years=[2021])


def _more() -> None:
    firm = f.enterprise(culture_code=f.plain_code())
    f.year(firm, 2021, revenue=50000, components=(5000, 2000, 3000, 5000), is_above_scale=True)
    services.rollup_refresh(years=[2021])
    services.indicator_values_recompute(plan_code=PLAN, years=[2021])


def _va(version: Publication | None) -> Decimal | None:
    rows = readmodel.indicator_rows(
        plan=Plan.objects.get(code=PLAN),
        year=2021,
        version=version,
    )
    return next(r.value for r in rows if r.code == "value_added")


def _fresh(version: Publication) -> Publication:
    return Publication.objects.get(pk=version.pk)


@pytest.mark.django_db
def test_publish_copies_every_working_figure_and_is_audited_and_logged(figures, city_admin) -> None:
    v1 = services.publication_publish(user=city_admin, plan_code=PLAN)
    assert (v1.number, v1.state, v1.reason, v1.published_by) == (1, "published", "首次发布", city_admin)
    assert (
        PublishedValue.objects.filter(publication=v1).count()
        == IndicatorValue.objects.count()
        == v1.value_count
    )
    assert v1.changes and all(c["kind"] == "added" for c in v1.changes)
    assert v1.rollup_stamps == {"2021": selectors.rollup_years()[-1].refreshed_at.isoformat()}
    assert AuditEvent.objects.filter(detail__action="publication_publish", detail__number=1).exists()
    assert selectors.publication_current(plan_code=PLAN) == v1
    assert _va(v1) == _va(None) is not None


@pytest.mark.django_db
def test_a_revision_needs_a_reason_and_replaces_the_public_version(figures, city_admin) -> None:
    v1 = services.publication_publish(user=city_admin, plan_code=PLAN)
    published_va = _va(v1)
    _more()
    assert _va(v1) == published_va != _va(None)  # the import moved only the working figures
    assert [c.code for c in selectors.publication_pending_changes(plan_code=PLAN)]
    with pytest.raises(services.PublicationError, match="修订原因"):
        services.publication_publish(user=city_admin, plan_code=PLAN, reason="  ")
    v2 = services.publication_publish(user=city_admin, plan_code=PLAN, reason="补报企业年报")
    v1 = _fresh(v1)  # a protected FSM field is not refreshed in place
    assert (v1.state, v2.state, v2.number) == ("superseded", "published", 2)
    assert ("value_added", 2021) in {(c["code"], c["year"]) for c in v2.changes}
    assert _va(v2) == _va(None) and _va(v1) == published_va
    assert selectors.publication_pending_changes(plan_code=PLAN) == []
    assert StateLog.objects.for_(v1).get().transition == "supersede"


@pytest.mark.django_db
def test_withdrawing_the_current_version_brings_the_previous_back(figures, city_admin) -> None:
    v1 = services.publication_publish(user=city_admin, plan_code=PLAN)
    _more()
    v2 = services.publication_publish(user=city_admin, plan_code=PLAN, reason="补报企业年报")
    with pytest.raises(services.PublicationError, match="撤回须填写原因"):
        services.publication_withdraw(user=city_admin, version=v2, reason="")
    services.publication_withdraw(user=city_admin, version=v2, reason="补报数据有误")
    v1, v2 = _fresh(v1), _fresh(v2)
    assert (v1.state, v2.state, v2.withdrawn_reason) == ("published", "withdrawn", "补报数据有误")
    assert selectors.publication_current(plan_code=PLAN) == v1
    assert selectors.publication_get(plan_code=PLAN, number=2) is None
    with pytest.raises(ConflictError):
        services.publication_withdraw(user=city_admin, version=v2, reason="再撤")
    # The next version is number 3 (numbers are never reused).
    assert services.publication_publish(user=city_admin, plan_code=PLAN, reason="更正后重新发布").number == 3


@pytest.mark.django_db
def test_only_the_city_office_publishes(figures, data_manager, district_admin) -> None:
    for user in (data_manager, district_admin, None):
        with pytest.raises(ForbiddenError):
            services.publication_publish(user=user, plan_code=PLAN)
    assert not Publication.objects.exists()
    assert services.publication_publish(user=None, plan_code=PLAN, system=True).published_by is None


@pytest.mark.django_db
def test_nothing_to_publish_is_refused_in_chinese(reference, settings, city_admin) -> None:
    plan_load(path=Path(settings.DATA_DIR) / "plans" / f"{PLAN}.yaml")
    with pytest.raises(services.PublicationError, match="尚无指标值"):
        services.publication_publish(user=city_admin, plan_code=PLAN)


@pytest.mark.django_db
def test_breakdowns_are_frozen_only_while_the_year_is_as_published(figures, city_admin) -> None:
    v1 = services.publication_publish(user=city_admin, plan_code=PLAN)
    _more()  # the 2021 rollup is refreshed after publishing: its breakdowns would be unpublished data
    assert services.publication_breakdowns_freeze(version=v1) == []
    v2 = services.publication_publish(user=city_admin, plan_code=PLAN, reason="补报企业年报")
    assert services.publication_breakdowns_freeze(version=v2) == [2021]
    assert services.publication_breakdowns_freeze(version=v2) == []  # idempotent
    body = selectors.published_payload(version=v2, kind="breakdown", year=2021, key="revenue|district|")
    assert body is not None and '"measure": "revenue"' in body


@pytest.mark.django_db
def test_the_operators_command_publishes_once_with_if_unpublished(figures) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("stats", "publish", "--reason", "示例数据首次发布", "--if-unpublished", stdout=out)
    assert "已发布 hangzhou-14th-culture 第1版" in out.getvalue()
    call_command("stats", "publish", "--if-unpublished", stdout=out)
    assert "已有发布版本，未做改动" in out.getvalue()
    assert Publication.objects.get().reason == "示例数据首次发布"
