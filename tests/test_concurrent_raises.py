"""Raises at once: on PostgreSQL a raise runs beside the one writer (it only adds rows of its
own), and the rules that read before they write take the write lock where they begin."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from storage import escalations as core
from storage import home_visits, outbox
from storage.db import database_busy, open_db, write_transaction, writers_of
from storage.errors import InvalidTransition
from storage.model import NewEscalation, Source

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
BY_COMMAND = NewEscalation("Checkout fails", "U0AGENT1", "C0HELP", Source.COMMAND)
OF_MESSAGE = NewEscalation("Checkout fails", "U0AGENT1", "C0HELP", Source.REACTION, message_ts="1700000000.000100")


def _at_once(target: str, raises: list) -> list:
    """Each (new, key) raised on a connection of its own, all let go together."""
    start = threading.Barrier(len(raises))

    def raise_one(new_and_key):
        db = open_db(target)
        try:
            start.wait()
            return core.raise_escalation(db, T0, *new_and_key)
        except InvalidTransition as refused:
            return refused
        finally:
            db.close()

    with ThreadPoolExecutor(len(raises)) as pool:
        return list(pool.map(raise_one, raises))


@pytest.mark.needs_postgres
def test_a_raise_by_command_goes_beside_a_long_change_and_one_of_a_message_waits_for_it(db):
    target = db.engine.target
    raised_before = writers_of(target).transactions
    with ThreadPoolExecutor(1) as other_thread, write_transaction(db):  # a long change holds the write lock
        beside = other_thread.submit(lambda: core.raise_escalation(open_db(target), T0, BY_COMMAND, "raise-1")).result()
        assert beside.escalation.key == "ESC-1", "raised and committed while the change still runs"
        waiting = other_thread.submit(lambda: core.raise_escalation(open_db(target, busy_timeout_ms=300), T0,
                                                                    OF_MESSAGE, "raise-2")).exception()
        assert waiting is not None and database_busy(waiting), "the message's check waits for the lock"
    assert writers_of(target).transactions - raised_before == 1, "only the long change held it"
    assert [row["id"] for row in db.query("SELECT id FROM escalations")] == [1]


@pytest.mark.needs_postgres
def test_a_raise_that_refreshes_a_home_waits_for_the_write_lock_there(db):
    """Whether a Home's publish is pending, and when the workspace's next one may go, is read
    before it is written: under the lock."""
    home_visits.open_home(db, T0, "U0LEAD")
    (published,) = outbox.claim_due(db, T0, "elsewhere", 1)
    outbox.finish(db, published, T0, writes=[lambda db: home_visits.shows(db, "U0LEAD", home_visits.Audience(lead=True))])
    target = db.engine.target
    with ThreadPoolExecutor(1) as other_thread, write_transaction(db):
        waiting = other_thread.submit(lambda: core.raise_escalation(open_db(target, busy_timeout_ms=300), T0,
                                                                    BY_COMMAND, "raise-1")).exception()
        assert waiting is not None and database_busy(waiting)
    core.raise_escalation(db, T0, BY_COMMAND, "raise-1")
    assert list(db.query("SELECT count(*) AS n FROM outbox WHERE kind = ?", [home_visits.HOME]))[0]["n"] == 2, \
        "the lead's Home is published again"


def test_one_message_raised_twice_at_once_is_one_escalation_and_the_other_is_told(db):
    outcomes = _at_once(db.engine.target, [(OF_MESSAGE, "raise-a"), (OF_MESSAGE, "raise-b")])
    raised = [outcome for outcome in outcomes if not isinstance(outcome, InvalidTransition)]
    (refused,) = [outcome for outcome in outcomes if isinstance(outcome, InvalidTransition)]
    assert len(raised) == 1 and "already escalated as ESC-1" in str(refused)
    assert list(db.query("SELECT count(*) AS n FROM escalations"))[0]["n"] == 1


def test_one_request_delivered_twice_at_once_raises_one_escalation(db):
    outcomes = _at_once(db.engine.target, [(BY_COMMAND, "same-request")] * 2)
    assert {outcome.escalation.id for outcome in outcomes} == {1}
    assert sorted(outcome.duplicate for outcome in outcomes) == [False, True]
    assert list(db.query("SELECT count(*) AS n FROM events"))[0]["n"] == 1


def test_many_raises_at_once_number_their_escalations_without_gaps_or_twins(db):
    outcomes = _at_once(db.engine.target, [(BY_COMMAND, f"raise-{n}") for n in range(8)])
    assert sorted(outcome.escalation.id for outcome in outcomes) == list(range(1, 9))
    assert list(db.query("SELECT count(*) AS n FROM sla_clocks"))[0]["n"] == 8
