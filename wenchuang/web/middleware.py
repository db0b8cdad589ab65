from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from wenchuang.core.errors import DomainError


class LanguageMiddleware:
    """Chinese unless the user chose otherwise with the language switch (the cookie it sets).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official whose browser
    is set to English would see English by default; the platform's default is zh-hans for everyone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorMiddleware:
    """The web's one translation of a service's refusal (`core.errors.DomainError`) that no view
    handled itself: a Chinese page with the message and the error's status, never a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None  # the API has its own exception handler
        return render(
            request, "web/domain_error.html", {"message": exception.message}, status=exception.status
        )
