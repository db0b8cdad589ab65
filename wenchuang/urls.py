from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("wenchuang.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("import/", include("wenchuang.ingest.urls")),
    path("stats/", include("wenchuang.stats.urls")),
    path("projects/", include("wenchuang.projects.urls")),
    path("assessment/", include("wenchuang.assessment.urls")),
    path("approval/", include("wenchuang.approval.urls")),
    path("reports/", include("wenchuang.reports.urls")),
    path("finance/", include("wenchuang.finance.urls")),
    path("policy/", include("wenchuang.policy.urls")),
    path("api/v1/", include("wenchuang.api.urls")),
    path("api/tokens/", include("wenchuang.api.token_urls")),
    path("", include("wenchuang.web.urls")),
]

# API paths answer 404 in JSON like every other API error; other paths get the 404 page.
handler404 = "wenchuang.api.exceptions.not_found"
handler500 = "wenchuang.api.exceptions.server_error"
