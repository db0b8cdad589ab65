"""The OpenAPI schema and Swagger UI, public and offline: the UI's assets come from
drf-spectacular-sidecar through our static files, and its start-up script is a separate same-origin
file (the split view), so the page needs no CDN and passes our Content-Security-Policy."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaApi(SpectacularAPIView):
    permission_classes = [AllowAny]


class DocsApi(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "文创E点通 API 文档"
