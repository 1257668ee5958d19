"""Opening the SQLite file: WAL mode, one connection per thread, write transactions."""

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from storage.migrations import apply_inbox_migrations, apply_migrations

BUSY_TIMEOUT_MS = 30_000
START_TIMEOUT_MS = 5_000  # at start-up a lock held this long means another process is in the way
QUICK_TIMEOUT_MS = 500  # for writes that must not hold up an acknowledgement


def inbox_path(path: str | Path) -> Path:
    """The inbox's own file beside the database: `supportbot.db` → `supportbot.inbox.db`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.inbox{path.suffix or '.db'}")


def open_db(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """A new connection. SQLite connections must not cross threads, so each unit of work opens its own."""
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    db = Database(conn)
    db.writers = _writers_of(Path(path))
    db.busy_timeout_s = busy_timeout_ms / 1000
    db.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def prepare_database(path: str | Path) -> None:
    """Switch the database and its inbox to WAL, bring their schemas up to date and prove they
    can be written; safe at every start. Raises sqlite3.Error when a file cannot serve."""
    _prepare(Path(path), apply_migrations)
    _prepare(inbox_path(path), apply_inbox_migrations)


def _prepare(path: Path, migrate) -> None:
    db = open_db(path, START_TIMEOUT_MS)
    try:
        with db.ensure_autocommit_on():
            db.execute("PRAGMA journal_mode=WAL")
        migrate(db)
        with write_transaction(db):
            db.execute("PRAGMA user_version")
    finally:
        db.close()


_WRITER_LOCKS: dict[Path, threading.RLock] = {}
_LOCKS_LOCK = threading.Lock()


def _writers_of(path: Path) -> threading.RLock:
    with _LOCKS_LOCK:
        return _WRITER_LOCKS.setdefault(path.resolve(), threading.RLock())


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE takes the write lock up front, so two writers (threads or processes)
    queue on busy_timeout instead of failing on a lock upgrade half-way through.

    Threads of one process queue on a Python lock first. SQLite's busy handler polls with
    sleeps growing to 100 ms, so a request thread that found the file locked by a sibling
    could wait that long; a Python lock hands over the moment the sibling commits. That wait
    counts against the same busy timeout: a writer that gets neither in time is refused, as
    SQLite refuses one."""
    if not db.writers.acquire(timeout=db.busy_timeout_s):
        raise sqlite3.OperationalError("database is locked (this process's other writers held it)")
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        db.execute("COMMIT")
    finally:
        db.writers.release()


def database_busy(error: Exception) -> bool:
    """SQLite's answer once busy_timeout has passed with another connection holding the write lock."""
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def database_full(error: Exception) -> bool:
    """The disk under the database is full (or failing): nothing more can be written until it is mended."""
    return isinstance(error, sqlite3.OperationalError) and ("full" in str(error) or "disk I/O" in str(error))


def database_unavailable(error: Exception) -> bool:
    """Busy or full: a write that failed for the database's sake, not the request's."""
    return database_busy(error) or database_full(error)


class Store:
    """Hands each thread its own connection to one database file."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()

    def db(self) -> Database:
        return self._connection("db", self.path, self.busy_timeout_ms)

    def inbox_db(self) -> Database:
        """The inbox's file; a lock held over half a second there is given up on, since the
        writes to it must not hold up an acknowledgement."""
        return self._connection("inbox_db", inbox_path(self.path), QUICK_TIMEOUT_MS)

    def _connection(self, name: str, path: Path, busy_timeout_ms: int) -> Database:
        db = getattr(self._local, name, None)
        if db is None:
            db = open_db(path, busy_timeout_ms)
            setattr(self._local, name, db)
        return db
