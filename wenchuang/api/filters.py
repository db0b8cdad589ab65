"""Query-string filters of the enterprise list (django-filter), applied on top of the scoped list."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters

from wenchuang.registry.models import Enterprise, EnterpriseYear


class EnterpriseFilter(filters.FilterSet):
    district = filters.CharFilter(field_name="district__code", label="区划代码（如330106）")
    major = filters.CharFilter(field_name="culture_category__parent__parent__code", label="文化产业大类代码")
    middle = filters.CharFilter(field_name="culture_category__parent__code", label="文化产业中类代码")
    minor = filters.CharFilter(field_name="culture_category__code", label="文化产业小类代码")
    digital = filters.BooleanFilter(
        field_name="culture_category__is_new_form", label="数字文化（新业态16小类）"
    )
    q = filters.CharFilter(method="filter_q", label="企业名称（包含）或统一社会信用代码（前缀）")
    above_scale = filters.BooleanFilter(method="filter_above_scale", label="规模以上（按 year 年度判断）")
    year = filters.NumberFilter(method="filter_year", label="判断规模以上的年度（默认最近有数据的年度）")

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))

    def filter_year(self, qs: QuerySet[Enterprise], name: str, value: Any) -> QuerySet[Enterprise]:
        return qs  # only qualifies above_scale

    def filter_above_scale(
        self, qs: QuerySet[Enterprise], name: str, value: bool | None
    ) -> QuerySet[Enterprise]:
        if value is None:
            return qs
        year = self.form.cleaned_data.get("year")
        if year is None:
            year = EnterpriseYear.objects.aggregate(y=Max("year"))["y"]
        above = EnterpriseYear.objects.filter(
            enterprise=OuterRef("pk"), year=int(year or 0), is_above_scale=True
        )
        return qs.filter(Exists(above)) if value else qs.exclude(Exists(above))
