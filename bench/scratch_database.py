"""`--db postgresql://…`: each bench run gets a new, empty database on that server (its user may
create databases), dropped when the run ends, so the PostgreSQL figures start from the same
empty state as the SQLite ones beside them."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator
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
        _drop(psycopg, server_url, name)


def _drop(psycopg, server_url: str, name: str) -> None:
    """An autovacuum worker the server started on the new rows may still be in the database, and
    only a superuser may end it: wait for it, and leave the database behind (saying so) rather
    than lose the run's figures."""
    for wait in (0, 1, 2, 4, 8):
        time.sleep(wait)
        try:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except psycopg.Error as error:
            refused = error
    print(f"scratch database {name} left behind: {refused}", file=sys.stderr)


def on_each_engine(db_url: str | None, measure: Callable[[str | None], int]) -> int:
    """`measure` on SQLite, then on PostgreSQL when `db_url` names a server; nonzero if any failed."""
    failed = 0
    for heading, server in [("SQLite", None)] + ([("PostgreSQL", db_url)] if db_url else []):
        print(f"=== the bot on {heading} ===")
        failed |= measure(server)
    return failed


def add_db_argument(parser: argparse.ArgumentParser, measured: str = "measure the bot") -> None:
    parser.add_argument("--db", metavar="URL", help=f"also {measured} on PostgreSQL: a server URL whose user"
                        " may create databases (a scratch database is made and dropped)")
