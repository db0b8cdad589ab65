"""Logging filters. A refused request (403) is an expected event, already in the audit log: it is logged
as one line (method, path, user), never with the traceback of the PermissionDenied that caused it."""

from __future__ import annotations

import logging


class OneLineDenials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            who = getattr(user, "username", "") or "anonymous"
            method = getattr(request, "method", "")
            path = getattr(request, "path", "")
            record.msg = "Forbidden: %s %s (user %s)"
            record.args = (method, path, who)
            record.exc_info = None
            record.exc_text = None
        return True
