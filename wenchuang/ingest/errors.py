"""The import's refusals: a Chinese message, shown on the import page, returned by the API (400) and
printed by the command."""

from __future__ import annotations

from wenchuang.core.errors import DomainError


class ImportError_(DomainError, ValueError):
    pass


class UndoRefused(ImportError_):
    pass
