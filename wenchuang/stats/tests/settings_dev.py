"""Temporary: the project settings plus the stats app, until the lead adds it to INSTALLED_APPS."""

from wenchuang.settings import *  # noqa: F403
from wenchuang.settings import INSTALLED_APPS

if "wenchuang.stats" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "wenchuang.stats"]
