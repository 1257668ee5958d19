"""What each engine provides; `storage/db.py` is the only caller."""

from typing import Any, Protocol


class EngineUnavailable(Exception):
    """The engine cannot be used at all here (its driver is not installed, its URL is malformed)."""

    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


class Life(Protocol):
    """A running process's proof of life that the database (or the kernel) ends when the
    process ends: no heartbeat, no clock."""

    def keep(self) -> bool:
        """Hold it again if it was lost (a server restart); True when it had to be."""

    def close(self) -> None: ...


class Engine(Protocol):
    name: str
    target: str
    row_locks: bool  # writes that guard their own rows may run beside the one writer
    autocommits: bool  # a statement outside BEGIN … COMMIT commits on its own
    clock_query: str | None  # the server's time now (None: the database lives on this host)
    pools: bool  # a process's threads share a pool of connections (`open_pool`, `pooled`)

    def connect(self, busy_timeout_ms: int, *, inbox: bool = False) -> Any:
        """A new connection with `execute`, `query`, `executescript` and `close`."""

    def open_pool(self, size: int, *, inbox: bool, busy_timeout_ms: int) -> Any:
        """Where `pools`: connections for up to `size` threads at once."""

    def pooled(self, pool: Any, busy_timeout_ms: int, *, inbox: bool) -> Any:
        """Where `pools`: one thread's database on `pool`, with the calls `connect`'s has."""

    def begin_write(self, db: Any, exclusive: bool = True) -> None:
        """Open a write transaction holding the write lock (only row locks when not
        `exclusive` and the engine has them), or raise a busy error in time."""

    def commit(self, db: Any) -> None:
        """End the write transaction `begin_write` opened."""

    def write_unread(self, db: Any, sql: str, params: Any) -> None:
        """A write nobody reads the outcome of (`storage.db.write_unread`)."""

    def lock_writers(self, db: Any) -> None:
        """Inside a transaction `begin_write` opened without the write lock: take it now, or
        raise a busy error in time."""

    def prepare(self) -> None:
        """Bring the schema up to date and prove it can be written; safe at every start."""

    def schema_version(self, db: Any) -> int: ...

    def table_names(self, db: Any) -> list[str]:
        """The bot's tables (the copy to PostgreSQL reads and fills them)."""

    def quiet_inbox_writer(self, db: Any) -> None:
        """Keep the inbox writer's connection from doing housekeeping on the ack's path, or
        waiting on the server longer than its busy timeout."""

    @staticmethod
    def is_busy(error: Exception) -> bool: ...

    @staticmethod
    def is_full(error: Exception) -> bool: ...

    @staticmethod
    def is_gone(error: Exception) -> bool:
        """The connection to the server was lost (only a server has one to lose)."""

    def skip_locked(self, table: str) -> str:
        """The clause a SELECT ends with to lock the rows of `table` it reads, skipping those
        another transaction holds ("" where a writer holds everything)."""

    def hold_life(self, db: Any, boot_id: int) -> Life:
        """Called in the write transaction that records the boot, before anyone can see it;
        the life owns `db` from then on."""

    def live_boots(self, db: Any, boot_ids: list[int]) -> set[int]:
        """Those of `boot_ids` whose process holds its life."""

    def describe(self) -> str:
        """Where the data lives, fit for a log line: never a password."""
