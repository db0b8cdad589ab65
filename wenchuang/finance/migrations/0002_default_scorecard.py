"""The shipped expert-weighted points table, version 2026.1 (finance.scorecard.DEFAULT_TABLE)."""

import datetime

from django.db import migrations


def publish(apps, schema_editor):
    from wenchuang.finance.scorecard import (
        DEFAULT_METHOD,
        DEFAULT_NAME,
        DEFAULT_TABLE,
        DEFAULT_VERSION,
        validate,
    )

    validate(DEFAULT_TABLE)
    Version = apps.get_model("finance", "ScorecardVersion")
    if not Version.objects.filter(code=DEFAULT_VERSION).exists():
        Version.objects.create(
            code=DEFAULT_VERSION,
            name=DEFAULT_NAME,
            method=DEFAULT_METHOD,
            table=DEFAULT_TABLE,
            published_on=datetime.date(2026, 12, 1),
            is_current=not Version.objects.filter(is_current=True).exists(),
        )


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
