from __future__ import annotations

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from wenchuang.accounts.models import Role, User
from wenchuang.accounts.services import user_role_groups_apply
from wenchuang.core.uscc import make_valid
from wenchuang.registry.models import District, Enterprise

PASSWORD = "Wenchuang-Test-2025!"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        django_get_or_create = ("uscc",)

    uscc = factory.Sequence(lambda n: make_valid(f"91330106MA2{n:06d}"))
    name = factory.Sequence(lambda n: f"杭州测试文化创意有限公司{n}")
    gbt_code = "7251"
    district = factory.LazyFunction(lambda: District.objects.get(code="330106"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.PUBLIC
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def districts(self, create: bool, extracted: list[District] | None, **kwargs: object) -> None:
        if create and extracted:
            self.districts.set(extracted)

    @factory.post_generation
    def finish(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            user_role_groups_apply(user=self)


def totp_device_for(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="TOTP", defaults={"confirmed": True})
    return device


def logged_in_client(user: User, *, verified: bool | None = None) -> Client:
    """A client logged in as `user`; 2FA-verified when the role requires it (or when asked)."""
    client = Client()
    client.force_login(user)
    if verified if verified is not None else user.requires_two_factor:
        device = totp_device_for(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
