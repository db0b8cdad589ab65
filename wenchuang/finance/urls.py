from django.urls import path

from wenchuang.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("scorecard/", views.scorecard_page, name="scorecard"),
    path("score/", views.my_score, name="my_score"),
    path("scores/", views.scores, name="scores"),
    path("products/", views.products, name="products"),
    path("demands/", views.demands, name="demands"),
    path("demands/<int:pk>/", views.demand_detail, name="demand"),
    path("demands/<int:pk>/respond/", views.demand_respond, name="demand_respond"),
    path("demands/<int:pk>/grant/", views.demand_grant, name="demand_grant"),
    path("demands/<int:pk>/close/", views.demand_close, name="demand_close"),
    path("pool/", views.pool, name="pool"),
    path("pool/contribute/", views.pool_contribute, name="pool_contribute"),
    path("pool/loans/", views.loan_register, name="loan_register"),
    path("pool/loans/<int:pk>/repay/", views.loan_repay, name="loan_repay"),
    path("pool/loans/<int:pk>/default/", views.loan_default, name="loan_default"),
    path("pool/loans/<int:pk>/compensate/", views.loan_compensate, name="loan_compensate"),
    path("events/", views.events, name="events"),
]
