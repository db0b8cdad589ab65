"""Sessions and API keys for the load scenario (loadtest/locustfile.py), written to a JSON file:
a 2FA-verified city-office session, two district-office sessions, a read-only API key (data manager)
and a read-write key for the import during the run. For a scratch database only.
    WENCHUANG_VAR_DIR=/tmp/load .venv/bin/python loadtest/prepare.py /tmp/load/actors.json
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchuang.settings")
import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from wenchuang.api import services  # noqa: E402
from wenchuang.registry.models import District, Enterprise  # noqa: E402

User = get_user_model()


def user(username: str, role: str, district: str | None = None):  # type: ignore[no-untyped-def]
    u = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username, password=None, role=role
    )
    if district:
        u.districts.add(District.objects.get(code=district))
    return u


def session(u, verified: bool = False) -> str:  # type: ignore[no-untyped-def]
    s = SessionStore()
    s[SESSION_KEY] = str(u.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = u.get_session_auth_hash()
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(user=u, name="TOTP", defaults={"confirmed": True})
        s[DEVICE_ID_SESSION_KEY] = device.persistent_id
    s.create()
    return s.session_key


city = user("load_city", "city_admin")
districts = [user("load_xihu", "district_admin", "330106"), user("load_binjiang", "district_admin", "330108")]
manager = user("load_manager", "data_manager")
_, read_key = services.api_token_create(user=manager, name="load", days=1)
_, write_key = services.api_token_create(user=manager, name="load import", days=1, read_only=False)
out = {
    "cookie": settings.SESSION_COOKIE_NAME,
    "city": session(city, verified=True),
    "districts": [session(d) for d in districts],
    "read_key": read_key,
    "write_key": write_key,
    "plan": settings.WENCHUANG_DEFAULT_PLAN,
    "usccs": list(Enterprise.objects.order_by("pk").values_list("uscc", flat=True)[:20]),
}
with open(sys.argv[1] if len(sys.argv) > 1 else "actors.json", "w") as fh:
    json.dump(out, fh)
print("ok")
