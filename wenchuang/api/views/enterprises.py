"""Enterprises, scoped by role through registry.selectors: the city office and the 统计员 see the
city, a district office its districts, an enterprise itself. Out of scope and missing answer the same
403. Registry records of legal entities only: no talent or other personal data is served here."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.api.filters import EnterpriseFilter
from wenchuang.api.permissions import ReadsEnterprises
from wenchuang.registry.models import Enterprise
from wenchuang.registry.selectors import enterprise_get_for_user, enterprise_list_for_user

TAG = "企业（按角色范围）"


class _CodeName(serializers.Serializer):
    class Meta:
        ref_name = "CodeName"

    code = serializers.CharField()
    name = serializers.CharField()


class _EnterpriseSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Enterprise"

    uscc = serializers.CharField(help_text="统一社会信用代码")
    name = serializers.CharField()
    district = _CodeName()
    gbt_code = serializers.CharField(help_text="国民经济行业代码（GB/T 4754-2017）")
    culture_category = _CodeName(allow_null=True, help_text="文化产业小类（2018分类）")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    founded_on = serializers.DateField(allow_null=True)
    platform = serializers.CharField(source="platform.name", allow_null=True, default=None)
    is_demo = serializers.BooleanField(help_text="示例数据")


class EnterpriseListApi(GenericAPIView):
    permission_classes = [ReadsEnterprises]
    filterset_class = EnterpriseFilter

    class OutputSerializer(_EnterpriseSerializer):
        class Meta:
            ref_name = "EnterpriseSummary"

    serializer_class = OutputSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user to scope by
            return Enterprise.objects.none()
        return enterprise_list_for_user(user=self.request.user).select_related("culture_category", "platform")

    @extend_schema(
        tags=[TAG],
        summary="企业列表（按角色范围，可筛选）",
        operation_id="enterprises_list",
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        data = self.OutputSerializer(page, many=True).data
        # Micro data leaving through the API is audited as an export (one row per page served).
        audit_record(
            event=AuditEvent.Event.EXPORT,
            object_type="registry.Enterprise",
            detail={"channel": "api", "rows": len(data), "query": request.query_params.dict()},
        )
        return self.get_paginated_response(data)


class EnterpriseDetailApi(APIView):
    permission_classes = [ReadsEnterprises]

    class OutputSerializer(_EnterpriseSerializer):
        class Meta:
            ref_name = "EnterpriseDetail"

        business_scope = serializers.CharField(help_text="经营范围")
        years = serializers.SerializerMethodField(help_text="年度数据（万元、人）")

        def get_years(self, enterprise: Any) -> list[dict[str, Any]]:
            return [
                {
                    "year": y.year,
                    "revenue": y.revenue,
                    "total_output": y.total_output,
                    "employees": y.employees,
                    "exports": y.exports,
                    "is_above_scale": y.is_above_scale,
                    "is_listed": y.is_listed,
                }
                for y in enterprise.years.all()
            ]

    @extend_schema(
        tags=[TAG],
        summary="企业详情（范围外与不存在同样返回403）",
        operation_id="enterprises_retrieve",
        responses=OutputSerializer,
    )
    def get(self, request: Request, uscc: str) -> Response:
        enterprise = enterprise_get_for_user(user=request.user, uscc_or_pk=uscc)
        audit_record(event=AuditEvent.Event.EXPORT, obj=enterprise, detail={"channel": "api"})
        return Response(self.OutputSerializer(enterprise).data)
