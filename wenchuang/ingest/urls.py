from django.urls import path

from wenchuang.ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.home, name="home"),
    path("templates/<slug:kind>.xlsx", views.template_download, name="template"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/errors.xlsx", views.batch_errors, name="batch_errors"),
    path("batches/<int:pk>/undo/", views.batch_undo, name="batch_undo"),
    path("batches/<int:pk>/retry/", views.batch_retry, name="batch_retry"),
    path("batches/<int:pk>/discard/", views.batch_discard, name="batch_discard"),
    path("review/", views.review, name="review"),
    path("rules/", views.rules, name="rules"),
]
