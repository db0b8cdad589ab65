"""The one regrouping of the rollup's cells: by district, and by 大类 / 中类 / 小类 up the
classification's own tree; the groups add up to the total, carry the classification's names and an
"as of"; a plan formula split the same way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wenchuang.classify.models import CultureCategory
from wenchuang.stats import selectors, services
from wenchuang.stats.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cells() -> dict[str, CultureCategory]:
    """Four firms: two 小类 of one 中类, a 小类 of another 大类, and one unclassified."""
    f.load_reference()
    minors = CultureCategory.objects.filter(level=CultureCategory.Level.MINOR)
    # the first 小类 whose 中类 has another 小类
    first = next(m for m in minors.order_by("code") if m.parent and m.parent.children.count() > 1)
    sibling = minors.filter(parent=first.parent).exclude(pk=first.pk).order_by("code").first()
    other = minors.exclude(parent__parent=first.parent.parent).order_by("code").first()
    assert sibling is not None and other is not None
    for code, district, revenue in (
        (first.code, "330106", 100),
        (sibling.code, "330108", 20),
        (other.code, "330106", 3),
        (None, "330108", 0.7),
    ):
        f.year(f.enterprise(district_code=district, culture_code=code), 2022, revenue=revenue)
    services.rollup_refresh()
    return {"first": first, "sibling": sibling, "other": other}


def _revenue(rows: list[dict]) -> dict[str, Decimal]:
    return {r["code"]: Decimal(r["revenue"]) for r in rows}


def test_category_breakdown_regroups_the_cells_up_the_classification_tree(cells) -> None:
    first, sibling, other = cells["first"], cells["sibling"], cells["other"]
    major, middle = first.parent.parent, first.parent
    total = selectors.totals(year=2022)
    by_major = selectors.category_breakdown(year=2022, level="major")
    assert [(r["code"], r["name"], Decimal(r["revenue"])) for r in by_major] == [
        (major.code, major.name, Decimal("120.00")),
        (other.parent.parent.code, other.parent.parent.name, Decimal("3.00")),
        ("", "未分类", Decimal("0.70")),
    ]
    assert by_major[0]["n_rows"] == 2 and by_major[0]["domain"] == major.get_domain_display()
    assert all(r["as_of"] == total.as_of is not None for r in by_major)
    assert sum(Decimal(r["revenue"]) for r in by_major) == Decimal(total.sums["revenue"])
    by_middle = _revenue(selectors.category_breakdown(year=2022, level="middle"))
    assert by_middle == {middle.code: Decimal(120), other.parent.code: Decimal(3), "": Decimal("0.7")}
    by_minor = _revenue(selectors.category_breakdown(year=2022, level="minor"))
    assert by_minor == {first.code: 100, sibling.code: 20, other.code: 3, "": Decimal("0.7")}
    # a district office's restriction applies before the regrouping
    xihu = f.district("330106").pk
    in_xihu = selectors.category_breakdown(year=2022, level="major", districts=[xihu])
    assert [(r["code"], Decimal(r["revenue"])) for r in in_xihu] == [
        (major.code, Decimal(100)),
        (other.parent.parent.code, Decimal(3)),
    ]
    with pytest.raises(selectors.UnsupportedQuery):
        selectors.category_breakdown(year=2022, level="sector")


def test_district_and_formula_breakdowns_read_the_same_groups(cells) -> None:
    districts = selectors.district_breakdown(year=2022)
    assert [(r["code"], r["name"], Decimal(r["revenue"])) for r in districts] == [
        ("330106", "西湖区", Decimal(103)),
        ("330108", "滨江区", Decimal("20.7")),
    ]
    revenue = {"kind": "aggregate", "measure": "revenue", "scale": 0.01}
    assert selectors.formula_breakdown(formula=revenue, year=2022, by="district") == [
        {"code": "330106", "name": "西湖区", "value": Decimal("1.03")},
        {"code": "330108", "name": "滨江区", "value": Decimal("0.21")},
    ]
    major = cells["first"].parent.parent
    by_major = selectors.formula_breakdown(formula=revenue, year=2022, by="major")
    assert by_major is not None
    assert by_major[0] == {"code": "", "name": "未分类", "value": Decimal("0.01")}
    assert {"code": major.code, "name": major.name, "value": Decimal("1.20")} in by_major
    share = {
        "kind": "ratio",
        "numerator": {"measure": "revenue", "filter": {"above_scale": True}},
        "denominator": {"measure": "revenue"},
        "scale": 100,
    }
    assert selectors.formula_breakdown(formula=share, year=2022, by="major") is None
    assert selectors.formula_breakdown(formula={"kind": "count"}, year=2022, by="district") is None
