"""帮助: the common tasks of the signed-in role (or of a visitor), with a link to where each is done."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from wenchuang.web.help import tasks_for
from wenchuang.web.navigation import role_of


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    tasks = [
        {"title": t.title, "steps": t.steps, "url": reverse(t.url_name) if t.url_name else ""}
        for t in tasks_for(role)
    ]
    label = request.user.get_role_display() if role != "anonymous" else "访客"  # type: ignore[union-attr]
    return render(request, "web/help.html", {"tasks": tasks, "role_label": label})
