"""The one base of the platform's domain errors.

A service or selector that refuses something raises a `DomainError` subclass with a Chinese message
for the person who asked. The interface layers translate it in one place each: the web pages turn it
into a message on the page (`wenchuang.web` / the app's view helper), the API into a problem response
with `status` and `code` (`wenchuang.api.exceptions`), the CLI into a non-zero exit with the message.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can act on. `status` is the HTTP status the API answers with."""

    status: int = 400
    code: str = "invalid"
    default_message: str = "请求有误"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class NotFoundError(DomainError):
    status = 404
    code = "not_found"
    default_message = "对象不存在"


class ConflictError(DomainError):
    """The request is valid but the object's state refuses it (e.g. a transition not allowed now)."""

    status = 409
    code = "conflict"
    default_message = "当前状态不允许此操作"


class ForbiddenError(DomainError):
    status = 403
    code = "permission_denied"
    default_message = "无权执行此操作"
