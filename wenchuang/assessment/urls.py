from django.urls import path

from wenchuang.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.home, name="home"),
    path("milestones/<int:pk>/", views.milestone, name="milestone"),
    path("reports/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("scores/", views.scores, name="scores"),
    path("scores/<int:unit>/<int:year>/", views.sheet, name="sheet"),
    path("methods/", views.methods, name="methods"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("adjustments/", views.adjustment_add, name="adjustment_add"),
]
