"""Logging filters. A refused request (401, 403, 404, 429) is an expected answer, already audited: it is
logged as one line (status, method, path, user), never with the traceback of the exception behind it
(Django logs PermissionDenied with exc_info)."""

from __future__ import annotations

import logging

DENIAL_STATUSES = (401, 403, 404, 429)


class ExpectedDenialFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status in DENIAL_STATUSES:
            request = getattr(record, "request", None)
            if request is not None:
                user = getattr(request, "user", None)
                who = getattr(user, "username", "") or "anonymous"
                record.msg = "Refused %s: %s %s (user %s)"
                record.args = (status, getattr(request, "method", ""), getattr(request, "path", ""), who)
            record.exc_info = None
            record.exc_text = None
        return True
