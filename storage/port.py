"""Moving a team's whole history from its SQLite file to an empty PostgreSQL database.

Every table is copied row for row with its ids, each identity sequence is set past the
highest id (the next escalation after ESC-812 is ESC-813), and the rows of every table are
counted on both sides at the end. Read while the bot is stopped: the copy is one snapshot.
The target is then vacuumed and analysed, so the bot's first queries on it have the planner's
statistics and index-only scans, rather than waiting for autovacuum to come round."""

from dataclasses import dataclass
from typing import Callable

from storage.db import open_db

SKIPPED = {"_sqlite_migrations", "schema_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}


class TargetNotEmpty(Exception):
    """The target holds data already: a copy never mixes two histories."""


class CountsDiffer(Exception):
    """A table's row count differs between source and target after the copy."""


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


def copy_database(source: str, inbox_source: str, target: str, said: Callable[[Copied], None]) -> list[Copied]:
    """`source` (and its inbox file) → `target`, both already migrated to the latest schema."""
    src, inbox, dst = open_db(source), open_db(inbox_source), open_db(target)
    try:
        full = [(table, n) for table in _tables(dst) if (n := row_count(dst, table))]
        if full:
            table, n = full[0]
            raise TargetNotEmpty(f"it holds data already ({table}: {n} rows)")
        plan = [(src, table) for table in _in_dependency_order(src)] + [(inbox, "inbox")]
        dst.engine.begin_write(dst)
        try:
            for reader, table in plan:
                _copy_table(reader, dst, table)
            dst.execute("COMMIT")
        except BaseException:
            dst.rollback()
            raise
        copied = []
        for reader, table in plan:
            here, there = row_count(reader, table), row_count(dst, table)
            if here != there:
                raise CountsDiffer(f"{table}: {here} rows in the source, {there} in the target")
            copied.append(Copied(table, there))
            said(copied[-1])
        dst.execute("VACUUM (ANALYZE)")
        return copied
    finally:
        for db in (src, inbox, dst):
            db.close()


def _tables(db) -> list[str]:
    return [t for t in db.engine.table_names(db) if t not in SKIPPED]


def row_count(db, table: str) -> int:
    return next(iter(db.query(f"SELECT count(*) AS n FROM {table}")))["n"]


def _in_dependency_order(src) -> list[str]:
    """A table after every table it references, so each row's foreign keys already hold."""
    tables = [t for t in src.table_names() if t not in SKIPPED]
    needs = {t: {fk.other_table for fk in src[t].foreign_keys} - {t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and needs[t] <= set(ordered)]
        ordered.extend(sorted(ready))
    return ordered


def _copy_table(src, dst, table: str) -> None:
    columns = src[table].columns
    integers = {c.name for c in columns if "INT" in c.type.upper()}
    names = [c.name for c in columns]
    quoted = ", ".join(f'"{name}"' for name in names)
    with dst.conn.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in src.conn.execute(f"SELECT {quoted} FROM {table}"):
            copy.write_row([int(v) if name in integers and isinstance(v, float) else v
                            for name, v in zip(names, row)])
    if "id" in names:
        dst.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} HAVING max(id) IS NOT NULL")
