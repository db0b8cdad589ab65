from django.urls import path

from wenchuang.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("calculator/", views.calculator, name="calculator"),
    path("search/", views.search, name="search"),
    path("my/", views.my_enterprise, name="my"),
    path("my/corrections/", views.correction_new, name="correction_new"),
    path("policies/<slug:code>/", views.policy_detail, name="detail"),
    path("policies/<slug:code>/apply/", views.apply, name="apply"),
    path("policies/<slug:code>/rule/", views.rule_builder, name="rule_builder"),
    path("policies/<slug:code>/exempt/", views.exempt, name="exempt"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("reviews/", views.reviews, name="reviews"),
    path("corrections/<int:pk>/", views.correction_review, name="correction"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("effect/", views.effect, name="effect"),
]
