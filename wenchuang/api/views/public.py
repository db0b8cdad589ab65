"""Public endpoints: published plans, indicator values with progress, and breakdowns of the rollup.
Anonymous callers are welcome (rate-limited); nothing here is below the aggregate level.

Nothing reaches the public unpublished: a caller who is not statistics staff reads the version the
city office published last (or `version=N`, an earlier one) — never the working figures; before the
first publication the answer says 暂无已发布数据. Statistics staff read the working figures by default
(`version` says "working") and may ask for a published version. Every body names its version."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wenchuang.api import selectors
from wenchuang.api.exceptions import BadRequest, NotFound
from wenchuang.core.scope import CITY_WIDE_ROLES, role_of, user_scope
from wenchuang.plan import selectors as plan_selectors
from wenchuang.stats import breakdowns
from wenchuang.stats import presenters as stats_presenters
from wenchuang.stats import selectors as stats_selectors
from wenchuang.stats.models import Publication

PUBLIC_TAG = "公开数据"
STAFF_ROLES = ("city_admin", "data_manager", "district_admin")
NOTHING_PUBLISHED = "暂无已发布数据"
VERSION_PARAMETER = OpenApiParameter(
    "version",
    str,
    description="数据版本：发布版本号N，或 latest（最新发布版）；统计人员默认 working（工作数据，未发布）",
)


def _is_staff(request: Request) -> bool:
    return role_of(request.user) in STAFF_ROLES


def _version_for(request: Request, plan_code: str) -> tuple[bool, Publication | None]:
    """(working, version): staff without `version` (or with `working`) read the working figures; anyone
    else reads the version asked for or the current one (None: nothing published)."""
    asked = request.query_params.get("version", "").strip()
    if _is_staff(request) and asked in ("", "working"):
        return True, None
    if asked in ("", "latest", "working"):
        return False, stats_selectors.publication_current(plan_code=plan_code)
    if not asked.isdigit():
        raise BadRequest("version 须为发布版本号、latest 或 working")
    version = stats_selectors.publication_get(plan_code=plan_code, number=int(asked))
    if version is None:
        raise NotFound(f"第{asked}版不存在或已撤回")
    return False, version


def _version_info(working: bool, version: Publication | None, plan_code: str) -> dict[str, Any]:
    if working:
        info = stats_selectors.publication_version_info(None)
        current = stats_selectors.publication_current(plan_code=plan_code)
        info["published"] = stats_selectors.publication_version_info(current) if current else None
        return info
    if version is None:
        return {"kind": "none", "label": NOTHING_PUBLISHED, "number": None, "published_at": None}
    return stats_selectors.publication_version_info(version)


def _with_version(body: str, info: dict[str, Any]) -> HttpResponse:
    # The stored body is already the JSON the engine publishes: the version goes in front, the rest is
    # served byte for byte.
    head = json.dumps({"version": info}, cls=DjangoJSONEncoder, ensure_ascii=False)[:-1]
    rest = body.lstrip()[1:].lstrip()
    return HttpResponse(head + ("" if rest.startswith("}") else ", ") + rest, content_type="application/json")


def _nothing(plan_code: str, year: int, info: dict[str, Any], **extra: Any) -> Response:
    return Response(
        {
            "version": info,
            "plan": plan_code,
            "year": year,
            "indicators": [],
            **extra,
            "note": NOTHING_PUBLISHED,
        }
    )


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
        parameters=[
            OpenApiParameter("area", str, description="city、空间单元代码或区划代码；默认全市"),
            VERSION_PARAMETER,
        ],
        responses=OutputSerializer,
    )
    def get(self, request: Request, plan_code: str, year: int) -> Response | HttpResponse:
        plan = plan_selectors.plan_get(code=plan_code)
        if plan is None:
            raise NotFound("规划不存在")
        working, version = _version_for(request, plan.code)
        info = _version_info(working, version, plan.code)
        area = request.query_params.get("area", "").strip()
        unit = ""
        if area not in ("", "city"):
            if not selectors.spatial_unit_exists(plan=plan, code=area):
                return self._district(request, plan.code, year, area, working, version, info)
            unit = area
        if working:
            body = stats_selectors.indicator_values_json(
                plan_code=plan.code, year=year, spatial_unit_code=unit
            )
            return _with_version(body, info)
        if version is None:
            return _nothing(plan.code, year, info)
        stored = stats_selectors.published_payload(version=version, kind="indicators", year=year, key=unit)
        if stored is None:  # a year or unit without values in that version: the same body, empty
            stored = stats_presenters.indicator_values_json(plan_code=plan.code, year=year, values=[])
        return _with_version(stored, info)

    def _district(
        self,
        request: Request,
        plan_code: str,
        year: int,
        area: str,
        working: bool,
        version: Publication | None,
        info: dict[str, Any],
    ) -> Response | HttpResponse:
        district = selectors.district_get(code=area) if area.isdigit() else None
        if district is None:
            raise NotFound("空间单元或区县不存在")
        note = "规划未设区县目标，此处为该区县的汇总数据（无进度评估）"
        area_body = {"kind": "district", "code": district.code, "name": district.name}
        if not working:
            stored = (
                stats_selectors.published_payload(
                    version=version, kind="district", year=year, key=district.code
                )
                if version is not None
                else None
            )
            if stored is None:
                return _nothing(plan_code, year, info, area=area_body, measures=[])
            frozen = json.loads(stored)
            return Response(
                {"version": info, "plan": plan_code, "year": year, "indicators": [], **frozen, "note": note}
            )
        measures = selectors.district_measures(district=district, year=year, suppress=_suppress(request))
        body = {
            "version": info,
            "plan": plan_code,
            "year": year,
            "area": area_body,
            "indicators": [],
            "measures": _MeasureSerializer(measures, many=True).data,
            "note": note,
        }
        return Response(body)


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
        description="公众读取最新发布版本中固化的分组汇总（不加筛选条件）；统计人员读取工作数据，可加筛选条件。",
        operation_id="breakdowns_retrieve",
        parameters=[InputSerializer, VERSION_PARAMETER],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response | HttpResponse:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        filters = {k: args[k] for k in ("above_scale", "digital", "core") if args.get(k) is not None}
        if args.get("district"):
            filters["district"] = args["district"]
        code = args.get("plan") or settings.WENCHUANG_DEFAULT_PLAN
        plan = plan_selectors.plan_get(code=code)
        if plan is None and (args["by"] == "spatial_unit" or not _is_staff(request)):
            raise NotFound("规划不存在")
        working, version = _version_for(request, code)
        if not working:
            return self._published(args, filters, version, _version_info(working, version, code))
        if args["by"] != "spatial_unit":
            plan = None
        result = selectors.measure_breakdown(
            year=args["year"],
            measure=args["measure"],
            by=args["by"],
            plan=plan,
            filters=filters,
            suppress=_suppress(request),
        )
        return Response({"version": _version_info(True, None, code), **self.OutputSerializer(result).data})

    def _published(
        self, args: dict[str, Any], filters: dict[str, Any], version: Publication | None, info: dict[str, Any]
    ) -> HttpResponse:
        if version is None:
            raise NotFound(NOTHING_PUBLISHED)
        if filters:
            raise NotFound("已发布的分组汇总不含筛选条件；筛选组合的数据尚未发布")
        key = breakdowns.breakdown_key(measure=args["measure"], by=args["by"], filters={})
        stored = stats_selectors.published_payload(
            version=version, kind="breakdown", year=args["year"], key=key
        )
        if stored is None:
            raise NotFound(
                f"{version.label}未包含{args['year']}年的分组汇总（发布后台任务未完成或该年度不在发布范围内）"
            )
        return _with_version(stored, info)


class PublicationListApi(APIView):
    """The published versions of a plan's figures, newest first: number, state, when, why, and what
    changed against the version before (indicator, scope, year, old → new)."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Publication"

        number = serializers.IntegerField()
        state = serializers.CharField()
        state_label = serializers.CharField(source="get_state_display")
        published_at = serializers.DateTimeField()
        reason = serializers.CharField()
        years = serializers.ListField(child=serializers.IntegerField())
        value_count = serializers.IntegerField()
        breakdown_years = serializers.ListField(
            child=serializers.IntegerField(), help_text="已固化分组汇总的年度"
        )
        withdrawn_reason = serializers.CharField()
        changes = serializers.ListField(child=serializers.DictField(), help_text="相对上一版的变动")

    @extend_schema(
        tags=[PUBLIC_TAG],
        summary="数据发布版本",
        operation_id="publications_list",
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request, plan_code: str) -> Response:
        plan = plan_selectors.plan_get(code=plan_code)
        if plan is None:
            raise NotFound("规划不存在")
        versions = stats_selectors.publication_list(plan_code=plan.code)
        return Response(self.OutputSerializer(versions, many=True).data)
