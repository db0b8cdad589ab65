from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def superuser_client(admin_client: Client) -> Client:
    return admin_client
