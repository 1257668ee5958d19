"""SQLite, the embedded default: one file (and the inbox's file beside it), WAL mode, one
connection per thread, `BEGIN IMMEDIATE` for writers. sqlite-utils is its tool."""

import fcntl
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import apply_inbox_migrations, apply_migrations, schema_version

START_TIMEOUT_MS = 5_000  # at start-up a lock held this long means another process is in the way


def inbox_path(path: str | Path) -> Path:
    """The inbox's own file beside the database: `supportbot.db` → `supportbot.inbox.db`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.inbox{path.suffix or '.db'}")


class SqliteEngine:
    name = "sqlite"
    row_locks = False
    autocommits = False
    pools = False
    clock_query = None

    def __init__(self, path: Path):
        self.path = path
        self.target = str(path)

    def connect(self, busy_timeout_ms: int, *, inbox: bool = False) -> Database:
        return _open(inbox_path(self.path) if inbox else self.path, busy_timeout_ms)

    @staticmethod
    def quiet_inbox_writer(db: Database) -> None:
        """The inbox writer's connection never checkpoints the WAL (bot/inbox_writer.py)."""
        db.execute("PRAGMA wal_autocheckpoint=0")

    def begin_write(self, db: Database, exclusive: bool = True) -> None:
        db.execute("BEGIN IMMEDIATE")

    @staticmethod
    def commit(db: Database) -> None:
        db.execute("COMMIT")

    @staticmethod
    def write_unread(db: Database, sql: str, params) -> None:
        db.execute(sql, params)

    @staticmethod
    def lock_writers(db: Database) -> None:
        """Never called: without row locks every write transaction begins holding the lock."""
        raise AssertionError("a SQLite write transaction always holds the write lock")

    def prepare(self) -> None:
        """Switch the database and its inbox to WAL, bring their schemas up to date and prove
        they can be written. Raises sqlite3.Error when a file cannot serve.

        Two processes starting at once on a new file would both find a migration pending and
        the second would fail on a table the first made: the first takes an flock on the file
        (apart from SQLite's own fcntl locks) and migrates, the other waits, then finds nothing
        pending."""
        with open(self.path, "ab") as held:  # an empty new file is a new database to SQLite
            fcntl.flock(held, fcntl.LOCK_EX)
            for inbox, migrate in ((False, apply_migrations), (True, apply_inbox_migrations)):
                db = self.connect(START_TIMEOUT_MS, inbox=inbox)
                try:
                    with db.ensure_autocommit_on():
                        db.execute("PRAGMA journal_mode=WAL")
                    migrate(db)
                    self.begin_write(db)
                    db.execute("COMMIT")
                finally:
                    db.close()

    @staticmethod
    def table_names(db: Database) -> list[str]:
        return db.table_names()

    def schema_version(self, db: Database) -> int:
        return schema_version(db)

    @staticmethod
    def is_busy(error: Exception) -> bool:
        """SQLite's answer once busy_timeout has passed with another connection holding the write lock."""
        return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)

    @staticmethod
    def is_full(error: Exception) -> bool:
        return isinstance(error, sqlite3.OperationalError) and ("full" in str(error) or "disk I/O" in str(error))

    @staticmethod
    def is_gone(error: Exception) -> bool:
        return False

    def describe(self) -> str:
        return str(self.path)

    @staticmethod
    def skip_locked(table: str) -> str:
        """A writer here holds the whole file: there is no row another holds."""
        return ""

    def hold_life(self, db: Database, boot_id: int) -> "FileLife":
        """This process's life is an flock on a file of its own beside the database: the kernel
        releases it the moment the process dies, however it dies."""
        folder = _lives(self.path)
        folder.mkdir(exist_ok=True)
        fd = os.open(folder / str(boot_id), os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return FileLife(fd, db)

    def live_boots(self, db: Database, boot_ids: list[int]) -> set[int]:
        return {boot_id for boot_id in boot_ids if _held(_lives(self.path) / str(boot_id))}


class FileLife:
    def __init__(self, fd: int, db: Database):
        self._fd = fd
        self._db = db

    def keep(self) -> bool:
        """Nothing can take a held flock away."""
        return False

    def close(self) -> None:
        os.close(self._fd)
        self._db.close()


def _lives(path: Path) -> Path:
    return path.with_name(f"{path.name}.lives")


def _held(file: Path) -> bool:
    """Whether a live process holds the file's flock; a file nobody holds is removed (its
    process is gone and never comes back)."""
    try:
        fd = os.open(file, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        file.unlink(missing_ok=True)
        return False
    finally:
        os.close(fd)


def _open(path: Path, busy_timeout_ms: int) -> Database:
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    return db
