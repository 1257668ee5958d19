"""GET /readyz: may this instance be sent work? Its Slack token was accepted and its database answers.

The database is asked in a thread of its own, a fresh one each time, so each check reads on
a connection of its own (a file gone or replaced since start-up shows) and a database that
hangs costs that one thread, not the answer: after TIME_LIMIT the instance is reported not
ready. While that thread still waits, no second one is started.
"""

import logging
import threading
from concurrent.futures import Future, TimeoutError as StillWaiting

from bot.metrics import count_database_error
from storage.db import Store

log = logging.getLogger(__name__)
TIME_LIMIT = 1.5  # seconds; a load balancer's probe usually gives up after 2


class Readiness:
    def __init__(self, store: Store, time_limit: float = TIME_LIMIT):
        self._store, self._time_limit = store, time_limit
        self._token_accepted = False
        self._waiting: Future | None = None
        self._lock = threading.Lock()

    def token_accepted(self) -> None:
        """Called once auth.test has accepted the bot token."""
        self._token_accepted = True

    def problem(self) -> str | None:
        """None when ready, else one line saying why not."""
        if not self._token_accepted:
            return "the Slack token has not been accepted yet"
        return self._database_problem()

    def _database_problem(self) -> str | None:
        with self._lock:
            if self._waiting and not self._waiting.done():
                return "the database has not answered the previous check yet"
            self._waiting = answer = Future()
        threading.Thread(target=self._read, args=(answer,), name="supportbot-readiness", daemon=True).start()
        try:
            answer.result(timeout=self._time_limit)
        except StillWaiting:
            return f"the database did not answer within {self._time_limit:g} s"
        except Exception as error:  # noqa: BLE001 - whatever stops the read, the instance is not ready
            count_database_error(error)
            return f"the database cannot be read ({error})"
        return None

    def _read(self, answer: Future) -> None:
        try:
            db = self._store.db()
            answer.set_result(self._store.engine.schema_version(db))
        except Exception as error:  # noqa: BLE001 - handed to the waiting check
            answer.set_exception(error)
