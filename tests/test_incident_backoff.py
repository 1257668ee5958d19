"""A step whose post Slack failed for now (its answer lost, or the channel rate limited past the
client's retries) is not posted again in the same try: the outbox backs its row off, on an
injected clock, and the next try posts only where no ts is recorded, looking first. The
broadcaster hears once, when the row ends, and never that a channel still being tried failed."""

from datetime import datetime, timezone

import pytest
from slack_sdk import WebClient

from bot.config import parse_team_config
from bot.delivery import DeliveryLoop
from bot.deps import Deps
from bot.slack_client import make_client
from commands.incident import fanout
from commands.incident.deliveries import DELIVERIES
from commands.incident.publish import POST_EVENT
from storage import incidents as core
from storage import outbox
from storage.db import Store, open_db, prepare_database
from storage.incident_effects import subject
from storage.incident_model import BroadcastPlan
from tests.databases import database_for
from tests.flow import HELP, rows
from tests.incident_flow import APP_YAML, CONFIGURED, GENERAL, LEAD, STATUS, copies
from tests.test_outbox import FakeClock, Inline

BUSY = "Rate limited, Slack kept refusing me there"


@pytest.fixture(autouse=True)
def _unpaced(monkeypatch):
    """The tries of a row follow each other on the test's clock, not a second apart."""
    monkeypatch.setattr(fanout, "PACER", fanout.Pacer(0))


class Publishing:
    """An incident drafted and its card posted by a delivery loop run in the test's thread, on a
    clock the test moves."""

    def __init__(self, standin, tmp_path, client: WebClient | None = None):
        self.path = database_for(tmp_path)
        prepare_database(self.path)
        self.db = open_db(self.path)
        self.clock = FakeClock()
        self.clock.now = datetime.now(timezone.utc)  # Slack's messages are looked for by their time
        deps = Deps(store=Store(self.path), team=parse_team_config(APP_YAML), clock=self.clock)
        self.loop = DeliveryLoop(client or make_client(standin.bot_token, standin.api_url), deps, Inline(), DELIVERIES)
        self.incident = core.create_incident(self.db, self.clock(), "Search is down", "U0AGENT1", HELP, "draft-1").incident
        self.deliver()
        card = rows(self.path, "SELECT card_ts FROM incidents")[0]["card_ts"]
        core.add_revision(self.db, HELP, card, "1.000002", "U0AGENT1", "Search returns nothing.")

    def broadcast(self, channels) -> None:
        core.broadcast(self.db, self.clock(), self.incident.id, LEAD, BroadcastPlan(tuple(channels), "SEV2", False),
                       "send-1")

    def deliver(self) -> None:
        self.loop.deliver_subject(subject(self.incident.id))

    def after_the_backoff(self) -> None:
        self.clock.now += outbox.MAX_BACKOFF
        self.deliver()

    def step_row(self) -> dict:
        return rows(self.path, "SELECT attempt, done_at, outcome FROM outbox WHERE kind = 'incident-step'")[0]

    def posts(self) -> dict[str, tuple[str | None, str | None]]:
        return {row["channel"]: (row["ts"], row["error"])
                for row in rows(self.path, "SELECT channel, ts, error FROM incident_posts WHERE step = 0")}


def copy_posts(standin, channel: str) -> list:
    """The calls that posted (or tried to post) a copy in `channel`."""
    return [call for call in standin.calls_to("chat.postMessage") if call.args.get("channel") == channel
            and (call.args.get("metadata") or {}).get("event_type") == POST_EVENT]


def told(standin, words: str) -> list[dict]:
    return [e for e in standin.ephemerals if e["user"] == LEAD and words in e["text"] + repr(e["blocks"])]


def test_a_copy_whose_answer_was_lost_is_backed_off_and_adopted_by_the_next_try(standin, tmp_path):
    publishing = Publishing(standin, tmp_path)
    standin.fail("chat.postMessage", status=500, after_doing=True,
                 where=lambda args: args.get("channel") == GENERAL and args.get("metadata"))
    publishing.broadcast(CONFIGURED)
    publishing.deliver()

    (stored,) = copies(standin, GENERAL)
    assert [len(copy_posts(standin, channel)) for channel in CONFIGURED] == [1, 1, 1]
    assert publishing.posts()[GENERAL] == (None, None), "claimed, neither posted nor failed"
    assert all(publishing.posts()[channel][0] for channel in (STATUS, HELP))
    row = publishing.step_row()
    assert (row["attempt"], row["done_at"], row["outcome"]) == (1, None, "internal_error")
    assert not told(standin, "INC-1"), "nothing said while the row is backed off"

    publishing.deliver()
    assert publishing.step_row()["attempt"] == 1, "not due before its backoff ends"
    publishing.after_the_backoff()

    assert copies(standin, GENERAL) == [stored], "adopted, not posted again"
    assert [len(copy_posts(standin, channel)) for channel in CONFIGURED] == [1, 1, 1]
    assert publishing.posts()[GENERAL] == (stored["ts"], None)
    assert all(len(copies(standin, channel)) == 1 for channel in CONFIGURED)
    assert publishing.step_row()["attempt"] == 2 and publishing.step_row()["done_at"]
    assert [e["text"] for e in told(standin, "INC-1")] == ["INC-1 went out to 3 channels."], (
        "the request could not say it: the row's end does, once")


def test_a_channel_rate_limited_through_every_try_is_reported_at_the_last_and_retry_reaches_it(standin, tmp_path):
    without_retries = WebClient(token=standin.bot_token, base_url=standin.api_url)  # as past the client's own
    publishing = Publishing(standin, tmp_path, without_retries)
    busy = standin.add_channel("busy-feed")
    standin.hold_at_rate_limit(busy)
    publishing.broadcast([STATUS, busy])
    publishing.deliver()
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        assert publishing.step_row()["attempt"] == attempt - 1 and not publishing.step_row()["done_at"]
        assert publishing.posts()[busy] == (None, None) and not told(standin, "INC-1")
        publishing.after_the_backoff()

    assert publishing.step_row()["done_at"] and publishing.posts()[busy] == (None, "ratelimited")
    (report,) = told(standin, "INC-1")
    assert "could not reach 1 channel" in report["text"] and f"*{BUSY}:* <#{busy}>" in repr(report["blocks"])
    assert len(copy_posts(standin, STATUS)) == 1 and len(copy_posts(standin, busy)) == outbox.MAX_ATTEMPTS

    standin.release_rate_limit(busy)
    core.retry_step(publishing.db, publishing.clock(), publishing.incident.id, 0, LEAD, "retry-1")
    publishing.deliver()
    assert len(copies(standin, busy)) == 1 and publishing.posts()[busy] == (copies(standin, busy)[0]["ts"], None)
    assert len(copies(standin, STATUS)) == 1
    assert [e["text"] for e in told(standin, "INC-1")][1:] == ["INC-1 reached every channel, and every copy is up to date."], (
        "delivered by the loop, not by the click's thread: the delivery says so")
