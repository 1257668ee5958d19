"""Shift windows, days and the schedule on the team's wall clock, with injected datetimes."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.config import parse_team_config
from bot.config_checks import ConfigError
from jobs.report_jobs import digest_trigger, shifts_trigger
from storage.job_claims import claim_period
from storage.periods import (ShiftSpec, current_or_latest_window, day_window, latest_digest, latest_ended_window,
                             parse_clock_time, parse_days, shift_window)
from tests.harness import REPO

import yaml

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = ShiftSpec("Night", time(22), time(6), parse_days("mon-sun"))
EMEA = ShiftSpec("EMEA", time(8), time(16), parse_days("mon-fri"))


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize("days, weekdays", [
    ("mon-fri", (0, 1, 2, 3, 4)), ("mon-sun", tuple(range(7))), (["sat", "sun"], (5, 6)), ("fri-mon", (0, 4, 5, 6)),
])
def test_days_accept_ranges_and_lists(days, weekdays):
    assert parse_days(days) == weekdays


def test_times_accept_quoted_text_unquoted_yaml_and_midnight():
    assert parse_clock_time("08:00") == time(8) and parse_clock_time(960) == time(16) and parse_clock_time("24:00") == time(0)
    with pytest.raises(ValueError):
        parse_clock_time("8 o'clock")


def test_a_shift_crossing_midnight_ends_the_next_day():
    window = shift_window(NIGHT, date(2026, 11, 23), BERLIN)
    assert (window.key, window.start, window.end) == (
        "Night 2026-11-23", berlin(2026, 11, 23, 22), berlin(2026, 11, 24, 6))
    assert current_or_latest_window(NIGHT, berlin(2026, 11, 24, 3), BERLIN) == window
    assert latest_ended_window(NIGHT, berlin(2026, 11, 24, 3), BERLIN).key == "Night 2026-11-22"


def test_weekday_shifts_skip_the_weekend():
    assert latest_ended_window(EMEA, berlin(2026, 11, 30, 7), BERLIN).key == "EMEA 2026-11-27"  # Monday 07:00 → Friday


@pytest.mark.parametrize("day, hours, night_hours", [(date(2026, 3, 29), 23, 7), (date(2026, 10, 25), 25, 9)])
def test_dst_weekends_in_berlin_make_a_day_23_or_25_hours_long(day, hours, night_hours):
    assert day_window(day, BERLIN).end - day_window(day, BERLIN).start == timedelta(hours=hours)
    night = shift_window(NIGHT, day - timedelta(days=1), BERLIN)
    assert night.end - night.start == timedelta(hours=night_hours)


@pytest.mark.parametrize("first_day", [date(2026, 3, 27), date(2026, 10, 23)])
def test_dst_neither_skips_nor_doubles_a_digest(db, first_day):
    """Every 09:00 over the weekend fires once, for the day before, and each day is claimed once."""
    team = parse_team_config({**yaml.safe_load((REPO / "app.yaml").read_text()), "digest": {"time": "09:00"}})
    trigger, fired, moment = digest_trigger(team), [], berlin(first_day.year, first_day.month, first_day.day, 0)
    previous = None
    for _ in range(4):
        previous = trigger.get_next_fire_time(previous, moment)
        moment = previous + timedelta(seconds=1)
        fired.append(previous)
    assert [f.astimezone(BERLIN).strftime("%a %H:%M") for f in fired] == ["Fri 09:00", "Sat 09:00", "Sun 09:00", "Mon 09:00"]
    reported = [latest_digest(f.astimezone(timezone.utc), BERLIN, time(9))[1] for f in fired]
    assert reported == [first_day - timedelta(days=1) + timedelta(days=n) for n in range(4)]
    assert [claim_period(db, f, "daily-digest", day.isoformat()) for f, day in zip(fired, reported)] == [True] * 4
    assert not claim_period(db, fired[-1], "daily-digest", reported[-1].isoformat())


def test_the_shift_trigger_fires_at_each_end_on_the_day_it_ends():
    raw = yaml.safe_load((REPO / "app.yaml").read_text())
    trigger = shifts_trigger(parse_team_config(raw))
    moment, fired = berlin(2026, 11, 27, 12), []  # Friday noon
    for _ in range(3):
        moment = trigger.get_next_fire_time(None, moment)
        fired.append(moment.astimezone(BERLIN).strftime("%a %H:%M"))
        moment += timedelta(seconds=1)
    assert fired == ["Fri 16:00", "Sat 00:00", "Mon 16:00"]


@pytest.mark.parametrize("section, key", [
    ({"shifts": [{"name": "A", "start": "8am", "end": "16:00"}]}, "shifts[0].start"),
    ({"shifts": [{"name": "A", "start": "08:00", "end": "16:00", "days": "mon-xyz"}]}, "shifts[0].days"),
    ({"digest": {"time": "09:00", "grace": "soon"}}, "digest.grace"),
    ({"csat": {"survey_on_resolve": "maybe"}}, "csat.survey_on_resolve"),
])
def test_bad_report_settings_name_the_key(section, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse_team_config({**yaml.safe_load((REPO / "app.yaml").read_text()), **section})
