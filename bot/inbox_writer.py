"""Keeping requests in the inbox before their ack, many in one commit.

Each request must be written before it is acknowledged (storage/inbox.py). Under a burst,
fifty request threads each committing alone would queue behind one another; here one
thread commits whatever has arrived meanwhile in a single transaction, so a request waits
for at most about one commit. If the database cannot take the write quickly, the request is
not worked on and the person is told it was not stored (bot/surface.py): Slack's 3-second
window comes first, and what is not kept must not be done, since a crash would lose it. A
write that lands after the request was given up is taken out again, so no restart replays it.

This thread never checkpoints the inbox's WAL: the commit that crossed SQLite's 1,000-page mark
copied the log into the file while fifty requests waited for it (p99 ack 104 ms against 70 ms
without, in bench/ack_latency.py). The worker threads that take requests out again do it instead.
"""

import logging
import queue
import threading
from dataclasses import dataclass, field

from bot import metrics
from bot.deps import Deps
from storage.db import DATABASE_ERRORS
from storage.inbox import done, keep_many

log = logging.getLogger(__name__)
WAIT_SECONDS = 1.0


@dataclass
class _Pending:
    key: str
    body: dict
    written: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    given_up: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class InboxWriter:
    def __init__(self, deps: Deps):
        self._deps = deps
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        threading.Thread(target=self._write_forever, name="supportbot-inbox", daemon=True).start()

    def keep(self, key: str, body: dict) -> bool:
        """True once the request is safely written; False if that took too long or failed."""
        pending = _Pending(key, body)
        self._queue.put(pending)
        pending.written.wait(WAIT_SECONDS)
        with pending.lock:
            pending.given_up = not pending.written.is_set()
            kept = pending.ok and not pending.given_up
        if not kept:
            log.warning("could not keep %s in the inbox in time: not stored, and the person is told", key)
        return kept

    def _write_forever(self) -> None:
        self._deps.store.engine.quiet_inbox_writer(self._deps.store.inbox_db())
        while True:
            batch = [self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            self._write(batch)

    def _write(self, batch: list[_Pending]) -> None:
        deps = self._deps
        try:
            keep_many(deps.store.inbox_db(), deps.clock(), [(p.key, p.body) for p in batch], deps.boot_id)
            ok = True
        except DATABASE_ERRORS as error:
            metrics.count_database_error(error)
            log.warning("the inbox could not take %d request(s): %s", len(batch), error)
            ok = False
        for pending in batch:
            with pending.lock:
                pending.ok = ok
                pending.written.set()
                late = ok and pending.given_up
            if late:
                self._take_out(pending.key)

    def _take_out(self, key: str) -> None:
        try:
            done(self._deps.store.inbox_db(), key)
        except DATABASE_ERRORS as error:
            metrics.count_database_error(error)
            log.warning("could not take %s, given up, out of the inbox: %s", key, error)
