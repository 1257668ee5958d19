"""What a card shows is read in one statement: it must say what the separate reads of the
escalation, its running clock, its last move and its cards say, at every step of its life."""

from datetime import datetime, timedelta, timezone

import pytest

from storage import escalations as core
from storage import records
from storage.db import write_transaction
from storage.errors import NotFound
from storage.model import NewEscalation, Source
from storage.queries import Card, card_facts, cards_of, record_cards
from storage.sla import running_clock

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def read_apart(db, escalation_id: int):
    esc = records.load_escalation(db, escalation_id)
    moves = list(db.query("SELECT line, note FROM events WHERE escalation_id = ? AND action IN ('moved_up', 'moved_down')"
                          " ORDER BY id DESC LIMIT 1", [escalation_id]))
    reason = moves[0]["note"] if moves and moves[0]["line"] == esc.line else None
    return esc, running_clock(db, escalation_id), reason, cards_of(db, escalation_id)


def facts(db, escalation_id: int):
    read = card_facts(db, escalation_id)
    return read.escalation, read.clock, read.reason, read.cards


def test_the_one_read_says_what_the_separate_reads_say_through_an_escalations_life(db):
    new = NewEscalation("Checkout fails for EU cards", "U0AGENT1", "C0HELP", Source.COMMAND, priority="P2")
    esc_id = core.raise_escalation(db, T0, new, "k-raise").escalation.id
    other = core.raise_escalation(db, T0, NewEscalation("Another", "U0AGENT2", "C0HELP", Source.COMMAND), "k-other")

    raised = facts(db, esc_id)
    assert raised == read_apart(db, esc_id)
    assert raised[1] is not None and raised[1].line == 1 and raised[2] is None and raised[3] == []

    with write_transaction(db):
        record_cards(db, esc_id, [Card("C0SUPL1", "1796600000.000200", None), Card("C0HELP", "1796600000.000100", None)])
    core.take(db, T0 + timedelta(minutes=1), esc_id, "U0AGENT1", "k-take")
    core.move(db, T0 + timedelta(minutes=2), esc_id, "U0AGENT1", +1, "needs <@U0ENG1> to look", "k-up")
    moved = facts(db, esc_id)
    assert moved == read_apart(db, esc_id)
    assert moved[0].line == 2 and moved[0].owners == {1: "U0AGENT1"}
    assert moved[1].line == 2 and moved[2] == "needs <@U0ENG1> to look"
    assert [card.channel for card in moved[3]] == ["C0HELP", "C0SUPL1"]  # in the order they were posted

    core.move(db, T0 + timedelta(minutes=3), esc_id, "U0AGENT1", -1, None, "k-down")
    core.resolve(db, T0 + timedelta(minutes=4), esc_id, "U0AGENT1", "fixed", "k-resolve")
    resolved = facts(db, esc_id)
    assert resolved == read_apart(db, esc_id)
    assert resolved[1] is None and resolved[2] is None and len(resolved[3]) == 2

    assert facts(db, other.escalation.id) == read_apart(db, other.escalation.id)


def test_an_escalation_that_does_not_exist_is_not_found(db):
    with pytest.raises(NotFound):
        card_facts(db, 404)
