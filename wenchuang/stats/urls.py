from django.urls import path

from wenchuang.stats import views

app_name = "stats"
urlpatterns = [
    path("indicators/<slug:plan_code>/<int:year>/", views.indicator_values, name="indicator-values"),
]
