"""惠企政策 in the API: policies with their 申兑指南 and clauses, the calculator and the clause search
(public, like the pages); an enterprise's own explanations; applications scoped by role (out of scope
and missing: the same 403); the effect analysis for staff. Every answer comes from policy.selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wenchuang.api.exceptions import BadRequest
from wenchuang.api.permissions import _HasRole
from wenchuang.policy import selectors, services
from wenchuang.policy.forms import FactsForm
from wenchuang.rules.facts import all_facts

TAG = "惠企政策"


class IsEnterprise(_HasRole):
    roles = ("enterprise",)


class ReadsApplications(_HasRole):
    roles = ("city_admin", "district_admin", "data_manager", "enterprise")


class ReadsEffect(_HasRole):
    roles = ("city_admin", "district_admin", "data_manager")


class _PolicySummary(serializers.Serializer):
    class Meta:
        ref_name = "PolicySummary"

    code = serializers.CharField()
    title = serializers.CharField()
    issuer = serializers.CharField()
    doc_number = serializers.CharField(help_text="文号")
    mode = serializers.CharField(help_text="exempt 免申即享 / fast 快申快享 / normal 普通申报")
    mode_label = serializers.CharField(source="get_mode_display")
    benefit_type = serializers.CharField()
    benefit_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, help_text="万元"
    )
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    effective_from = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    is_demo = serializers.BooleanField(help_text="示例数据")


class _Clause(serializers.Serializer):
    class Meta:
        ref_name = "PolicyClause"

    number = serializers.CharField()
    text = serializers.CharField()


class _PolicyDetail(_PolicySummary):
    class Meta:
        ref_name = "PolicyDetail"

    summary = serializers.CharField()
    beneficiaries = serializers.CharField(help_text="扶持对象")
    conditions_text = serializers.CharField(help_text="申报条件")
    benefit_formula = serializers.CharField()
    benefit_cap = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    pay_within_days = serializers.IntegerField(help_text="兑现时限（工作日）")
    where_to_apply = serializers.CharField()
    contact_phone = serializers.CharField()
    required_attachments = serializers.ListField(child=serializers.CharField())
    clauses = _Clause(many=True, source="clauses.all")


class _Condition(serializers.Serializer):
    class Meta:
        ref_name = "RuleCondition"

    fact = serializers.CharField()
    label = serializers.CharField()
    op = serializers.CharField()
    value = serializers.CharField()
    threshold = serializers.CharField()
    status = serializers.CharField(help_text="true / false / unknown（缺数据）")
    mark = serializers.CharField(help_text="✓ / ✗ / 缺数据")
    text = serializers.CharField()


class _Match(serializers.Serializer):
    class Meta:
        ref_name = "PolicyMatch"

    policy = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    conditions = _Condition(many=True)
    hints = serializers.ListField(child=serializers.CharField(), help_text="如何符合")


def _matches(matches: list[selectors.PolicyMatch]) -> list[dict[str, Any]]:
    return [{"policy": m.policy.code, "title": m.policy.title, **m.explanation.as_dict()} for m in matches]


class PolicyListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary="有效政策列表（公开）",
        operation_id="policies_list",
        responses=_PolicySummary(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(_PolicySummary(selectors.policy_list(on=selectors.today()), many=True).data)


class PolicyDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary="政策详情、申兑指南与条款（公开）",
        operation_id="policies_retrieve",
        responses=_PolicyDetail,
    )
    def get(self, request: Request, code: str) -> Response:
        policy = selectors.policy_get(code=code)
        if not policy.is_published:
            from django.http import Http404

            raise Http404
        return Response(_PolicyDetail(policy).data)


class PolicyCalculatorApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary="政策计算器（公开）：按填写的事实说明每项政策是否适用及原因",
        operation_id="policy_calculator",
        parameters=[
            OpenApiParameter(
                f.key, OpenApiTypes.STR, description=f"{f.label}{'（' + f.unit + '）' if f.unit else ''}"
            )
            for f in all_facts()
        ],
        responses=_Match(many=True),
    )
    def get(self, request: Request) -> Response:
        form = FactsForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        return Response(_matches(selectors.explain_policies(facts=form.facts(), on=selectors.today())))


class PolicySearchApi(APIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ClauseHit"

        policy = serializers.CharField(source="clause.policy.code")
        title = serializers.CharField(source="clause.policy.title")
        number = serializers.CharField(source="clause.number")
        text = serializers.CharField(source="clause.text")
        score = serializers.FloatField(help_text="BM25相关度")
        qualifies = serializers.SerializerMethodField(
            help_text="企业用户：本企业是否符合（true/false/unknown）"
        )

        def get_qualifies(self, hit: Any) -> str | None:
            return hit.status.value if hit.status is not None else None

    @extend_schema(
        tags=[TAG],
        summary="政策条款检索（jieba分词 + BM25，公开）",
        operation_id="policy_search",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="如：动漫企业有哪些补贴"),
            OpenApiParameter("issuer", OpenApiTypes.STR),
            OpenApiParameter("region", OpenApiTypes.STR, description="区划代码或 city"),
            OpenApiParameter("industry", OpenApiTypes.STR, description="文化产业大类代码"),
            OpenApiParameter("benefit_type", OpenApiTypes.STR),
        ],
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        from wenchuang.core.scope import user_scope

        q = request.query_params.get("q", "").strip()[:200]
        if not q:
            raise BadRequest("请提供检索词 q")
        scope = user_scope(request.user)
        hits = selectors.clause_search(
            query=q,
            issuer=request.query_params.get("issuer", "")[:100],
            region=request.query_params.get("region", "")[:10],
            industry=request.query_params.get("industry", "")[:2],
            benefit_type=request.query_params.get("benefit_type", "")[:10],
            enterprise_id=scope.enterprise_id if scope.is_enterprise else None,
        )
        return Response(self.OutputSerializer(hits, many=True).data)


class MyPoliciesApi(APIView):
    permission_classes = [IsEnterprise]

    @extend_schema(
        tags=[TAG],
        summary="本企业（一企一档）：每项政策是否符合、各条件的取值与门槛、如何符合",
        operation_id="my_policies",
        responses=_Match(many=True),
    )
    def get(self, request: Request) -> Response:
        from wenchuang.core.scope import user_scope

        scope = user_scope(request.user)
        if not scope.enterprise_id:
            return Response([])
        on = selectors.today()
        facts = selectors.enterprise_facts(enterprise_id=scope.enterprise_id, on=on)
        return Response(_matches(selectors.explain_policies(facts=facts, on=on)))


class _Application(serializers.Serializer):
    class Meta:
        ref_name = "PolicyApplication"

    id = serializers.IntegerField()
    policy = serializers.CharField(source="policy.code")
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True, help_text="快申快享兑现期限（工作日计）")
    overdue = serializers.SerializerMethodField()
    amount_approved = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    last_reason = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)

    def get_overdue(self, app: Any) -> bool:
        clock = services.clock(app)
        return bool(clock and clock["overdue"])


class ApplicationListApi(APIView):
    permission_classes = [ReadsApplications]

    @extend_schema(
        tags=[TAG],
        summary="政策申兑列表（企业：本企业；区县：本区县；市级：全部）",
        operation_id="policy_applications_list",
        responses=_Application(many=True),
    )
    def get(self, request: Request) -> Response:
        apps = selectors.application_list_for_user(user=request.user)[:500]
        return Response(_Application(apps, many=True).data)


class ApplicationDetailApi(APIView):
    permission_classes = [ReadsApplications]

    @extend_schema(
        tags=[TAG],
        summary="政策申兑详情（范围外与不存在同样403）",
        operation_id="policy_applications_retrieve",
        responses=_Application,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_Application(selectors.application_get_for_user(user=request.user, pk=pk)).data)


class EffectApi(APIView):
    permission_classes = [ReadsEffect]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PolicyEffectRow"

        policy = serializers.CharField(source="policy.code")
        group = serializers.CharField(help_text="区县或文化产业大类；按政策时为空")
        qualifying = serializers.IntegerField()
        applying = serializers.IntegerField()
        approved = serializers.IntegerField()
        paid = serializers.IntegerField()
        amount = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="万元")
        median_days = serializers.FloatField(allow_null=True, help_text="受理至兑现天数中位数；无则为空")
        overdue = serializers.IntegerField()

    @extend_schema(
        tags=[TAG],
        summary="政策效益分析（按政策、区县或文化产业大类）",
        operation_id="policy_effect",
        parameters=[OpenApiParameter("by", OpenApiTypes.STR, enum=["policy", "district", "major"])],
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        by = request.query_params.get("by", "policy")
        if by not in ("policy", "district", "major"):
            raise BadRequest("by 只能是 policy、district 或 major")
        return Response(
            self.OutputSerializer(selectors.effect_table(user=request.user, by=by), many=True).data
        )
