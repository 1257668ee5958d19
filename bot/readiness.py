"""GET /readyz: may this instance be sent work? Its Slack token was accepted and its database answers.

The database is asked in a thread of its own, a fresh one each time (bot/timed_read.py), so on
SQLite each check reads on a connection of its own (a file gone or replaced since start-up
shows), and a database that hangs costs that one thread, not the answer: after TIME_LIMIT the
instance is reported not ready. While that thread still waits, no second one is started.
"""

import logging

from bot.metrics import count_database_error
from bot.timed_read import PreviousStillWaiting, StillWaiting, TimedRead
from storage.db import Store

log = logging.getLogger(__name__)
TIME_LIMIT = 1.5  # seconds; a load balancer's probe usually gives up after 2


class Readiness:
    def __init__(self, store: Store, time_limit: float = TIME_LIMIT):
        self._store, self._time_limit = store, time_limit
        self._token_accepted = False
        self._schema_version = TimedRead(self._read, time_limit, "readiness")

    def token_accepted(self) -> None:
        """Called once auth.test has accepted the bot token."""
        self._token_accepted = True

    def problem(self) -> str | None:
        """None when ready, else one line saying why not."""
        if not self._token_accepted:
            return "the Slack token has not been accepted yet"
        return self._database_problem()

    def _database_problem(self) -> str | None:
        try:
            self._schema_version()
        except PreviousStillWaiting:
            return "the database has not answered the previous check yet"
        except StillWaiting:
            return f"the database did not answer within {self._time_limit:g} s"
        except Exception as error:  # noqa: BLE001 - whatever stops the read, the instance is not ready
            count_database_error(error)
            return f"the database cannot be read ({error})"
        return None

    def _read(self) -> int:
        db = self._store.db()
        return self._store.engine.schema_version(db)
