"""PostgreSQL, for teams that run several instances on a shared, managed database.

Connections run in autocommit; a writer opens its own transaction and takes one
transaction-scoped advisory lock, so writers queue one at a time exactly as SQLite's
`BEGIN IMMEDIATE` makes them: every read-then-write rule above keeps the guarantees it has
on SQLite, on every instance, with no row-lock reasoning of its own. A write that only adds
rows of its own (a raise) runs beside it, on row locks, until it reaches such a rule
(`storage.db.hold_write_lock`). `lock_timeout` bounds
that wait by `SUPPORTBOT_BUSY_TIMEOUT`, as `busy_timeout` does on SQLite. The inbox's
connections keep requests without that lock (an insert that conflicts with nothing), so a
request is kept before its ack while a long write holds the lock."""

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from storage.engines.base import EngineUnavailable
from storage.migrations import MIGRATION_SETS, applied_names, record_applied, steps_of

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg.adapt import Loader
    from psycopg.rows import dict_row, tuple_row
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError:  # the [postgres] extra is not installed: EngineUnavailable says so
    psycopg = None

WRITE_LOCK = 0x5B07  # the advisory lock every writer takes (SQLite's one write lock)
MIGRATION_LOCK = 0x5B08  # held by the one instance that migrates while the others wait
LIFE_LOCK = 0x5B09  # with a boot's id: held by that process's own connection while it lives
# The server probes an idle connection after 2 s and drops it after 3 unanswered probes 1 s
# apart, so a machine that vanished releases its life lock within about 5 s.
KEEPALIVES = "SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3"
CONNECT_TIMEOUT_S = 5
IDLE_WRITER_MS = 5_000  # no transaction of the bot waits this long between its statements
START_TIMEOUT_MS = 15_000

SQLITE_FUNCTIONS = """
CREATE OR REPLACE FUNCTION julianday(t text) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT extract(epoch FROM t::timestamptz) / 86400.0 + 2440587.5 $$;
"""


class PostgresEngine:
    name = "postgresql"
    row_locks = True
    autocommits = True
    pools = True
    clock_query = "SELECT clock_timestamp()"

    def __init__(self, url: str):
        if psycopg is None:
            raise EngineUnavailable("PostgreSQL needs psycopg and psycopg_pool, which are not installed",
                                    "pip install 'supportbot[postgres]'")
        self.target = url
        self.url = _checked(url)

    def connect(self, busy_timeout_ms: int, *, inbox: bool = False) -> "PgDatabase":
        """A connection of its own, for what holds one for long: a process's life, migrating, a copy."""
        conn = psycopg.connect(self.url, **_CONNECTION)
        _configure(conn, busy_timeout_ms)
        return PgDatabase(conn, write_lock=None if inbox else WRITE_LOCK, busy_timeout_ms=busy_timeout_ms)

    def open_pool(self, size: int, *, inbox: bool, busy_timeout_ms: int) -> "ConnectionPool":
        """Connections the threads of a process share (`PooledDatabase`), up to `size`; ones the
        server dropped are replaced by the pool on its own. The inbox's own pool never lets a
        statement wait longer than its busy timeout: keeping a request must not hold up its
        acknowledgement when the server stopped answering, the person is told it was not stored.
        Elsewhere a statement sent alone, outside a write transaction (an outbox claim), waits
        for a row lock no longer than the busy timeout, as a transaction's statements do."""
        def configure(conn) -> None:
            _configure(conn, busy_timeout_ms, statement_timeout=inbox)

        return ConnectionPool(self.url, kwargs=_CONNECTION, min_size=1, max_size=size, configure=configure,
                              name="inbox" if inbox else "main", num_workers=1, open=True)

    def pooled(self, pool: "ConnectionPool", busy_timeout_ms: int, *, inbox: bool) -> "PooledDatabase":
        return PooledDatabase(pool, write_lock=None if inbox else WRITE_LOCK, busy_timeout_ms=busy_timeout_ms)

    @staticmethod
    def quiet_inbox_writer(db: "PooledDatabase") -> None:
        """Done by the inbox's pool for each of its connections (`open_pool`)."""

    def begin_write(self, db: "PgDatabase", exclusive: bool = True) -> None:
        """The connection's own settings bound the transaction's waits (`_configure`)."""
        steps = "BEGIN"
        if exclusive and db.write_lock is not None:
            steps += f"; SELECT pg_advisory_xact_lock({db.write_lock})"
        db.begin(steps)

    @staticmethod
    def commit(db: "PgDatabase | PooledDatabase") -> None:
        db.commit()

    @staticmethod
    def write_unread(db: "PgDatabase | PooledDatabase", sql: str, params) -> None:
        db.write_unread(sql, params)

    @staticmethod
    def lock_writers(db: "PgDatabase | PooledDatabase") -> None:
        """The connection's `lock_timeout` bounds the wait (`_configure`)."""
        db.execute(f"SELECT pg_advisory_xact_lock({db.write_lock})")

    def prepare(self, upto: int | None = None) -> None:
        """Two instances starting at once: the first takes the migration lock and migrates,
        the second waits for it and then finds nothing pending. `upto` stops after that many
        of the main migrations (to test upgrades from an older schema)."""
        db = self.connect(START_TIMEOUT_MS)
        try:
            db.conn.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
            try:
                db.conn.execute(SQLITE_FUNCTIONS)
                for migrations in MIGRATION_SETS:
                    done = applied_names(db, migrations.name)
                    steps = steps_of(migrations)
                    for name, migrate in steps[:upto] if migrations is MIGRATION_SETS[0] else steps:
                        if name in done:
                            continue
                        self.begin_write(db)
                        try:
                            migrate(db)
                            record_applied(db, migrations.name, name)
                        except BaseException:
                            db.conn.execute("ROLLBACK")
                            raise
                        db.conn.execute("COMMIT")
            finally:
                db.conn.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            self.begin_write(db)
            db.conn.execute("COMMIT")
        finally:
            db.close()

    @staticmethod
    def table_names(db: "PgDatabase") -> list[str]:
        sql = ("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
               " AND table_type = 'BASE TABLE' ORDER BY table_name")
        return [row["table_name"] for row in db.query(sql)]

    def schema_version(self, db: "PgDatabase") -> int:
        return len(applied_names(db, MIGRATION_SETS[0].name))

    @staticmethod
    def is_busy(error: Exception) -> bool:
        """A lock, or a connection of the pool, not had within the busy timeout."""
        return isinstance(error, (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected,
                                  pg_errors.SerializationFailure, PoolTimeout))

    @staticmethod
    def is_full(error: Exception) -> bool:
        return isinstance(error, psycopg.Error) and (error.sqlstate or "").startswith("53")

    @staticmethod
    def is_gone(error: Exception) -> bool:
        if not isinstance(error, psycopg.OperationalError) or PostgresEngine.is_busy(error):
            return False
        state = error.sqlstate
        return state is None or state.startswith(("08", "57P"))

    @staticmethod
    def skip_locked(table: str) -> str:
        return f" FOR UPDATE OF {table} SKIP LOCKED"

    def hold_life(self, db: "PgDatabase", boot_id: int) -> "ConnectionLife":
        """This process's life is a session advisory lock on `db`, a connection kept for it:
        the server releases it when that connection ends, because the process died or (through
        TCP keepalives) its machine did. No clock is compared."""
        _take_life(db, boot_id)
        return ConnectionLife(self, db, boot_id)

    @staticmethod
    def live_boots(db: "PgDatabase", boot_ids: list[int]) -> set[int]:
        rows = db.query("SELECT objid::bigint AS boot_id FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND classid::bigint = ? AND objsubid = 2"
                        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                        [LIFE_LOCK])
        return {row["boot_id"] for row in rows} & set(boot_ids)

    def describe(self) -> str:
        return without_password(self.target)


def password_of(url: str) -> str | None:
    """The password a URL carries, after the user name or as libpq's `password=` parameter."""
    parts = urlsplit(url)
    return parts.password or dict(parse_qsl(parts.query)).get("password") or None


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is not None:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1))
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "password" for key, _ in query):
        parts = parts._replace(query=urlencode([(key, "***" if key == "password" else value) for key, value in query],
                                               safe="/*"))
    return parts.geturl()


URL_FORMS = ("write it as postgresql://user:password@host:5432/dbname, or for a server on this machine's"
             " Unix socket postgresql:///dbname?host=/var/run/postgresql")


def _checked(url: str) -> str:
    """`postgres://` is the same URL under its older name; libpq takes both. With no host, or a
    directory as `?host=`, libpq connects through the server's Unix socket, as a server on the
    bot's own machine is usually reached."""
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError on a port that is not a number
    except ValueError as error:
        raise EngineUnavailable(f"the URL does not parse ({error})", URL_FORMS) from None
    if not parts.path.strip("/"):
        raise EngineUnavailable("the URL names no database", URL_FORMS)
    return url


class ConnectionLife:
    def __init__(self, engine: PostgresEngine, db: "PgDatabase", boot_id: int):
        self._engine = engine
        self._db = db
        self._boot_id = boot_id

    def keep(self) -> bool:
        """True when the connection had been lost (a server restart) and the life is held again
        on a new one; raises the driver's error while the server cannot be reached."""
        try:
            self._db.conn.execute("SELECT 1")
            return False
        except psycopg.OperationalError:
            self._db.close()
        self._db = self._engine.connect(START_TIMEOUT_MS)
        _take_life(self._db, self._boot_id)
        return True

    def close(self) -> None:
        self._db.close()


def _take_life(db: "PgDatabase", boot_id: int) -> None:
    db.conn.execute(KEEPALIVES)
    db.conn.execute("SELECT pg_advisory_lock(%s, %s)", [LIFE_LOCK, boot_id])


_CONNECTION = {"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S, "application_name": "supportbot"}


def _configure(conn, busy_timeout_ms: int, statement_timeout: bool = False) -> None:
    """Settings of the connection's whole session, sent once rather than with every transaction:
    - no lock is waited for longer than the busy timeout, as `busy_timeout` bounds it on SQLite;
      with `statement_timeout` (the inbox's pool, `open_pool`) no statement runs longer either;
    - a writer paused mid-transaction (a stopped VM, SIGSTOP) would hold the write lock for as
      long as it sleeps: the server ends its session after IDLE_WRITER_MS idle, the transaction
      rolls back, and the others go on;
    - no JIT compilation: the bot's statements are short, and compiling one that the planner
      costs high (a count over a large backlog) took about 200 ms of its 550 ms."""
    conn.adapters.register_loader("numeric", _NumberLoader)
    timeouts = f"SET lock_timeout = {int(busy_timeout_ms)}; SET idle_in_transaction_session_timeout = {IDLE_WRITER_MS}"
    if statement_timeout:
        timeouts += f"; SET statement_timeout = {int(busy_timeout_ms)}"
    conn.execute(f"SET jit = off; {timeouts}")


class PgDatabase:
    """The same calls as sqlite-utils' Database that the storage layer uses, on a connection of its own."""

    def __init__(self, conn, write_lock: int | None, busy_timeout_ms: int):
        self.conn = conn
        self.write_lock = write_lock
        self.busy_timeout_ms = busy_timeout_ms

    def execute(self, sql: str, params=()):
        return self.conn.execute(_placeholders(sql), _values(params))

    def write_unread(self, sql: str, params=()) -> None:
        self.execute(sql, params)

    def query(self, sql: str, params=()):
        cursor = self.conn.cursor(row_factory=dict_row)
        cursor.execute(_placeholders(sql), _values(params))
        yield from cursor

    def executescript(self, sql: str) -> None:
        self.conn.execute(ddl(sql))

    def begin(self, steps: str) -> None:
        self.conn.execute(steps)

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()


class PooledDatabase:
    """The same calls, for one thread, on a pool shared by the process: a statement outside a
    transaction borrows a connection for itself alone (its rows read before it goes back); a
    write transaction holds one from `begin` to `commit` or `rollback`. Borrowing waits no
    longer than the busy timeout, like a lock."""

    def __init__(self, pool: "ConnectionPool", write_lock: int | None, busy_timeout_ms: int):
        self.pool = pool
        self.write_lock = write_lock
        self.busy_timeout_ms = busy_timeout_ms
        self._held = None
        self._opening: str | None = None  # a transaction's begin, not sent yet
        self._writes: list[str] = []  # its unread writes, bound, not sent yet

    def execute(self, sql: str, params=()):
        if self._held is not None:
            return self._in_transaction(sql, params, tuple_row)
        with self.pool.connection(timeout=self.busy_timeout_ms / 1000) as conn:
            return _Done(conn.execute(_placeholders(sql), _values(params)))

    def query(self, sql: str, params=()):
        if self._held is not None:
            yield from self._in_transaction(sql, params, dict_row)
            return
        with self.pool.connection(timeout=self.busy_timeout_ms / 1000) as conn:
            cursor = conn.cursor(row_factory=dict_row)
            cursor.execute(_placeholders(sql), _values(params))
            rows = cursor.fetchall()
        yield from rows

    def write_unread(self, sql: str, params=()) -> None:
        """Inside a transaction, bound here and sent with its next statement or its COMMIT."""
        if self._held is None:
            self.execute(sql, params)
            return
        self._writes.append(psycopg.ClientCursor(self._held).mogrify(_placeholders(sql), _values(params)))

    def executescript(self, sql: str) -> None:
        self.execute(ddl(sql))

    def begin(self, steps: str) -> None:
        """`steps` (BEGIN, the write lock) go to the server with the transaction's first
        statement, in one round trip instead of two (`_in_transaction`)."""
        self._held = self.pool.getconn(timeout=self.busy_timeout_ms / 1000)
        self._opening = steps

    def commit(self) -> None:
        self._end("COMMIT")

    def rollback(self) -> None:
        self._end("ROLLBACK")

    def _in_transaction(self, sql: str, params, row_factory):
        if not self._unsent():
            cursor = self._held.cursor(row_factory=row_factory)
            cursor.execute(_placeholders(sql), _values(params))
            return cursor
        # What waits and the statement go as one query of client-side bound statements, which the
        # driver sends as it is; its last result is the statement's.
        cursor = psycopg.ClientCursor(self._held, row_factory=row_factory)
        cursor.execute(f"{self._take_unsent()}; {cursor.mogrify(_placeholders(sql), _values(params))}")
        while cursor.nextset():
            pass
        return cursor

    def _unsent(self) -> bool:
        return self._opening is not None or bool(self._writes)

    def _take_unsent(self) -> str:
        unsent = ([self._opening] if self._opening is not None else []) + self._writes
        self._opening, self._writes = None, []
        return "; ".join(unsent)

    def _end(self, command: str) -> None:
        """A transaction the server never saw begin has nothing to end there; a COMMIT takes the
        writes still waiting with it, a ROLLBACK drops them."""
        try:
            if command == "COMMIT" and self._writes:
                self._held.execute(f"{self._take_unsent()}; COMMIT")
            elif self._opening is None:
                self._held.execute(command)
        finally:
            self._opening, self._writes = None, []
            self._give_back()

    def close(self) -> None:
        if self._held is not None:
            self.rollback()

    def _give_back(self) -> None:
        """A connection left in a transaction or broken is rolled back or replaced by the pool."""
        held, self._held = self._held, None
        self.pool.putconn(held)


class _Done:
    """A statement's outcome read while its connection was borrowed: its rows and its count."""

    def __init__(self, cursor):
        self.rowcount, self.description = cursor.rowcount, cursor.description
        self._rows = iter(cursor.fetchall() if self.description else [])

    def fetchone(self):
        return next(self._rows, None)

    def fetchall(self) -> list:
        return list(self._rows)

    def __iter__(self):
        return self._rows


_QUOTED = re.compile(r"('(?:[^']|'')*'|\"[^\"]*\")")
_RESERVED = re.compile(r"(?<![\w.])user\b|(?<=\.)user\b")
_INDEX_HINT = re.compile(r"(?<=[\s(])\+(?=[A-Za-z_])|\s+INDEXED BY \w+")  # SQLite's own nudges to its planner


@lru_cache(maxsize=4096)
def _placeholders(sql: str) -> str:
    """The shared dialect as psycopg and PostgreSQL take it: `?` → `%s` and a literal `%` doubled
    outside quoted text, the column `user` (a reserved word here) quoted, and SQLite's planner
    hints (a unary `+` before a column, `INDEXED BY`) dropped."""
    parts = _QUOTED.split(sql)
    for i in range(0, len(parts), 2):
        parts[i] = _INDEX_HINT.sub("", _RESERVED.sub('"user"', parts[i].replace("%", "%%").replace("?", "%s")))
    for i in range(1, len(parts), 2):
        if parts[i].startswith("'"):
            parts[i] = parts[i].replace("%", "%%")
    return "".join(parts)


def _values(params) -> list:
    """Booleans are stored as 0/1 in INTEGER columns on both engines."""
    if isinstance(params, dict):
        raise TypeError("named parameters are not used by the storage layer")
    return [int(value) if isinstance(value, bool) else value for value in params]


_DDL_TYPES = (
    (re.compile(r"\bINTEGER PRIMARY KEY\b", re.I), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
)


def ddl(sql: str) -> str:
    """SQLite's DDL types as PostgreSQL's: an `INTEGER PRIMARY KEY` numbers itself on both."""
    for pattern, replacement in _DDL_TYPES:
        sql = pattern.sub(replacement, sql)
    return "".join(part if i % 2 else _RESERVED.sub('"user"', part) for i, part in enumerate(_QUOTED.split(sql)))


if psycopg is not None:
    class _NumberLoader(Loader):
        """numeric (avg, sum of bigints) as Python numbers, as SQLite gives them, not Decimal."""

        def load(self, data):
            text = bytes(data).decode()
            return float(text) if "." in text or "e" in text.lower() else int(text)
