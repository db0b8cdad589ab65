"""Logging filters. A refused request (403, 404, 401, 429) is an expected answer, already audited:
one line in the log, not a traceback (Django logs PermissionDenied with exc_info)."""

from __future__ import annotations

import logging


class ExpectedDenialFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (401, 403, 404, 429):
            record.exc_info = None
            record.exc_text = None
        return True
