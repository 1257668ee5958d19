"""When a scheduled run posts, with an injected clock: on time, late within the grace period, never twice,
never a period from before the bot was first scheduled, and across a daylight-saving change."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from slack_sdk.errors import SlackApiError

from bot.channels import resolve_channels
from bot.config import parse_team_config
from bot.slack_client import make_client
from bot.deps import Deps
from jobs.report_jobs import run_due_digest, run_due_shift_summaries
from storage.db import Store, prepare_database
from storage.job_claims import watched_since
from tests.harness import TEAM_YAML
from tests.databases import database_for

BERLIN = ZoneInfo("Europe/Berlin")


def deps_at(standin, db_path, moments: list[datetime]):
    """Deps whose clock reads each of `moments` in turn, then stays at the last."""
    client = make_client(standin.bot_token, standin.api_url)
    team = resolve_channels(client, parse_team_config(yaml.safe_load(TEAM_YAML)))
    readings = iter(moments)
    current = [moments[0]]

    def clock():
        current[0] = next(readings, current[0])
        return current[0]

    return client, Deps(store=Store(db_path), team=team, clock=clock)


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


def test_a_failed_post_gives_the_period_back_for_the_next_run(standin, tmp_path):
    db_path = database_for(tmp_path)
    prepare_database(db_path)
    watched_since(Store(db_path).db(), datetime(2026, 11, 1, tzinfo=BERLIN), "daily-digest")
    standin.fail("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError):
        run_digest_at(standin, db_path, datetime(2026, 11, 24, 9, 0, 1, tzinfo=BERLIN))
    assert run_digest_at(standin, db_path, datetime(2026, 11, 24, 9, 30, tzinfo=BERLIN)) == [("2026-11-23", True)]
    assert "Posted late" in repr(standin.messages("C0LEADS")[-1]["blocks"])
