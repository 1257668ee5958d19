"""The ✅ on an engineer's acknowledging reply is an outbox row of the acknowledgement, delivered
in-process on an injected clock: a replayed acknowledgement adds no row, a row tried again after
Slack took the reaction ends on `already_reacted`, and a 500 backs the row off until it lands."""

from datetime import timedelta

import pytest
from slack_sdk import WebClient

from bot.config import parse_team_config
from bot.delivery import DeliveryLoop
from bot.deps import Deps
from commands.line3.acknowledging import deliver_ack_reaction
from storage import escalation_effects as effects
from storage import escalations as core
from storage import outbox
from storage.acknowledgements import acknowledge
from storage.db import Store, open_db, prepare_database, write_transaction
from storage.model import NewEscalation, Source
from storage.records import to_text
from tests.databases import database_for
from tests.flow import HELP, L3
from tests.incident_flow import APP_YAML
from tests.test_outbox import FakeClock, Inline


class Acknowledged:
    """A line-3 escalation acknowledged by a reply in its thread; its cards and note rows are
    taken as delivered (their own tests cover them), so the reaction's row is next."""

    def __init__(self, standin, tmp_path):
        path = database_for(tmp_path)
        prepare_database(path)
        self.db = open_db(path)
        self.clock = FakeClock()
        self.client = WebClient(token=standin.bot_token, base_url=standin.api_url)  # no retries of its own
        deps = Deps(store=Store(path), team=parse_team_config(APP_YAML), clock=self.clock)
        self.loop = DeliveryLoop(self.client, deps, Inline(), {effects.ACK_REACTION: deliver_ack_reaction})
        new = NewEscalation("Exports time out", "U0AGENT1", HELP, Source.COMMAND, priority="P1", line=3)
        self.esc = core.raise_escalation(self.db, self.clock(), new, "raise").escalation
        self.reply_ts = self.client.chat_postMessage(channel=L3, text="ack, on it")["ts"]
        self.acknowledge("Ev0ACK")
        with write_transaction(self.db):
            self.db.execute("UPDATE outbox SET done_at = ? WHERE kind != ?", [to_text(self.clock()), effects.ACK_REACTION])

    def acknowledge(self, request_key: str) -> None:
        acknowledge(self.db, self.clock(), self.esc.id, "U0ENG1", request_key, reply=(L3, self.reply_ts))

    def reaction_rows(self) -> list[dict]:
        return list(self.db.query("SELECT attempt, done_at, outcome FROM outbox WHERE kind = ?", [effects.ACK_REACTION]))

    def reactions(self, standin) -> list[dict]:
        return standin.message(L3, self.reply_ts).get("reactions", [])


@pytest.fixture
def acked(standin, tmp_path) -> Acknowledged:
    return Acknowledged(standin, tmp_path)


def test_a_replayed_acknowledgement_adds_no_second_reaction(acked, standin):
    acked.acknowledge("Ev0ACK")  # Slack's retry of the same event
    assert acked.loop.deliver_due() == 1 and acked.loop.deliver_due() == 0
    assert [(row["attempt"], row["outcome"]) for row in acked.reaction_rows()] == [(1, None)]
    assert [call.args["name"] for call in standin.calls_to("reactions.add")] == ["white_check_mark"]
    assert acked.reactions(standin) == [{"name": "white_check_mark", "users": ["U0BOT"], "count": 1}]


def test_a_row_tried_again_after_slack_took_the_reaction_ends_on_already_reacted(acked, standin):
    (lost,) = outbox.claim_due(acked.db, acked.clock(), "a process that dies after Slack took it", 1)
    acked.client.reactions_add(channel=L3, timestamp=acked.reply_ts, name="white_check_mark")
    acked.clock.now += outbox.LEASE + timedelta(seconds=1)
    assert acked.loop.deliver_due() == 1
    (row,) = acked.reaction_rows()
    assert (row["attempt"], row["outcome"]) == (lost.attempt + 1, None) and row["done_at"]
    assert [call.response.get("error") for call in standin.calls_to("reactions.add")] == [None, "already_reacted"]
    assert len(acked.reactions(standin)) == 1 and acked.reactions(standin)[0]["count"] == 1


def test_a_500_on_the_reaction_backs_its_row_off_until_it_lands(acked, standin):
    standin.fail("reactions.add", status=500)
    assert acked.loop.deliver_due() == 1
    (row,) = acked.reaction_rows()
    assert (row["attempt"], row["done_at"], row["outcome"]) == (1, None, "internal_error")
    assert acked.reactions(standin) == []
    assert acked.loop.deliver_due() == 0, "not before its backoff ends"
    acked.clock.now += outbox.FIRST_BACKOFF
    assert acked.loop.deliver_due() == 1
    (row,) = acked.reaction_rows()
    assert (row["attempt"], row["outcome"]) == (2, None) and row["done_at"]
    assert acked.reactions(standin) == [{"name": "white_check_mark", "users": ["U0BOT"], "count": 1}]
    assert len(standin.calls_to("reactions.add")) == 2
