"""Accounts and API keys of several roles for the schema fuzz (scripts/fuzz.sh): prints one
`ROLE KEY` line each. Idempotent; for a scratch database only (the fuzz server's)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchuang.settings")
import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from wenchuang.api import services  # noqa: E402
from wenchuang.registry.models import District, Enterprise  # noqa: E402

User = get_user_model()
xihu = District.objects.get(code="330106")
firm = Enterprise.objects.filter(district=xihu).order_by("pk").first()
accounts = {
    "data_manager": {"role": "data_manager"},
    "city_admin": {"role": "city_admin"},
    "district_admin": {"role": "district_admin"},
    "enterprise": {"role": "enterprise", "enterprise": firm},
}
for name, fields in accounts.items():
    user = User.objects.filter(username=f"fuzz_{name}").first()
    if user is None:
        user = User.objects.create_user(username=f"fuzz_{name}", password=None, **fields)
        if name == "district_admin":
            user.districts.add(xihu)
    # The city office needs a verified second factor: this stands for the 2FA-verified web session.
    _, key = services.api_token_create(
        user=user, name="schema fuzz", days=1, read_only=name != "data_manager", second_factor_verified=True
    )
    print(name, key)
