from __future__ import annotations

import pytest
from django.db import transaction

from wenchuang.web.tests import data


@pytest.fixture(scope="module")
def web_data(django_db_setup, django_db_blocker):
    """The data set, built once per module inside a transaction that is rolled back at the end; each
    test runs in its own savepoint within it (what Django's TestCase.setUpTestData does)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield data.build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
