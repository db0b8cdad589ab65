"""Session limit, password strength and history, one-line 403 logging (issue 17, item 7)."""

from __future__ import annotations

import logging
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from wenchuang.accounts.middleware import LAST_SEEN_KEY, STARTED_KEY
from wenchuang.accounts.models import AuditEvent
from wenchuang.accounts.tests.factories import PASSWORD, logged_in_client

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def test_the_absolute_session_limit_does_not_move_with_each_request(finance_user_client):
    page = reverse("accounts:password_change")
    assert finance_user_client.get(page).status_code == 200
    # Active all along (idle timer fresh), but the session began 8 h 1 min ago.
    session = finance_user_client.session
    session[STARTED_KEY] = time.time() - (8 * 60 + 1) * 60
    session[LAST_SEEN_KEY] = time.time() - 60
    session.save()
    response = finance_user_client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(event="session_timeout", detail__absolute=True).exists()


def test_a_session_within_the_limit_stays(finance_user_client):
    page = reverse("accounts:password_change")
    finance_user_client.get(page)
    session = finance_user_client.session
    session[STARTED_KEY] = time.time() - 7 * 3600
    session.save()
    assert finance_user_client.get(page).status_code == 200
    assert float(finance_user_client.session[STARTED_KEY]) < time.time() - 6 * 3600  # not reset


@pytest.mark.parametrize("password", ["password123!", "Password123!", "Qwerty123456!"])
def test_guessable_passwords_are_refused(finance_user, password):
    with pytest.raises(ValidationError):
        validate_password(password, finance_user)


def test_a_password_containing_the_user_name_is_refused(finance_user):
    with pytest.raises(ValidationError, match="用户名"):
        validate_password(f"X9#{finance_user.username}-Tq7!", finance_user)


def test_a_strong_password_passes(finance_user):
    validate_password("Lantern-Ferry-7Moss!", finance_user)


def test_the_current_and_previous_passwords_cannot_be_reused(finance_user):
    client = logged_in_client(finance_user)
    page = reverse("accounts:password_change")

    def change(old, new):
        return client.post(page, {"old_password": old, "new_password1": new, "new_password2": new})

    assert change(PASSWORD, PASSWORD).status_code == 200  # the current one: refused
    assert change(PASSWORD, "Lantern-Ferry-7Moss!").status_code == 302
    finance_user.refresh_from_db()
    client = logged_in_client(finance_user)
    response = change("Lantern-Ferry-7Moss!", PASSWORD)  # back to the previous one: refused
    assert response.status_code == 200 and "最近" in response.content.decode()
    assert change("Lantern-Ferry-7Moss!", "Copper-Willow-42Tide?").status_code == 302


def test_a_403_logs_one_line_not_a_traceback(finance_user_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert finance_user_client.get("/import/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
