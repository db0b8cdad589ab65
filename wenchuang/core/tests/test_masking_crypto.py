from __future__ import annotations

import pytest

from wenchuang.core import crypto
from wenchuang.core.masking import mask_id_number, mask_phone
from wenchuang.registry.models import Talent


def test_it_masks_id_numbers_and_phones() -> None:
    assert mask_id_number("330106199001011234") == "3301**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == ""
    assert mask_phone("123") == "***"


def test_encryption_round_trips_and_is_not_deterministic() -> None:
    a, b = crypto.encrypt("330106199001011234"), crypto.encrypt("330106199001011234")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "330106199001011234"
    assert crypto.keyed_hash(" 330106199001011234 ") == crypto.keyed_hash("330106199001011234")


@pytest.mark.django_db
def test_personal_data_is_stored_encrypted() -> None:
    from django.db import connection

    Talent.objects.create(
        name="示例人才", category="celebrity", id_number="330106199001011234", phone="13812345678"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_talent")
        raw_id, raw_phone = cursor.fetchone()
    assert "330106199001011234" not in raw_id and "13812345678" not in raw_phone
    assert Talent.objects.get().id_number == "330106199001011234"
