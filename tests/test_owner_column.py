"""`escalations.open_owner` names who owns each open escalation on its current line, whatever
sequence of changes brought it there: the lists, reports and Home read it instead of line_owners."""

from datetime import datetime, timedelta, timezone
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import escalations as core
from storage import working
from storage.acknowledgements import acknowledge
from storage.errors import UserError
from storage.model import NewEscalation, Source

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
KEYS = count()
PEOPLE = ("U0AGENT1", "U0AGENT2", "U0ENG1")
CHANGES = {
    "take": lambda db, now, esc, who, key: core.take(db, now, esc, who, key),
    "assign": lambda db, now, esc, who, key: core.assign(db, now, esc, "U0LEAD1", who, key),
    "up": lambda db, now, esc, who, key: core.move(db, now, esc, who, 1, None, key),
    "down": lambda db, now, esc, who, key: core.move(db, now, esc, who, -1, None, key),
    "release": lambda db, now, esc, who, key: working.release(db, now, esc, who, key, leads=frozenset({who})),
    "acknowledge": lambda db, now, esc, who, key: acknowledge(db, now, esc, who, key),
    "resolve": lambda db, now, esc, who, key: core.resolve(db, now, esc, who, None, key),
    "reopen": lambda db, now, esc, who, key: core.reopen(db, now, esc, who, key),
    "handoff": lambda db, now, esc, who, key: core.handoff(db, now, who, "U0AGENT2", key),
}
STEPS = st.lists(st.tuples(st.sampled_from(sorted(CHANGES)), st.integers(1, 3), st.sampled_from(PEOPLE)), max_size=25)


@given(steps=STEPS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_open_owner_follows_every_change_of_owner_line_or_status(db, steps):
    """Each example raises three escalations of its own in the one database; the column is
    compared with line_owners over every row after each change."""
    now = T0
    raised = []
    for line in (1, 2, 3):
        new = NewEscalation(summary="Checkout fails", requester="U0AGENT1", channel="C0HELP",
                            source=Source.COMMAND, line=line)
        raised.append(core.raise_escalation(db, now, new, f"k{next(KEYS)}").escalation.id)
    for change, which, who in steps:
        now += timedelta(minutes=1)
        try:
            CHANGES[change](db, now, raised[which - 1], who, f"k{next(KEYS)}")
        except UserError:
            pass
        assert _owner_column(db) == _owner_on_current_line(db), (change, which, who)


def _owner_column(db) -> dict[int, str | None]:
    return dict(db.execute("SELECT id, open_owner FROM escalations").fetchall())


def _owner_on_current_line(db) -> dict[int, str | None]:
    return dict(db.execute("SELECT e.id, CASE WHEN e.status = 'open' THEN o.\"user\" END FROM escalations e"
                           " LEFT JOIN line_owners o ON o.escalation_id = e.id AND o.line = e.line").fetchall())
