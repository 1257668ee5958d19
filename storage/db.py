"""Opening the database `SUPPORTBOT_DB` names, one connection per thread, write transactions;
the engine (storage/engines/) carries what SQLite and PostgreSQL do differently."""

import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from storage.engines import database_errors, engine_for, is_postgres
from storage.engines.base import Engine
from storage.engines.sqlite import inbox_path

BUSY_TIMEOUT_MS = 30_000
QUICK_TIMEOUT_MS = 500  # for writes that must not hold up an acknowledgement
POOL_SIZE = 16  # PostgreSQL connections a process's threads share (bot/runner.py sizes it to its workers)
INBOX_POOL_SIZE = 4  # the inbox's: its writer keeps many requests in one statement

def open_db(target, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, inbox: bool = False):
    """A new connection. Connections must not cross threads, so each unit of work opens its own."""
    return _connect(engine_for(target), busy_timeout_ms, inbox)


def _connect(engine: Engine, busy_timeout_ms: int, inbox: bool):
    return _fit(engine.connect(busy_timeout_ms, inbox=inbox), engine, busy_timeout_ms, inbox)


def _fit(db, engine: Engine, busy_timeout_ms: int, inbox: bool):
    db.engine = engine
    db.writers = writers_of(engine.target, inbox)
    db.busy_timeout_s = busy_timeout_ms / 1000
    return db


def prepare_database(target) -> Engine:
    """Bring the schema up to date and prove the database can be written; safe at every start.
    Raises the driver's error when the database cannot serve."""
    engine = engine_for(target)
    engine.prepare()
    return engine


@dataclass
class Writers:
    """This process's writers of one database: the lock they queue on before the database's own,
    and how they used the database's write lock since the process started: how many took it,
    how long they waited for it and how long they held it (on PostgreSQL, waiting for the
    advisory lock other processes hold counts as held)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    transactions: int = 0
    waited_s: float = 0.0
    held_s: float = 0.0
    _figures: threading.Lock = field(default_factory=threading.Lock)

    def count(self, waited_s: float, held_s: float) -> None:
        with self._figures:
            self.transactions += 1
            self.waited_s += waited_s
            self.held_s += held_s


_WRITERS: dict[tuple[str, bool], Writers] = {}
_WRITERS_LOCK = threading.Lock()


def writers_of(target: str, inbox: bool = False) -> Writers:
    with _WRITERS_LOCK:
        return _WRITERS.setdefault((target, inbox), Writers())


@contextmanager
def write_transaction(db, exclusive: bool = True) -> Iterator:
    """The engine takes the one write lock up front (SQLite's BEGIN IMMEDIATE, an advisory lock
    on PostgreSQL), so two writers (threads or processes) queue instead of failing half-way.

    Threads of one process queue on a Python lock first. SQLite's busy handler polls with
    sleeps growing to 100 ms, so a request thread that found the file locked by a sibling
    could wait that long; a Python lock hands over the moment the sibling commits. That wait
    counts against the same busy timeout: a writer that gets neither in time is refused, as
    the database refuses one.

    Not `exclusive`: a write whose every statement guards itself on the rows it changes (an
    outbox row's claim, lease or end, checked in its own WHERE; rows that are new). An engine
    with row locks runs it beside the one writer instead of behind it, until it reaches a rule
    that reads before it writes and calls `hold_write_lock`; SQLite has only the one lock."""
    shared = not exclusive and db.engine.row_locks
    db.write_lock_use = None
    if not shared:
        _queue_behind_writers(db)
    try:
        db.engine.begin_write(db, exclusive=not shared)
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        db.engine.commit(db)
    finally:
        if db.write_lock_use is not None:
            asked, taken = db.write_lock_use
            db.writers.count(taken - asked, time.perf_counter() - taken)
            db.write_lock_use = None
            if not shared:
                db.writers.lock.release()


def hold_write_lock(db) -> bool:
    """Inside a write transaction: from here on it holds the one write lock, as if it had begun
    with it, so what it reads next no other writer changes before it commits. True when it was
    taken just now (a transaction begun not `exclusive`, on an engine with row locks): what the
    transaction read before may have moved since. Taken late, it is not queued for behind this
    process's writers: the transaction already holds a connection of the pool they may wait for."""
    if db.write_lock_use is not None:
        return False
    asked = time.perf_counter()
    db.engine.lock_writers(db)
    db.write_lock_use = (asked, time.perf_counter())
    return True


def _queue_behind_writers(db) -> None:
    asked = time.perf_counter()
    if not db.writers.lock.acquire(timeout=db.busy_timeout_s):
        raise WritersBusy("database is locked (this process's other writers held it)")
    db.write_lock_use = (asked, time.perf_counter())


def write_statement(db, sql: str, params=()) -> list:
    """One statement that is a whole change and guards itself on the rows it changes (an insert
    that conflicts with nothing, an UPDATE checking a row's generation in its WHERE), returning
    its rows. Where each statement commits on its own (PostgreSQL's autocommit) it is sent alone,
    beside the one writer: one round trip instead of three (BEGIN, it, COMMIT), which the inbox's
    write before every acknowledgement and every outbox claim feel. Elsewhere, inside a write
    transaction."""
    if db.engine.autocommits:
        return _rows(db.execute(sql, params))
    with write_transaction(db, exclusive=False):
        return _rows(db.execute(sql, params))


def write_unread(db, sql: str, params: Sequence = ()) -> None:
    """A write inside a transaction whose outcome nobody reads (no rows, no count). On PostgreSQL
    it goes to the server with the transaction's next statement or its COMMIT: a round trip
    fewer. An error it meets is raised by that statement instead, and rolls the transaction back
    the same way. SQLite writes it at once."""
    db.engine.write_unread(db, sql, params)


def _rows(cursor) -> list:
    return cursor.fetchall() if cursor.description is not None else []


class WritersBusy(Exception):
    """This process's own writers held the write lock for the whole busy timeout."""


DATABASE_ERRORS = (*database_errors(), WritersBusy)


def _engines():
    from storage.engines import sqlite
    yield sqlite.SqliteEngine
    try:
        from storage.engines import postgres
    except ImportError:
        return
    if postgres.psycopg is not None:
        yield postgres.PostgresEngine


def database_busy(error: Exception) -> bool:
    """Another writer held the write lock for the whole busy timeout."""
    return isinstance(error, WritersBusy) or any(engine.is_busy(error) for engine in _engines())


def database_full(error: Exception) -> bool:
    """The disk under the database is full (or failing): nothing more can be written until it is mended."""
    return any(engine.is_full(error) for engine in _engines())


def database_gone(error: Exception) -> bool:
    """The database server went away (restarted, unreachable); a new connection may find it back."""
    return any(engine.is_gone(error) for engine in _engines())


def database_unavailable(error: Exception) -> bool:
    """A write that failed for the database's sake, not the request's."""
    return database_busy(error) or database_full(error) or database_gone(error)


class Store:
    """Hands each thread its database: on SQLite a connection of the thread's own (a new one once
    the old broke), on PostgreSQL the process's pools of shared connections, opened at first use
    and sized to the threads that use them at once."""

    def __init__(self, target, busy_timeout_ms: int = BUSY_TIMEOUT_MS, pool_size: int = POOL_SIZE):
        self.target = str(target)
        self.busy_timeout_ms = busy_timeout_ms
        self.pool_size = pool_size
        self.engine = engine_for(self.target)
        self._local = threading.local()
        self._pools = _Pools()

    def db(self):
        return self._connection("db", self.busy_timeout_ms, inbox=False)

    def inbox_db(self):
        """The inbox's connection; a lock held over half a second there is given up on, since the
        writes to it must not hold up an acknowledgement."""
        return self._connection("inbox_db", QUICK_TIMEOUT_MS, inbox=True)

    def inbox_writer_db(self):
        """The connection a request is kept with before its ack: it does no housekeeping on the
        ack's path (bot/inbox_writer.py)."""
        db = self._connection("inbox_writer_db", QUICK_TIMEOUT_MS, inbox=True)
        if not getattr(db, "quiet", False):
            self.engine.quiet_inbox_writer(db)
            db.quiet = True
        return db

    def close(self) -> None:
        """The pools' connections closed (a thread's own SQLite connection closes with the thread)."""
        with self._pools.lock:
            pools = list(self._pools.open.values())
            self._pools.open.clear()
        for pool in pools:
            pool.close()

    def _connection(self, name: str, busy_timeout_ms: int, inbox: bool):
        db = getattr(self._local, name, None)
        if db is not None and getattr(getattr(db, "conn", None), "broken", False):
            db.close()
            db = None
        if db is None:
            if self.engine.pools:
                db = self.engine.pooled(self._pool(inbox, busy_timeout_ms), busy_timeout_ms, inbox=inbox)
                _fit(db, self.engine, busy_timeout_ms, inbox)
                db.pools = self._pools  # open while a database handed out is used (`Store(…).db()`)
            else:
                db = _connect(self.engine, busy_timeout_ms, inbox)
            setattr(self._local, name, db)
        return db

    def _pool(self, inbox: bool, busy_timeout_ms: int):
        with self._pools.lock:
            if inbox not in self._pools.open:
                size = INBOX_POOL_SIZE if inbox else self.pool_size
                self._pools.open[inbox] = self.engine.open_pool(size, inbox=inbox, busy_timeout_ms=busy_timeout_ms)
            return self._pools.open[inbox]


class _Pools:
    """A Store's PostgreSQL pools (main and inbox), closed once neither the Store nor a database it
    handed out is in use: each holds this, and nothing here points back at them."""

    def __init__(self) -> None:
        self.open: dict[bool, object] = {}
        self.lock = threading.Lock()
        weakref.finalize(self, _close_pools_aside, self.open).atexit = False


def _close_pools_aside(pools: dict) -> None:
    """A Store no longer used closes its pools from a thread of their own: the collector may run
    in one of a pool's workers, which cannot wait for itself to stop."""
    if pools:
        threading.Thread(target=lambda: [pool.close() for pool in list(pools.values())], daemon=True).start()
