"""The one raw bulk writer: set-based writes below the ORM for every app that writes many rows at
once (imports, the demo and benchmark generators, the rollup's rates and staging, the classifier).

Rows go to the database as plain tuples: on PostgreSQL by COPY (into the table, or into a temporary
table followed by one `INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE (changed)`), on SQLite by
`executemany` (5,000 rows a call) of `INSERT` or `INSERT … ON CONFLICT DO UPDATE`.

Two levels: `insert_rows` (a table and column names; the values are what the driver takes) for the
generators, and `insert` / `insert_returning_pk` / `upsert` / `update_rows` (a model and field names)
for the importer. Django's per-value preparation (`get_db_prep_save` for every cell, the bulk of
`bulk_create`'s cost) is skipped at both: callers produce clean Python values, and the few types the
driver cannot take as they are (JSON, timestamps on SQLite) are converted once per column."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, JSONField, Model

CHUNK = 5000
_tmp_names = itertools.count(1)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _chunks(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while chunk := list(itertools.islice(it, CHUNK)):
        yield chunk


def _executemany(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """One statement for every row, CHUNK rows a call."""
    with connection.cursor() as cur:
        # lists, not an iterator: Django's query log (DEBUG, captured queries) counts the rows
        for chunk in _chunks(rows):
            cur.executemany(sql, chunk)


def field(model: type[Model], name: str) -> Field:
    found = model._meta.get_field(name)
    assert isinstance(found, Field), name
    return found


def _columns(model: type[Model], fields: Sequence[str]) -> list[str]:
    return [field(model, f).column for f in fields]


def _adapters(model: type[Model], fields: Sequence[str]) -> list[Any]:
    """Per column: None (the driver takes the value as it is) or a function applied to non-null values."""
    out: list[Any] = []
    sqlite = not _postgres()
    for name in fields:
        f = field(model, name)
        if isinstance(f, JSONField):
            out.append(lambda v: json.dumps(v, ensure_ascii=False))
        elif sqlite and f.get_internal_type() == "DateTimeField":
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
        f = field(model, name)
        db_type = "text" if isinstance(f, JSONField) else f.db_type(connection)
        if not db_type:
            return None
        base = db_type.split("(")[0].strip()
        try:
            names.append(psycopg.adapters.types[base].name)
        except KeyError:
            return None
    return names


def copy_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], types: Sequence[str] | None = None
) -> None:
    """PostgreSQL: `COPY table (columns) FROM STDIN`, row by row through the driver."""
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    # the driver's own COPY sits below Django's cursor wrapper: map its errors to django.db's
    # (IntegrityError …) as every other statement's are
    with connection.wrap_database_errors, connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def executemany_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """`INSERT INTO table (columns) VALUES (…)` by executemany, CHUNK rows a call (any database)."""
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    _executemany(sql, rows)


def insert_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], types: Sequence[str] | None = None
) -> None:
    """Plain insert of new rows into a table by column names: COPY on PostgreSQL (with the driver's
    type names `types` when given), executemany elsewhere. The values go to the driver as they are."""
    if _postgres():
        copy_rows(table, columns, rows, types)
    else:
        executemany_rows(table, columns, rows)


def insert(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Plain insert of new rows of a model (no conflicts expected), by field names."""
    if not rows:
        return 0
    types = _copy_types(model, fields) if _postgres() else None
    insert_rows(model._meta.db_table, _columns(model, fields), _adapted(model, fields, rows), types)
    return len(rows)


def update_rows(model: type[Model], fields: Sequence[str], rows: Sequence[tuple[Any, Sequence[Any]]]) -> None:
    """UPDATE … WHERE pk = %s for each (pk, values) — one executemany per CHUNK, no per-row save().
    The values are prepared by their fields (`get_db_prep_save`): these are few rows (an undo's)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    assert meta.pk is not None
    targets = [field(model, f) for f in fields]
    cols = ", ".join(f"{qn(f.column)} = %s" for f in targets)
    sql = f"UPDATE {qn(meta.db_table)} SET {cols} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    prepared = (
        [*(f.get_db_prep_save(v, connection) for f, v in zip(targets, vals, strict=True)), pk]
        for pk, vals in rows
    )
    _executemany(sql, prepared)


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
        copy_rows(
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
        copy_rows(tmp, columns, data, _copy_types(model, fields))
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
    _executemany(sql, data)
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
