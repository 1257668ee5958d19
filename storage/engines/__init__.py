"""Which database `SUPPORTBOT_DB` names, and the few things the two engines do differently.

A file path is SQLite, the embedded default; a `postgresql://` (or `postgres://`) URL is
PostgreSQL. Everything above this package writes one dialect, which both engines run as it
stands: `?` placeholders, `ON CONFLICT`, `RETURNING`, partial indexes, the column `"user"`
quoted, timestamps as ISO-8601 UTC text (so they compare, sort and copy alike on both). The
engine module of each backend carries the rest: how to connect, how a writer takes the write
lock, DDL types, and which errors mean "busy" or "unavailable"."""

import sqlite3
from pathlib import Path

from storage.engines.base import Engine

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


def engine_for(target: str | Path) -> Engine:
    """Raises EngineUnavailable when the target needs a driver that is not installed."""
    if is_postgres(target):
        from storage.engines.postgres import PostgresEngine
        return PostgresEngine(str(target))
    from storage.engines.sqlite import SqliteEngine
    return SqliteEngine(Path(target))


def database_errors() -> tuple[type[Exception], ...]:
    """Every error a database driver in use may raise (psycopg's only when it is installed)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)
