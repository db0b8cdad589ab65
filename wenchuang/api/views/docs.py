"""The OpenAPI schema and Swagger UI, public and offline: the UI's assets come from
drf-spectacular-sidecar through our static files, and its start-up script is a separate same-origin
file (the split view), so the page needs no CDN and passes our Content-Security-Policy."""

from __future__ import annotations

import threading
from typing import Any

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

# drf-spectacular loads its extension classes lazily on first use, not thread-safely: two threads of a
# fresh gunicorn worker generating the schema at once got a 500 (found by the schema fuzz). One
# generation at a time per process.
_SCHEMA_LOCK = threading.Lock()


class SchemaApi(SpectacularAPIView):
    permission_classes = [AllowAny]

    def _get_schema_response(self, request: Any) -> Any:
        with _SCHEMA_LOCK:
            return super()._get_schema_response(request)


class DocsApi(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "文创E点通 API 文档"
