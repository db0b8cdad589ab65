from django.urls import path

from wenchuang.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/download/", views.download, name="download"),
    path("versions/new/", views.version_new, name="version_new"),
    path("versions/<int:pk>/", views.version, name="version"),
    path("versions/<int:pk>/generate/", views.version_generate, name="version_generate"),
    path("versions/<int:pk>/<slug:name>/", views.version_transition, name="version_transition"),
]
