from django.urls import path

from wenchuang.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("submit/", views.project_submit, name="submit"),
    path("rates/", views.rate_overview, name="rates"),
    path("rates/<int:year>/<slug:kind>/", views.rate_detail, name="rate_detail"),
    path("import/", views.project_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/step/", views.project_step, name="step"),
    path("<int:pk>/investment/", views.project_investment, name="investment"),
]
