"""Public endpoints: published plans, indicator values with progress, and breakdowns of the rollup.
Anonymous callers are welcome (rate-limited); nothing here is below the aggregate level."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wenchuang.api import selectors
from wenchuang.api.exceptions import NotFound
from wenchuang.core.scope import CITY_WIDE_ROLES, role_of, user_scope
from wenchuang.plan import selectors as plan_selectors
from wenchuang.stats import selectors as stats_selectors

PUBLIC_TAG = "公开数据"


class PlanListApi(APIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PlanSummary"

        code = serializers.CharField()
        name = serializers.CharField()
        city_code = serializers.CharField()
        start_year = serializers.IntegerField()
        end_year = serializers.IntegerField()
        base_year = serializers.IntegerField()
        vision_year = serializers.IntegerField(allow_null=True)
        indicator_count = serializers.IntegerField()
        spatial_unit_count = serializers.IntegerField()
        is_default = serializers.SerializerMethodField()

        def get_is_default(self, plan: Any) -> bool:
            return plan.code == settings.WENCHUANG_DEFAULT_PLAN

    @extend_schema(
        tags=[PUBLIC_TAG],
        summary="规划列表",
        operation_id="plans_list",
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        plans = plan_selectors.plan_list()
        return Response(self.OutputSerializer(plans, many=True).data)


class PlanDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[PUBLIC_TAG],
        summary="规划详情（指标、空间布局、产业、工程、基期事实）",
        operation_id="plans_retrieve",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, code: str) -> Response:
        plan = plan_selectors.plan_get(code=code)
        if plan is None:
            raise NotFound("规划不存在")
        return Response(plan_selectors.plan_export(plan=plan))


class _MeasureSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MeasureGroup"

    key = serializers.CharField()
    name = serializers.CharField()
    value = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True, coerce_to_string=True)
    coverage = serializers.FloatField(
        allow_null=True, help_text="增加值：收入法直接计算部分占比；总产出：直报占比"
    )
    enterprise_years = serializers.IntegerField(help_text="参与汇总的企业年度记录数")
    as_of = serializers.DateTimeField(allow_null=True, help_text="数据截至（汇总刷新时间）")
    suppressed = serializers.BooleanField(
        help_text="按统计保密规则不公布数值：企业数少于阈值、单一企业占比过高，或为防止由合计相减推算而互补隐藏"
    )


class IndicatorValuesApi(APIView):
    """Stored indicator values of a plan for a year with target, official vs computed value, coverage,
    "as of", every progress component and the Chinese explanation — the statistics engine's snapshot,
    served as stored. `area`: empty or `city` (whole city), a spatial-unit code (belt, corridor,
    cluster: its own targets), or a district code (the district's totals; the plan sets no district
    targets)."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "IndicatorValues"

        plan = serializers.CharField()
        year = serializers.IntegerField()
        indicators = serializers.ListField(child=serializers.DictField(), help_text="见 stats.presenters")
        area = serializers.DictField(required=False)
        measures = _MeasureSerializer(many=True, required=False)

    @extend_schema(
        tags=[PUBLIC_TAG],
        summary="规划指标值、目标与进度",
        operation_id="indicator_values_retrieve",
        parameters=[OpenApiParameter("area", str, description="city、空间单元代码或区划代码；默认全市")],
        responses=OutputSerializer,
    )
    def get(self, request: Request, plan_code: str, year: int) -> Response | HttpResponse:
        plan = plan_selectors.plan_get(code=plan_code)
        if plan is None:
            raise NotFound("规划不存在")
        area = request.query_params.get("area", "").strip()
        if area in ("", "city"):
            return _raw_json(stats_selectors.indicator_values_json(plan_code=plan.code, year=year))
        if selectors.spatial_unit_exists(plan=plan, code=area):
            return _raw_json(
                stats_selectors.indicator_values_json(plan_code=plan.code, year=year, spatial_unit_code=area)
            )
        district = selectors.district_get(code=area) if area.isdigit() else None
        if district is None:
            raise NotFound("空间单元或区县不存在")
        measures = selectors.district_measures(district=district, year=year, suppress=_suppress(request))
        body = {
            "plan": plan.code,
            "year": year,
            "area": {"kind": "district", "code": district.code, "name": district.name},
            "indicators": [],
            "measures": _MeasureSerializer(measures, many=True).data,
            "note": "规划未设区县目标，此处为该区县的汇总数据（无进度评估）",
        }
        return Response(body)


def _raw_json(body: str) -> HttpResponse:
    # The snapshot is already the JSON the statistics engine publishes: served byte for byte.
    return HttpResponse(body, content_type="application/json")


def _suppress(request: Request) -> bool:
    # An office bound to a region below the deployment's gets the published (suppressed) cells too.
    return role_of(request.user) not in CITY_WIDE_ROLES or not user_scope(request.user).city_wide


class BreakdownApi(APIView):
    """A measure of the rollup for a year, split by district, 大类/中类/小类, spatial unit (belt,
    corridor, cluster), above-scale, digital or core/related; optional filters narrow every group."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BreakdownQuery"

        year = serializers.IntegerField(min_value=1978, max_value=2100)
        measure = serializers.ChoiceField(choices=list(selectors.MEASURES), default="value_added")
        by = serializers.ChoiceField(choices=list(selectors.DIMENSIONS), default="district")
        plan = serializers.CharField(required=False, help_text="spatial_unit 分组所用规划，默认当前规划")
        district = serializers.CharField(required=False, help_text="只统计该区县（区划代码）")
        above_scale = serializers.BooleanField(required=False, allow_null=True, default=None)
        digital = serializers.BooleanField(required=False, allow_null=True, default=None)
        core = serializers.BooleanField(required=False, allow_null=True, default=None)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Breakdown"

        year = serializers.IntegerField()
        measure = serializers.CharField()
        measure_name = serializers.CharField()
        unit = serializers.CharField()
        by = serializers.CharField()
        by_name = serializers.CharField()
        filters = serializers.DictField()
        total = _MeasureSerializer()
        groups = _MeasureSerializer(many=True)
        overlapping = serializers.BooleanField(help_text="空间单元相互重叠，各组之和不等于合计")

    @extend_schema(
        tags=[PUBLIC_TAG],
        summary="分组汇总（区县、分类、空间布局、规上、数字文化）",
        operation_id="breakdowns_retrieve",
        parameters=[InputSerializer],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        filters = {k: args[k] for k in ("above_scale", "digital", "core") if args.get(k) is not None}
        if args.get("district"):
            filters["district"] = args["district"]
        plan = None
        if args["by"] == "spatial_unit":
            code = args.get("plan") or settings.WENCHUANG_DEFAULT_PLAN
            plan = plan_selectors.plan_get(code=code)
            if plan is None:
                raise NotFound("规划不存在")
        result = selectors.measure_breakdown(
            year=args["year"],
            measure=args["measure"],
            by=args["by"],
            plan=plan,
            filters=filters,
            suppress=_suppress(request),
        )
        return Response(self.OutputSerializer(result).data)
