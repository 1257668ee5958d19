"""When a scheduled run posts, with an injected clock: on time, late within the grace period, never twice,
never a period from before the bot was first scheduled, across a daylight-saving change, and again once a
channel that refused it is fixed. A run delivers its report's outbox row in its own thread, as in the bot."""

from datetime import datetime
from zoneinfo import ZoneInfo

import yaml

from bot.channels import resolve_channels
from bot.config import parse_team_config
from bot.delivery import DeliveryLoop
from bot.slack_client import make_client
from bot.deps import Deps
from jobs.report_jobs import DIGEST_JOB, run_due_digest, run_due_shift_summaries
from jobs.report_rows import DELIVERIES
from storage import outbox
from storage.db import Store, prepare_database
from storage.job_claims import subject, watched_since
from tests.harness import TEAM_YAML
from tests.databases import database_for
from tests.test_outbox import Inline

BERLIN = ZoneInfo("Europe/Berlin")


def report_loop(standin, db_path, clock) -> DeliveryLoop:
    """A process's delivery loop for report rows, on `clock`, with a Slack client of its own. It
    answers the doorbell, so a run's report goes out in the run's thread, as in the bot."""
    client = make_client(standin.bot_token, standin.api_url)
    team = resolve_channels(client, parse_team_config(yaml.safe_load(TEAM_YAML)))
    return DeliveryLoop(client, Deps(store=Store(db_path), team=team, clock=clock), Inline(), DELIVERIES)


def deps_at(standin, db_path, moments: list[datetime]):
    """Deps whose clock reads each of `moments` in turn, then stays at the last."""
    readings = iter(moments)
    current = [moments[0]]

    def clock():
        current[0] = next(readings, current[0])
        return current[0]

    loop = report_loop(standin, db_path, clock)
    return loop.client, loop.deps


def run_digest_at(standin, db_path, moment: datetime):
    client, deps = deps_at(standin, db_path, [moment])
    return [(r.period, r.posted) for r in run_due_digest(client, deps)]


def test_digest_runs_post_on_time_or_late_once_and_only_within_grace(standin, tmp_path):
    db_path = database_for(tmp_path)
    prepare_database(db_path)
    watched_since(Store(db_path).db(), datetime(2026, 3, 1, tzinfo=BERLIN), "daily-digest")
    assert run_digest_at(standin, db_path, datetime(2026, 3, 27, 9, 0, 1, tzinfo=BERLIN)) == [("2026-03-26", True)]
    assert run_digest_at(standin, db_path, datetime(2026, 3, 27, 9, 0, 2, tzinfo=BERLIN)) == [("2026-03-26", False)]
    assert run_digest_at(standin, db_path, datetime(2026, 3, 28, 14, 0, tzinfo=BERLIN)) == [("2026-03-27", True)]
    assert "Posted late" in repr(standin.messages("C0LEADS")[-1]["blocks"])
    assert run_digest_at(standin, db_path, datetime(2026, 3, 29, 15, 1, tzinfo=BERLIN)) == [], "past the 6 h grace"
    assert run_digest_at(standin, db_path, datetime(2026, 3, 30, 9, 0, 1, tzinfo=BERLIN)) == [("2026-03-29", True)], \
        "the 23-hour day after the clocks went forward"


def test_a_new_installation_posts_nothing_from_before_it_started(standin, tmp_path):
    db_path = database_for(tmp_path)
    prepare_database(db_path)
    assert run_digest_at(standin, db_path, datetime(2026, 10, 25, 9, 30, tzinfo=BERLIN)) == []
    assert run_digest_at(standin, db_path, datetime(2026, 10, 26, 9, 0, 1, tzinfo=BERLIN)) == [("2026-10-25", True)]
    client, deps = deps_at(standin, db_path, [datetime(2026, 10, 26, 10, tzinfo=BERLIN), datetime(2026, 10, 26, 16, 0, 1, tzinfo=BERLIN)])
    assert run_due_shift_summaries(client, deps) == [], "Friday's EMEA shift ended before the bot was first scheduled"
    assert [(r.period, r.posted) for r in run_due_shift_summaries(client, deps)] == [("EMEA 2026-10-26", True)]
    digest, summary = [m["text"] for m in standin.messages("C0LEADS") if not m.get("files")]
    assert digest == "Daily digest · Sun 25 Oct 2026: 0 raised, 0 resolved, backlog 0", "the 25-hour day, once"
    assert summary.startswith("EMEA shift: quiet")


def test_a_report_slack_refused_is_said_and_posted_late_by_a_later_run_once_the_channel_is_fixed(standin, tmp_path,
                                                                                                   caplog):
    db_path = database_for(tmp_path)
    prepare_database(db_path)
    watched_since(Store(db_path).db(), datetime(2026, 11, 1, tzinfo=BERLIN), "daily-digest")
    standin.fail("chat.postMessage", error="not_in_channel")
    standin.fail("conversations.join", error="method_not_supported_for_channel_type")  # private, until someone invites the bot
    assert run_digest_at(standin, db_path, datetime(2026, 11, 24, 9, 0, 1, tzinfo=BERLIN)) == [("2026-11-23", True)]
    assert standin.messages("C0LEADS") == []
    assert outbox.last_outcome(Store(db_path).db(), subject(DIGEST_JOB, "2026-11-23")) == "failed: not_in_channel"
    assert ("daily-digest 2026-11-23 is not posted: Slack refused it in <#C0LEADS> (`not_in_channel`): I am not a"
            " member: invite me there with `/invite @supportbot`") in caplog.text
    assert run_digest_at(standin, db_path, datetime(2026, 11, 24, 9, 30, tzinfo=BERLIN)) == [("2026-11-23", True)]
    (digest,) = standin.messages("C0LEADS")
    assert "Posted late" in repr(digest["blocks"])
    assert run_digest_at(standin, db_path, datetime(2026, 11, 24, 9, 31, tzinfo=BERLIN)) == [("2026-11-23", False)]
