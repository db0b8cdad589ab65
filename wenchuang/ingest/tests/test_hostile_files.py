"""Hostile and malformed uploads: every one ends in a failed (or rejected) batch with a Chinese
message, writes nothing, and stays within a bounded amount of memory — checked before the work."""

from __future__ import annotations

import re
import tracemalloc

import pytest

from wenchuang.ingest.hostile import corpus
from wenchuang.ingest.models import ImportBatch
from wenchuang.ingest.services import batch_create, batch_run
from wenchuang.registry.models import Enterprise

pytestmark = pytest.mark.django_db
CORPUS = corpus()
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_hostile_file_fails_with_a_chinese_message_and_writes_nothing(name, reference):
    data = CORPUS[name]
    batch = batch_create(kind="registration", data=data, file_name=name, store=True)
    tracemalloc.start()
    try:
        batch = batch_run(batch=batch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    batch.refresh_from_db()
    assert batch.status in (ImportBatch.Status.FAILED, ImportBatch.Status.REJECTED), batch.message
    assert CJK.search(batch.message), batch.message
    assert "Traceback" not in batch.message
    assert not Enterprise.objects.exists()
    # Bounded: a few times the upload itself (the zip bomb would need ~600 MB if expanded).
    assert peak < 8 * len(data) + 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_the_limits_are_settings(reference, settings):
    from wenchuang.ingest.hostile import HEADER, ROW

    settings.WENCHUANG_IMPORT_MAX_ROWS = 2
    data = (HEADER + ROW * 5).encode()
    batch = batch_run(batch=batch_create(kind="registration", data=data, file_name="a.csv"), data=data)
    assert batch.status == ImportBatch.Status.FAILED and "2个数据行的上限" in batch.message
    settings.WENCHUANG_IMPORT_MAX_CELL_CHARS = 5
    data = (HEADER + ROW).encode()
    batch = batch_run(batch=batch_create(kind="registration", data=data, file_name="b.csv"), data=data)
    assert batch.status == ImportBatch.Status.FAILED and "超过上限5个字符" in batch.message


def test_many_copies_of_one_key_are_linear_and_the_error_workbook_is_capped(reference, settings):
    import openpyxl

    from wenchuang.ingest.hostile import HEADER, ROW

    settings.WENCHUANG_IMPORT_MAX_ERROR_ROWS = 100
    data = (HEADER + ROW * 6000).encode()
    batch = batch_run(batch=batch_create(kind="registration", data=data, file_name="dups.csv"), data=data)
    assert batch.status == ImportBatch.Status.REJECTED and batch.rejected == 6000
    assert batch.processed == batch.total == 6000  # a finished batch shows its processed count
    wb = openpyxl.load_workbook(batch.error_path, read_only=True)
    rows = list(wb["错误行"].iter_rows(values_only=True))
    assert len(rows) == 1 + 100
    assert all(len(str(v)) <= 32767 for row in rows for v in row if v is not None)
    assert max(len(str(row[3])) for row in rows[1:]) < 200  # each message names a few rows, not 5,999
    assert "共6000行" in rows[1][3]
    assert any("只列出前100行" in str(r[0]) for r in wb["说明"].iter_rows(values_only=True))


def test_error_file_paths_are_relative_to_the_var_dir(reference, settings):
    from wenchuang.ingest.hostile import HEADER, ROW

    data = (HEADER + ROW * 2).encode()
    batch = batch_run(batch=batch_create(kind="registration", data=data, file_name="d.csv"), data=data)
    assert batch.error_file and not batch.error_file.startswith("/")
    assert batch.error_path.is_file() and str(batch.error_path).startswith(str(settings.VAR_DIR))
