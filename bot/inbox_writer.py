"""Keeping requests in the inbox before their ack, many in one commit.

Each request must be written before it is acknowledged (storage/inbox.py). The request's own
thread writes it when a writer is free: no hand-over to another thread, which at a steady
trickle cost more than the commit itself (each hand-over waits for the GIL). On SQLite one
thread writes at a time, since writers to the file queue for its one lock; on PostgreSQL each
write takes a connection of the inbox's pool, and as many write at once, so a request that
arrives while another's row is on its way to the server is not held up by it. Under a burst
the requests that arrive while every writer is busy wait, and the first of them to wake then
commits all of them at once, so a request waits for at most about one commit. If the database
cannot take the write quickly, the request is not worked on and the person is told it was not
stored (bot/surface.py): Slack's 3-second window comes first, and what is not kept must not be
done, since a crash would lose it. A write that lands after the request was given up is taken
out again, so no restart replays it.

The connections that keep requests never checkpoint the inbox's WAL: the commit that crossed
SQLite's 1,000-page mark copied the log into the file while fifty requests waited for it (p99 ack
104 ms against 70 ms without, in bench/ack_latency.py). The worker threads that take requests out
again do it instead.
"""

import logging
import threading
import time
from dataclasses import dataclass

from bot import metrics
from bot.deps import Deps
from storage.db import DATABASE_ERRORS, INBOX_POOL_SIZE
from storage.inbox import done, keep_many

log = logging.getLogger(__name__)
WAIT_SECONDS = 1.0


@dataclass
class _Pending:
    key: str
    body: dict
    taken: bool = False  # by a writer
    written: bool = False
    ok: bool = False
    given_up: bool = False


class InboxWriter:
    def __init__(self, deps: Deps):
        self._deps = deps
        self._changed = threading.Condition()
        self._waiting: list[_Pending] = []  # not taken by a writer yet
        self._writing = 0  # writers committing now
        self._most_writing = INBOX_POOL_SIZE if deps.store.engine.row_locks else 1

    def keep(self, key: str, body: dict) -> bool:
        """True once the request is safely written; False if that took too long or failed."""
        pending = _Pending(key, body)
        deadline = time.monotonic() + WAIT_SECONDS
        late: list[str] = []
        with self._changed:
            self._waiting.append(pending)
            while not pending.written:
                if not pending.taken and self._writing < self._most_writing:
                    late += self._write_waiting()
                elif not self._changed.wait(deadline - time.monotonic()):
                    if not pending.written:
                        pending.given_up = True
                        if pending in self._waiting:
                            self._waiting.remove(pending)
                    break
            kept = pending.ok and not pending.given_up
        for late_key in late:  # outside the condition: the others' requests need not wait for it
            self._take_out(late_key)
        if not kept:
            log.warning("could not keep %s in the inbox in time: not stored, and the person is told", key)
        return kept

    def _write_waiting(self) -> list[str]:
        """With the condition held: take every waiting request, commit them without it, then
        wake the others (those written, and one to write what came while every writer was
        busy). Returns the keys written after their request was given up, to be taken out again."""
        batch, self._waiting = self._waiting, []
        for pending in batch:
            pending.taken = True
        self._writing += 1
        self._changed.release()
        try:
            ok = self._write(batch)
        finally:
            self._changed.acquire()
            self._writing -= 1
        for pending in batch:
            pending.written, pending.ok = True, ok
        self._changed.notify_all()
        return [pending.key for pending in batch if ok and pending.given_up]

    def _write(self, batch: list[_Pending]) -> bool:
        deps = self._deps
        try:
            keep_many(deps.store.inbox_writer_db(), deps.clock(), [(p.key, p.body) for p in batch], deps.boot_id)
            return True
        except DATABASE_ERRORS as error:
            metrics.count_database_error(error)
            log.warning("the inbox could not take %d request(s): %s", len(batch), error)
            return False

    def _take_out(self, key: str) -> None:
        try:
            done(self._deps.store.inbox_writer_db(), key)
        except DATABASE_ERRORS as error:
            metrics.count_database_error(error)
            log.warning("could not take %s, given up, out of the inbox: %s", key, error)
