from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wenchuang.accounts.models import AuditEvent, Role
from wenchuang.accounts.personal_data import talent_personal_data_for_user
from wenchuang.accounts.services import enterprise_claim, invitation_issue
from wenchuang.registry.models import Talent
from wenchuang.registry.selectors import ObjectNotAccessible

pytestmark = pytest.mark.django_db
STRONG = "Xihu-Lake-2025!"


def test_an_enterprise_claims_its_profile_once_with_a_code(district_admin, enterprise):
    _, code = invitation_issue(issued_by=district_admin, uscc=enterprise.uscc)
    user = enterprise_claim(uscc=enterprise.uscc.lower(), code=code, username="ent1", password=STRONG)
    assert (user.role, user.enterprise) == (Role.ENTERPRISE, enterprise)
    assert AuditEvent.objects.filter(event="enterprise_claim", outcome="success", username="ent1").exists()
    with pytest.raises(ValidationError):
        enterprise_claim(uscc=enterprise.uscc, code=code, username="ent2", password=STRONG)
    assert AuditEvent.objects.filter(event="enterprise_claim", outcome="failure").exists()


def test_a_district_office_cannot_issue_codes_outside_its_districts(district_admin, reference):
    from wenchuang.accounts.tests.factories import EnterpriseFactory
    from wenchuang.registry.models import District

    other = EnterpriseFactory(district=District.objects.get(code="330108"))
    with pytest.raises(ObjectNotAccessible):
        invitation_issue(issued_by=district_admin, uscc=other.uscc)


def test_personal_data_is_masked_unless_an_allowed_role_asks_and_that_is_audited(
    city_admin, district_admin, enterprise
):
    talent = Talent.objects.create(
        name="张三",
        category="leading",
        id_number="330106199001011234",
        phone="13800001234",
        district=enterprise.district,
    )
    masked = talent_personal_data_for_user(user=district_admin, talent=talent, reveal=True)
    assert masked["id_number"] == "3301**********1234" and masked["phone"] == "138****1234"
    assert not AuditEvent.objects.filter(event="unmasked_view").exists()
    full = talent_personal_data_for_user(user=city_admin, talent=talent, reveal=True)
    assert full["id_number"] == "330106199001011234"
    assert AuditEvent.objects.filter(
        event="unmasked_view", username="city_admin", object_id=str(talent.pk)
    ).exists()
