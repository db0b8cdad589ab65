"""Batch file paths (upload, rejected-rows workbook) stored relative to VAR_DIR, so a restore into
another VAR_DIR still finds them; absolute paths under the current VAR_DIR are rewritten."""

from pathlib import Path

from django.conf import settings
from django.db import migrations


def relativise(apps, schema_editor):
    ImportBatch = apps.get_model("ingest", "ImportBatch")
    root = Path(settings.VAR_DIR).resolve()
    changed = []
    for batch in ImportBatch.objects.exclude(error_file="", stored_path="").only(
        "pk", "error_file", "stored_path"
    ):
        dirty = False
        for field in ("error_file", "stored_path"):
            value = getattr(batch, field)
            if value and Path(value).is_absolute():
                try:
                    setattr(batch, field, str(Path(value).resolve().relative_to(root)))
                    dirty = True
                except ValueError:
                    pass  # a file outside VAR_DIR keeps its absolute path, which ImportBatch still resolves
        if dirty:
            changed.append(batch)
    ImportBatch.objects.bulk_update(changed, ["error_file", "stored_path"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("ingest", "0002_batch_task_heartbeat_discarded")]
    operations = [migrations.RunPython(relativise, migrations.RunPython.noop)]
