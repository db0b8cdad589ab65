"""/api/v1/ — one class per operation; every pattern has a rule in wenchuang/api/access_rules.py."""

from django.urls import path

from wenchuang.api.views import docs, enterprises, finance, imports, policies, public

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaApi.as_view(), name="schema"),
    path("docs/", docs.DocsApi.as_view(), name="docs"),
    path("plans/", public.PlanListApi.as_view(), name="plan-list"),
    path("plans/<slug:code>/", public.PlanDetailApi.as_view(), name="plan-detail"),
    path(
        "indicators/<slug:plan_code>/<int:year>/",
        public.IndicatorValuesApi.as_view(),
        name="indicator-values",
    ),
    path("breakdowns/", public.BreakdownApi.as_view(), name="breakdown"),
    path("publications/<slug:plan_code>/", public.PublicationListApi.as_view(), name="publication-list"),
    path("enterprises/", enterprises.EnterpriseListApi.as_view(), name="enterprise-list"),
    path("enterprises/<str:uscc>/", enterprises.EnterpriseDetailApi.as_view(), name="enterprise-detail"),
    path("imports/", imports.ImportListCreateApi.as_view(), name="import-list"),
    path("imports/<int:pk>/", imports.ImportDetailApi.as_view(), name="import-detail"),
    path("imports/<int:pk>/undo/", imports.ImportUndoApi.as_view(), name="import-undo"),
    path("imports/<int:pk>/errors/", imports.ImportErrorsApi.as_view(), name="import-errors"),
    path("finance/scorecard/", finance.ScorecardApi.as_view(), name="finance-scorecard"),
    path("finance/score/", finance.MyScoreApi.as_view(), name="finance-my-score"),
    path("finance/products/", finance.ProductListApi.as_view(), name="finance-products"),
    path("finance/demands/", finance.DemandListCreateApi.as_view(), name="finance-demands"),
    path("finance/demands/<int:pk>/", finance.DemandDetailApi.as_view(), name="finance-demand"),
    path(
        "finance/demands/<int:pk>/responses/",
        finance.DemandRespondApi.as_view(),
        name="finance-demand-respond",
    ),
    path("finance/pool/", finance.PoolApi.as_view(), name="finance-pool"),
    path("finance/events/", finance.EventListApi.as_view(), name="finance-events"),
    path("policies/", policies.PolicyListApi.as_view(), name="policy-list"),
    path("policies/<slug:code>/", policies.PolicyDetailApi.as_view(), name="policy-detail"),
    path("policy-calculator/", policies.PolicyCalculatorApi.as_view(), name="policy-calculator"),
    path("policy-search/", policies.PolicySearchApi.as_view(), name="policy-search"),
    path("my-policies/", policies.MyPoliciesApi.as_view(), name="my-policies"),
    path("policy-applications/", policies.ApplicationListApi.as_view(), name="policy-application-list"),
    path(
        "policy-applications/<int:pk>/",
        policies.ApplicationDetailApi.as_view(),
        name="policy-application-detail",
    ),
    path("policy-effect/", policies.EffectApi.as_view(), name="policy-effect"),
]
