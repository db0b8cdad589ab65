"""A service's refusal that no view handled becomes a Chinese page with its status (web) or a problem
response with its status and code (API) — one translation each, for every DomainError."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from wenchuang.api.exceptions import exception_handler
from wenchuang.core.errors import ConflictError, DomainError, NotFoundError
from wenchuang.web.middleware import DomainErrorMiddleware


class _Refused(ConflictError):
    default_message = "该批次已撤销，不能再次撤销"


@pytest.mark.parametrize(
    ("exc", "status"),
    [(DomainError("年度须在规划期内"), 400), (NotFoundError(), 404), (_Refused(), 409)],
)
def test_it_renders_a_refusal_as_a_chinese_page_with_its_status(db, exc, status):
    request = RequestFactory().get("/reports/")
    request.user = AnonymousUser()
    response = DomainErrorMiddleware(lambda r: None).process_exception(request, exc)
    assert response is not None and response.status_code == status
    assert exc.message in response.content.decode()


def test_it_leaves_other_exceptions_and_the_api_alone(db):
    middleware = DomainErrorMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None
    assert middleware.process_exception(RequestFactory().get("/api/v1/plans/"), DomainError("x")) is None


def test_it_answers_a_refusal_in_the_api_with_status_code_and_message():
    response = exception_handler(_Refused(), {})
    assert response is not None and response.status_code == 409
    assert response.data == {"detail": "该批次已撤销，不能再次撤销", "code": "conflict"}
