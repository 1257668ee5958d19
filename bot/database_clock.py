"""The bot's clock: UTC now as the database server tells it.

Leases, backoffs, SLA deadlines and the times in every record are compared across instances,
so they must come from one clock, not from each host's. Asking the server for every reading
would cost a round trip each time; instead the host's offset from the server is measured once
a minute and added to the host's clock. The monotonic clock tells when the host's wall clock
was stepped (an NTP correction, a VM resumed): then the offset is measured again at once, so
the bot's time never jumps with it. SQLite lives on this host: its clock is the host's.
"""

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Callable

from bot.deps import utc_now
from storage.db import DATABASE_ERRORS, open_db

log = logging.getLogger(__name__)
MEASURE_EVERY = 60.0  # seconds, on the monotonic clock
STEP = timedelta(seconds=0.5)  # the wall clock moved this much more (or less) than the monotonic one
RETRY_AFTER = 1.0  # seconds, after the server could not be asked


class DatabaseClock:
    def __init__(self, store, wall: Callable[[], datetime] = utc_now,
                 monotonic: Callable[[], float] = time.monotonic):
        self._target, self._query = store.target, store.engine.clock_query
        self._wall, self._monotonic = wall, monotonic
        self._offset = timedelta()
        self._measured: tuple[datetime, float] | None = None  # (wall, monotonic) when last measured
        self._next = float("-inf")  # monotonic time of the next measurement
        self._db = None
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        """The server's clock minus this host's."""
        return self._offset

    def __call__(self) -> datetime:
        if self._query is None:
            return self._wall()
        wall, now = self._wall(), self._monotonic()
        if self._due(wall, now):
            with self._lock:
                if self._due(self._wall(), self._monotonic()):  # not measured meanwhile by another thread
                    self._measure()
            wall = self._wall()
        return wall + self._offset

    def _due(self, wall: datetime, now: float) -> bool:
        return now >= self._next or self._stepped(wall, now)

    def _stepped(self, wall: datetime, now: float) -> bool:
        measured_wall, measured_at = self._measured or (wall, now)
        return abs((wall - measured_wall) - timedelta(seconds=now - measured_at)) > STEP

    def _measure(self) -> None:
        try:
            self._db = self._db or open_db(self._target)
            before = self._wall()
            server = self._db.execute(self._query).fetchone()[0]
            after = self._wall()
        except DATABASE_ERRORS as error:
            log.debug("the database's clock could not be read (%s): the last offset stands", error)
            self._drop_connection()
            self._measured, self._next = (self._wall(), self._monotonic()), self._monotonic() + RETRY_AFTER
            return
        self._offset = server - (before + (after - before) / 2)
        self._measured, self._next = (after, self._monotonic()), self._monotonic() + MEASURE_EVERY

    def _drop_connection(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except DATABASE_ERRORS:
                pass
            self._db = None
