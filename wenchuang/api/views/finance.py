"""金融服务 through the API, on the same selectors and services as the /finance/ pages: the published
points table (public), an enterprise's own score with the points, reason and advice per attribute, the
finance products (an enterprise gets whether it qualifies and why), financing demands (an institution
sees the ones shared with it, the contact masked; an enterprise posts them), an institution's answer,
the risk-compensation pool summary and the 投融资对接 events. Out of scope and missing: the same 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wenchuang.accounts.audit import audit_record
from wenchuang.accounts.models import AuditEvent
from wenchuang.api.permissions import _HasRole
from wenchuang.core.errors import ForbiddenError
from wenchuang.core.scope import user_scope
from wenchuang.finance import scorecard, selectors, services
from wenchuang.registry.selectors import ObjectNotAccessible, enterprise_get_for_user

TAG = "金融服务"


class ServiceRoles(_HasRole):
    roles = ("city_admin", "district_admin", "enterprise", "finance")


class EnterpriseRole(_HasRole):
    roles = ("enterprise",)


class FinanceRole(_HasRole):
    roles = ("finance",)


class PoolRoles(_HasRole):
    roles = ("city_admin", "finance")


class ScorecardApi(APIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Scorecard"

        code = serializers.CharField(help_text="评分表版本")
        name = serializers.CharField()
        method = serializers.CharField(help_text="方法说明")
        published_on = serializers.DateField()
        table = serializers.JSONField(help_text="各评分项的分档与分值、信用等级下限")

    @extend_schema(
        tags=[TAG],
        summary="当前信用评分表（公开）",
        operation_id="finance_scorecard",
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(selectors.scorecard_current()).data)


class _AttributeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ScoreAttribute"

    code = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(source="value_text", help_text="本企业数据（缺失为“暂无数据”）")
    band = serializers.CharField(help_text="所在分档")
    points = serializers.IntegerField()
    max_points = serializers.IntegerField()
    advice = serializers.CharField(help_text="如何提高（已满分为空）")


class MyScoreApi(APIView):
    permission_classes = [EnterpriseRole]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EnterpriseScore"

        year = serializers.IntegerField(allow_null=True)
        version = serializers.CharField()
        total = serializers.IntegerField(allow_null=True, help_text="已保存的评分（未计算时为null）")
        grade = serializers.CharField(allow_null=True)
        current_total = serializers.IntegerField(allow_null=True, help_text="按当前数据的试算")
        attributes = _AttributeSerializer(many=True)

    @extend_schema(
        tags=[TAG],
        summary="本企业的信用评分、各项得分与提升建议",
        operation_id="finance_my_score",
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        scope = user_scope(request.user)
        if not scope.enterprise_id:
            raise ObjectNotAccessible()
        enterprise = enterprise_get_for_user(user=request.user, uscc_or_pk=scope.enterprise_id)
        view = selectors.score_for_enterprise(user=request.user, enterprise=enterprise)
        live: scorecard.ScoreResult | None = view.live
        data = {
            "year": view.year,
            "version": view.version.code,
            "total": view.stored.total if view.stored else None,
            "grade": view.stored.grade if view.stored else None,
            "current_total": live.total if live else None,
            "attributes": list(live.attributes) if live else [],
        }
        return Response(self.OutputSerializer(data).data)


class _ProductSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FinanceProduct"

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    institution = serializers.CharField(source="institution.name")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    rate_min = serializers.DecimalField(max_digits=6, decimal_places=3)
    rate_max = serializers.DecimalField(max_digits=6, decimal_places=3)
    amount_min = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_max = serializers.DecimalField(max_digits=14, decimal_places=2)
    term_months_max = serializers.IntegerField()
    collateral = serializers.CharField()
    target_majors = serializers.ListField(child=serializers.CharField())
    eligibility = serializers.JSONField(help_text="准入规则（规则引擎JsonLogic）")


class ProductListApi(APIView):
    permission_classes = [ServiceRoles]

    class OutputSerializer(_ProductSerializer):
        class Meta:
            ref_name = "FinanceProductMatch"

        eligible = serializers.BooleanField(allow_null=True, help_text="本企业是否符合（企业用户）")
        reasons = serializers.ListField(child=serializers.CharField(), help_text="逐条条件与本企业数据")
        hints = serializers.ListField(child=serializers.CharField(), help_text="如何才能符合")

    @extend_schema(
        tags=[TAG],
        summary="金融产品（企业：是否符合及原因；机构：本机构产品）",
        operation_id="finance_products",
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = user_scope(request.user)
        rows: list[dict[str, Any]] = []
        if scope.role == "enterprise" and scope.enterprise_id:
            enterprise = enterprise_get_for_user(user=request.user, uscc_or_pk=scope.enterprise_id)
            for product, result in selectors.product_matches(enterprise=enterprise):
                rows.append(
                    {
                        **_ProductSerializer(product).data,
                        "eligible": result.eligible,
                        "hints": result.hints,
                        "reasons": result.reasons,
                    }
                )
        else:
            for product in selectors.product_list_for_user(user=request.user):
                rows.append(
                    {**_ProductSerializer(product).data, "eligible": None, "reasons": [], "hints": []}
                )
        return Response(rows)


class _DemandSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FinancingDemand"

    id = serializers.IntegerField(source="pk")
    enterprise = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField(source="enterprise.uscc")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="万元")
    purpose = serializers.CharField()
    term_months = serializers.IntegerField()
    collateral = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    created_at = serializers.DateTimeField()
    granted_by = serializers.CharField(source="granted_by.name", allow_null=True, default=None)
    granted_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    granted_rate = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    granted_at = serializers.DateTimeField(allow_null=True)


class DemandListCreateApi(APIView):
    permission_classes = [ServiceRoles]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FinancingDemandInput"

        amount = serializers.CharField(help_text="融资金额（万元）")
        purpose = serializers.CharField()
        term_months = serializers.CharField(help_text="期限（月）")
        collateral = serializers.CharField(required=False, allow_blank=True, default="")
        contact_name = serializers.CharField(required=False, allow_blank=True, default="")
        contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
        institutions = serializers.ListField(child=serializers.IntegerField(), help_text="可查看的金融机构ID")

    @extend_schema(
        tags=[TAG],
        summary="融资需求（按角色范围）",
        operation_id="finance_demands_list",
        responses=_DemandSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        demands = selectors.demand_list_for_user(user=request.user)[:200]
        return Response(_DemandSerializer(demands, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="发布融资需求（企业用户；仅所选机构可见）",
        operation_id="finance_demands_create",
        request=InputSerializer,
        responses={201: _DemandSerializer},
    )
    def post(self, request: Request) -> Response:
        if user_scope(request.user).role != "enterprise":  # before validation: 403 whatever the body
            raise ForbiddenError("只有企业用户可以发布融资需求")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        demand = services.demand_create(
            user=request.user,
            amount=v["amount"],
            purpose=v["purpose"],
            term_months=v["term_months"],
            collateral=v["collateral"],
            contact_name=v["contact_name"],
            contact_phone=v["contact_phone"],
            institution_ids=v["institutions"],
        )
        return Response(_DemandSerializer(demand).data, status=status.HTTP_201_CREATED)


class DemandDetailApi(APIView):
    permission_classes = [ServiceRoles]

    class OutputSerializer(_DemandSerializer):
        class Meta:
            ref_name = "FinancingDemandDetail"

        contact = serializers.DictField(child=serializers.CharField(), help_text="联系人（机构看到的已脱敏）")
        responses = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        tags=[TAG],
        summary="融资需求详情（范围外与不存在同样403）",
        operation_id="finance_demands_retrieve",
        responses=OutputSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        demand = selectors.demand_get_for_user(user=request.user, pk=pk)
        body = dict(_DemandSerializer(demand).data)
        body["contact"] = selectors.demand_contact(user=request.user, demand=demand)
        body["responses"] = [
            {
                "institution": r.institution.name,
                "kind": r.kind,
                "amount": str(r.amount) if r.amount is not None else None,
                "rate": str(r.rate) if r.rate is not None else None,
                "reason": r.reason,
                "responded_at": r.responded_at.isoformat(),
            }
            for r in selectors.demand_responses_for_user(user=request.user, demand=demand)
        ]
        audit_record(event=AuditEvent.Event.EXPORT, obj=demand, detail={"channel": "api"})
        return Response(body)


class DemandRespondApi(APIView):
    permission_classes = [FinanceRole]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DemandResponseInput"

        kind = serializers.ChoiceField(choices=["offer", "decline"], help_text="offer 报价 / decline 婉拒")
        amount = serializers.CharField(required=False, allow_blank=True, default="")
        rate = serializers.CharField(required=False, allow_blank=True, default="")
        term_months = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        tags=[TAG],
        summary="机构答复融资需求（报价或附理由婉拒）",
        operation_id="finance_demands_respond",
        request=InputSerializer,
        responses={201: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        selectors.demand_get_for_user(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        response = services.demand_respond(
            user=request.user,
            demand_id=pk,
            kind=v["kind"],
            amount=v["amount"],
            rate_value=v["rate"],
            term_months=v["term_months"],
            reason=v["reason"],
        )
        return Response({"id": response.pk, "kind": response.kind}, status=status.HTTP_201_CREATED)


class PoolApi(APIView):
    permission_classes = [PoolRoles]

    @extend_schema(
        tags=[TAG],
        summary="风险补偿资金池：科目余额、按年度、按机构（机构：本机构）",
        operation_id="finance_pool",
        responses={200: None},
    )
    def get(self, request: Request) -> Response:
        s = selectors.pool_summary(user=request.user)
        return Response(
            {
                "balances": {k: str(v) for k, v in s.balances.items()},
                "by_year": [{k: str(v) if k != "year" else v for k, v in row.items()} for row in s.by_year],
                "by_institution": [
                    {k: (str(v) if k not in ("loans", "institution__name") else v) for k, v in row.items()}
                    for row in s.by_institution
                ],
            }
        )


class EventListApi(APIView):
    permission_classes = [ServiceRoles]

    @extend_schema(
        tags=[TAG], summary="投融资对接活动与成果", operation_id="finance_events", responses={200: None}
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "title": e.title,
                    "held_on": e.held_on.isoformat(),
                    "place": e.place,
                    "organiser": e.organiser,
                    "participants": [
                        {
                            "enterprise": p.enterprise.name if p.enterprise else None,
                            "institution": p.institution.name if p.institution else None,
                            "outcome": p.outcome,
                            "amount": str(p.amount) if p.amount is not None else None,
                        }
                        for p in parts
                    ],
                }
                for e, parts in selectors.events_with_participants(user=request.user)
            ]
        )
