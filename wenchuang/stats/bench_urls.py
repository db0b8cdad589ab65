"""URLconf used only by `wenchuang bench stats`: the indicator endpoint beside a trivial one."""

from django.urls import include, path

from wenchuang.stats import views

urlpatterns = [
    path("stats/", include("wenchuang.stats.urls")),
    path("ping/", views.ping),
]
