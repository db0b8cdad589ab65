"""Set-based writes below the ORM for imports. Rows go to the database as plain tuples of model
field values: on PostgreSQL by COPY (into the table, or into a temporary table followed by one
`INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE (changed)`), on SQLite by one `executemany` of
`INSERT … ON CONFLICT DO UPDATE`. Django's per-value preparation (`get_db_prep_save` for every cell,
the bulk of `bulk_create`'s cost) is skipped: the importer has already produced clean Python values,
and the few types the driver cannot take as they are (JSON, timestamps on SQLite) are converted here
once per column."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, JSONField, Model

CHUNK = 5000
_tmp_names = itertools.count(1)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name
    return field


def _columns(model: type[Model], fields: Sequence[str]) -> list[str]:
    return [_field(model, f).column for f in fields]


def _adapters(model: type[Model], fields: Sequence[str]) -> list[Any]:
    """Per column: None (the driver takes the value as it is) or a function applied to non-null values."""
    out: list[Any] = []
    sqlite = not _postgres()
    for name in fields:
        field = _field(model, name)
        if isinstance(field, JSONField):
            out.append(lambda v: json.dumps(v, ensure_ascii=False))
        elif sqlite and field.get_internal_type() == "DateTimeField":
            # import rows share one timestamp: adapt each distinct value once
            out.append(functools.lru_cache(maxsize=64)(connection.ops.adapt_datetimefield_value))
        else:
            out.append(None)
    return out


def _adapted(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterable[tuple]:
    adapters = _adapters(model, fields)
    if not any(adapters):
        return rows  # type: ignore[return-value]
    todo = [(i, a) for i, a in enumerate(adapters) if a]

    def convert(row: Sequence[Any]) -> tuple:
        row = list(row)
        for i, adapt in todo:
            if row[i] is not None:
                row[i] = adapt(row[i])
        return tuple(row)

    return (convert(r) for r in rows)


def _copy_types(model: type[Model], fields: Sequence[str], *, with_pk: bool = False) -> list[str] | None:
    """PostgreSQL type names of the columns, for `Copy.set_types`: with them the driver formats each
    value with one known dumper instead of looking one up per value (about a third of COPY's client
    time). JSON columns arrive here already serialised, so they go as text. None when a type is not one
    the driver knows by name (the values are then adapted one by one, as without it)."""
    import psycopg

    fields = [model._meta.pk.name, *fields] if with_pk and model._meta.pk else list(fields)
    names = []
    for name in fields:
        field = _field(model, name)
        db_type = "text" if isinstance(field, JSONField) else field.db_type(connection)
        if not db_type:
            return None
        base = db_type.split("(")[0].strip()
        try:
            names.append(psycopg.adapters.types[base].name)
        except KeyError:
            return None
    return names


def _copy(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], types: Sequence[str] | None = None
) -> None:
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    # the driver's own COPY sits below Django's cursor wrapper: map its errors to django.db's
    # (IntegrityError …) as every other statement's are
    with connection.wrap_database_errors, connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def insert(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Plain insert of new rows (no conflicts expected): COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return 0
    columns = _columns(model, fields)
    table = model._meta.db_table
    data = _adapted(model, fields, rows)
    if _postgres():
        _copy(table, columns, data, _copy_types(model, fields))
        return len(rows)
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    data = list(data)
    with connection.cursor() as cur:
        for start in range(0, len(data), CHUNK):
            cur.executemany(sql, data[start : start + CHUNK])
    return len(rows)


def insert_returning_pk(
    model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *, key: Sequence[str]
) -> list[int]:
    """Insert rows the caller has just found absent (same transaction) and return their primary keys in
    row order. PostgreSQL: the keys come from the table's sequence in one query and the rows go in by
    COPY with them — no temporary table, no ON CONFLICT, no RETURNING; a row another transaction
    committed meanwhile violates the unique `key` (field names) and the import rolls back (the caller
    says so).
    SQLite: one executemany, the keys read back by `key`."""
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    if _postgres():
        qn = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [qn(meta.db_table), pk.column, len(rows)],
            )
            pks = [r[0] for r in cur.fetchall()]
        data = _adapted(model, fields, rows)
        _copy(
            meta.db_table,
            [pk.column, *_columns(model, fields)],
            ((p, *r) for p, r in zip(pks, data, strict=True)),
            _copy_types(model, fields, with_pk=True),
        )
        return pks
    insert(model, fields, rows)
    idx = [list(fields).index(k) for k in key]
    keys = [tuple(r[i] for i in idx) for r in rows]
    found = dict(_read_back(model, key, keys, [pk.name]))
    return [found[k][0] for k in keys]


def upsert(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str],
    compare: Sequence[str] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert `rows`, or where a row with the same `conflict` key exists set its `update` fields —
    only when one of the `compare` fields (default: `update`) differs, so an unchanged row is not
    rewritten. Returns the `returning` columns of every row inserted or updated on PostgreSQL; on
    SQLite (no RETURNING with executemany) of every row whose key was in `rows`."""
    if not rows:
        return []
    qn = connection.ops.quote_name
    meta = model._meta
    table = qn(meta.db_table)
    columns = _columns(model, fields)
    conflict_cols = _columns(model, conflict)
    update_cols = _columns(model, update)
    compare_cols = _columns(model, compare if compare is not None else update)
    ret_cols = _columns(model, returning)
    col_list = ", ".join(qn(c) for c in columns)
    target = ", ".join(qn(c) for c in conflict_cols)
    if update_cols:
        sets = ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update_cols)
        action = f"DO UPDATE SET {sets}"
        if compare_cols:
            if _postgres():
                mine = ", ".join(f"{table}.{qn(c)}" for c in compare_cols)
                theirs = ", ".join(f"EXCLUDED.{qn(c)}" for c in compare_cols)
                action += f" WHERE ROW({mine}) IS DISTINCT FROM ROW({theirs})"
            else:
                action += " WHERE " + " OR ".join(
                    f"{table}.{qn(c)} IS NOT EXCLUDED.{qn(c)}" for c in compare_cols
                )
    else:
        action = "DO NOTHING"
    data = _adapted(model, fields, rows)
    if _postgres():
        tmp = f"ingest_tmp_{next(_tmp_names)}"
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE {qn(tmp)} AS SELECT {col_list} FROM {table} WITH NO DATA")  # noqa: S608
        _copy(tmp, columns, data, _copy_types(model, fields))
        sql = (
            f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM {qn(tmp)} "  # noqa: S608
            f"ON CONFLICT ({target}) {action}"
        )
        if ret_cols:
            sql += " RETURNING " + ", ".join(f"{table}.{qn(c)}" for c in ret_cols)
        with connection.cursor() as cur:
            cur.execute(sql)
            out = cur.fetchall() if ret_cols else []
            cur.execute(f"DROP TABLE {qn(tmp)}")
        return [tuple(r) for r in out]
    sql = (
        f"INSERT INTO {table} ({col_list}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT ({target}) {action}"
    )
    data = list(data)
    with connection.cursor() as cur:
        for start in range(0, len(data), CHUNK):
            cur.executemany(sql, data[start : start + CHUNK])
    if not ret_cols:
        return []
    key_idx = [list(fields).index(f) for f in conflict]
    return [
        values
        for _key, values in _read_back(
            model, conflict, [tuple(r[i] for i in key_idx) for r in rows], returning
        )
    ]


def _read_back(
    model: type[Model], key: Sequence[str], keys: Sequence[tuple], returning: Sequence[str]
) -> list[tuple[tuple, tuple]]:
    """(key, returning values) of the rows whose `key` is among `keys` — SQLite's stand-in for
    RETURNING after an executemany. Read by the first key column (the composite keys here share few
    first-column values)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    key_cols = _columns(model, key)
    wanted = set(keys)
    first = sorted({k[0] for k in wanted})
    sel = ", ".join(qn(c) for c in [*key_cols, *_columns(model, returning)])
    out: list[tuple[tuple, tuple]] = []
    n = len(key_cols)
    # the keys as one JSON parameter: no statement per 900 keys, nothing for the driver to bind per key
    sql = f"SELECT {sel} FROM {table} WHERE {qn(key_cols[0])} IN (SELECT value FROM json_each(%s))"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, [json.dumps(first)])
        out.extend((tuple(r[:n]), tuple(r[n:])) for r in cur.fetchall() if tuple(r[:n]) in wanted)
    return out
