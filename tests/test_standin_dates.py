"""The stand-in reads `<!date…>` as Slack's clients do for a reader in the team's zone, following each
token's format, so the demo's transcripts show "3 minutes ago" and "07:23" rather than the UTC fallback."""

from datetime import datetime, timedelta, timezone

import pytest

from commands.text import slack_date
from standin import DateReader
from standin.transcript import render_channel
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 6, 7, 26, 0, tzinfo=timezone.utc)  # 08:26 in Berlin
READER = DateReader(BERLIN, NOW)


def read(moment: datetime, token: str) -> str:
    target, _, fallback = slack_date(moment, token)[1:-1].partition("|")
    return READER.read(target, fallback)


@pytest.mark.parametrize(("back", "words"), [
    (timedelta(seconds=20), "a few seconds ago"), (timedelta(seconds=70), "a minute ago"),
    (timedelta(minutes=3), "3 minutes ago"), (timedelta(minutes=70), "an hour ago"), (timedelta(hours=5), "5 hours ago"),
    (timedelta(hours=30), "a day ago"), (timedelta(days=9), "9 days ago"), (-timedelta(hours=2), "in 2 hours"),
])
def test_ago_reads_as_relative_words(back, words):
    assert read(NOW - back, "{ago}") == words


def test_each_token_follows_its_format_in_the_readers_zone():
    moment = datetime(2026, 12, 6, 6, 23, 5, tzinfo=timezone.utc)  # 07:23:05 in Berlin
    assert read(moment, "{time}") == "07:23" and read(moment, "{time_secs}") == "07:23:05"
    assert read(moment, "{date_num} {time}") == "2026-12-06 07:23"
    assert read(moment, "{date_short_pretty} {time}") == "Today 07:23"
    assert read(moment, "at {time} {date_pretty}") == "at 07:23 today"
    assert read(moment - timedelta(days=1), "{date_short_pretty}") == "Yesterday"
    assert read(moment - timedelta(days=3), "{date_short_pretty} at {time}") == "Dec 3, 2026 at 07:23"
    assert read(moment - timedelta(days=3), "{date}") == "December 3rd, 2026"
    assert read(moment - timedelta(days=3), "{date_long}") == "Thursday, December 3rd, 2026"
    late_evening = datetime(2026, 12, 5, 23, 30, tzinfo=timezone.utc)  # already the 6th in Berlin
    assert read(late_evening, "{date_num}") == "2026-12-06"


def test_an_unknown_token_or_a_broken_date_shows_the_fallback():
    assert READER.read("!date^1796540000^{weekday}", "fallback") == "fallback"
    assert READER.read("!date^soon^{time}", "fallback") == "fallback"


def test_a_transcript_reads_dates_for_its_reader_and_keeps_the_fallback_without_one():
    message = {"ts": "1.000001", "user": "U0BOT", "text": f"opened {slack_date(NOW - timedelta(minutes=3), '{ago}')}"}
    assert render_channel("#help", [message], str, READER) == "#help\nU0BOT: opened 3 minutes ago"
    assert render_channel("#help", [message], str) == "#help\nU0BOT: opened 2026-12-06 07:23 UTC"
