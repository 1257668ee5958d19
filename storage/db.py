"""Opening the SQLite file: WAL mode, one connection per thread, write transactions."""

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from storage.migrations import apply_migrations

BUSY_TIMEOUT_MS = 30_000
START_TIMEOUT_MS = 5_000  # at start-up a lock held this long means another process is in the way
QUICK_TIMEOUT_MS = 500  # for writes that must not hold up an acknowledgement


def open_db(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """A new connection. SQLite connections must not cross threads, so each unit of work opens its own."""
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def prepare_database(path: str | Path) -> None:
    """Switch the file to WAL, bring its schema up to date and prove it can be written; safe to
    run at every start. Raises sqlite3.Error when the file cannot serve (locked, read-only…)."""
    db = open_db(path, START_TIMEOUT_MS)
    try:
        with db.ensure_autocommit_on():
            db.execute("PRAGMA journal_mode=WAL")
        apply_migrations(db)
        with write_transaction(db):
            db.execute("PRAGMA user_version")
    finally:
        db.close()


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE takes the write lock up front, so two writers (threads or processes)
    queue on busy_timeout instead of failing on a lock upgrade half-way through."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


class Store:
    """Hands each thread its own connection to one database file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()

    def db(self) -> Database:
        return self._connection("db", BUSY_TIMEOUT_MS)

    def quick_db(self) -> Database:
        """A connection that gives up on a lock after half a second."""
        return self._connection("quick_db", QUICK_TIMEOUT_MS)

    def _connection(self, name: str, busy_timeout_ms: int) -> Database:
        db = getattr(self._local, name, None)
        if db is None:
            db = open_db(self.path, busy_timeout_ms)
            setattr(self._local, name, db)
        return db
