"""Keeping requests in the inbox before their ack, many in one commit.

Each request must be written before it is acknowledged (storage/inbox.py). Under a burst,
fifty request threads each committing alone would queue behind one another; here one
thread commits whatever has arrived meanwhile in a single transaction, so a request waits
for at most about one commit. If the database cannot take the write quickly, the request is
acknowledged anyway: Slack's 3-second window comes first.

This thread never checkpoints the inbox's WAL: the commit that crossed SQLite's 1,000-page mark
copied the log into the file while fifty requests waited for it (p99 ack 104 ms against 70 ms
without, in bench/ack_latency.py). The worker threads that take requests out again do it instead.
"""

import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass, field

from commands.deps import Deps
from storage.inbox import keep_many

log = logging.getLogger(__name__)
WAIT_SECONDS = 1.0


@dataclass
class _Pending:
    key: str
    body: dict
    written: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


class InboxWriter:
    def __init__(self, deps: Deps):
        self._deps = deps
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        threading.Thread(target=self._write_forever, name="supportbot-inbox", daemon=True).start()

    def keep(self, key: str, body: dict) -> bool:
        """True once the request is safely written; False if that took too long or failed."""
        pending = _Pending(key, body)
        self._queue.put(pending)
        if not (pending.written.wait(WAIT_SECONDS) and pending.ok):
            log.warning("could not keep %s in the inbox in time; working on it anyway", key)
            return False
        return True

    def _write_forever(self) -> None:
        self._deps.store.inbox_db().execute("PRAGMA wal_autocheckpoint=0")
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
        except sqlite3.Error as error:
            log.warning("the inbox could not take %d request(s): %s", len(batch), error)
            ok = False
        for pending in batch:
            pending.ok = ok
            pending.written.set()
