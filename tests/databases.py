"""Where a test keeps its data: a SQLite file in its own directory, or, when
SUPPORTBOT_TEST_DB names a PostgreSQL server, a new database of its own on that server."""

import os
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

TEST_SERVER = os.environ.get("SUPPORTBOT_TEST_DB") or None
_MARKER = ".database-url"
created: list[str] = []


def on_postgres() -> bool:
    return TEST_SERVER is not None


def database_for(workdir: Path) -> str:
    """The same database for every bot a test starts in `workdir` (a restart finds its data)."""
    if TEST_SERVER is None:
        return str(workdir / "supportbot.db")
    marker = workdir / _MARKER
    if marker.exists():
        return marker.read_text()
    url = new_server_database()
    marker.write_text(url)
    return url


def new_server_database() -> str:
    import psycopg
    name = f"t_{uuid4().hex[:20]}"
    with psycopg.connect(TEST_SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    created.append(name)
    return urlsplit(TEST_SERVER)._replace(path=f"/{name}").geturl()


def drop_created() -> None:
    """Each test's database goes at the end of the run, whoever is still connected to it."""
    if not created:
        return
    import psycopg
    with psycopg.connect(TEST_SERVER, autocommit=True) as admin:
        for name in created:
            try:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except psycopg.errors.InsufficientPrivilege:
                pass  # an autovacuum worker only a superuser may end: the throwaway server goes anyway
    created.clear()


def inbox_of(database: str) -> str:
    """Where requests kept before their ack live: a file beside SQLite's, the same PostgreSQL database."""
    from storage.db import inbox_path, is_postgres
    return database if is_postgres(database) else str(inbox_path(database))
