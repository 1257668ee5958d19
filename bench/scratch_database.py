"""`--db postgresql://…`: each bench run gets a new, empty database on that server (its user may
create databases), dropped when the run ends, so the PostgreSQL figures start from the same
empty state as the SQLite ones beside them."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator
from urllib.parse import urlsplit
from uuid import uuid4


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    import psycopg
    name = f"bench_{uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def engines(db_url: str | None) -> list[tuple[str, str | None]]:
    """(heading, server URL or None for SQLite) for each engine a run measures."""
    return [("SQLite", None)] + ([("PostgreSQL", db_url)] if db_url else [])
