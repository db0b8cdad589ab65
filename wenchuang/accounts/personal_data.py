"""Personal data of talents (ID number, phone): masked for everyone, shown in full only to the roles
that may, on request, and every unmasked read is written to the audit log (PIPL; MLPS 3)."""

from __future__ import annotations

from typing import Any

from wenchuang.accounts.audit import audit_record
from wenchuang.core.masking import mask_id_number, mask_phone
from wenchuang.core.scope import CITY_WIDE_ROLES, role_of
from wenchuang.registry.models import Talent


def personal_data_unmask_allowed(*, user: Any) -> bool:
    return role_of(user) in CITY_WIDE_ROLES


def talent_personal_data_for_user(*, user: Any, talent: Talent, reveal: bool = False) -> dict[str, str]:
    """ID number and phone for display or export: masked (3301**********1234) unless the role may see
    them in full and asks to; every unmasked read is written to the audit log."""
    if reveal and personal_data_unmask_allowed(user=user):
        audit_record(event="unmasked_view", user=user, obj=talent, detail={"fields": ["id_number", "phone"]})
        return {"id_number": talent.id_number, "phone": talent.phone, "masked": "no"}
    return {"id_number": mask_id_number(talent.id_number), "phone": mask_phone(talent.phone), "masked": "yes"}
