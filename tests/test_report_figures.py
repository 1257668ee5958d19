"""The digest's and the shift summary's figures on a fixture day, number by number, straight from the core."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from storage.digest_figures import daily_series, digest_figures
from storage.periods import ShiftSpec, day_window, shift_window
from storage.shift_figures import shift_summary
from tests.report_fixtures import escalation, fixture_day, utc

BERLIN = ZoneInfo("Europe/Berlin")


def test_digest_figures_of_the_fixture_day(db):
    fixture_day(db)
    figures = digest_figures(db, day_window(date(2026, 11, 23), BERLIN), BERLIN)
    assert (figures.raised, figures.resolved, figures.reopened, figures.backlog) == (4, 2, 1, 4)
    assert figures.raised_by_line == {1: 2, 2: 1, 3: 1} and figures.resolved_by_line == {1: 1, 3: 1}
    assert figures.by_priority == {"P2": 2, "P1": 1, "P3": 1}
    assert figures.by_category == {"billing": 1, "bug": 1, "login": 1, None: 1}
    assert figures.by_channel == {"C0HELP": 3, "C0SUPL1": 1}
    assert (figures.time_to_resolve.median, round(figures.time_to_resolve.p90)) == (3 * 3600, 3 * 3600 + 48 * 60)
    assert (round(figures.time_to_acknowledge.median), round(figures.time_to_acknowledge.p90)) == (40 * 60, 56 * 60)
    assert figures.first_contact == (1, 2)
    assert figures.deadlines == (1, 2)
    assert (figures.csat.count, round(figures.csat.average, 2), figures.csat.distribution) == (3, 3.67, (0, 1, 0, 1, 1))
    survey, imported = figures.csat_survey, figures.csat_imported
    assert (survey.period.count, survey.period.average, survey.previous_7_days.average) == (2, 4.5, 3.0)
    assert (imported.period.count, imported.period.average, imported.previous_7_days.count) == (1, 2.0, 0)
    assert [esc.key for esc in figures.oldest_open] == ["ESC-4", "ESC-3", "ESC-6"]


def test_the_series_has_one_point_per_day_for_the_chart(db):
    fixture_day(db)
    series = daily_series(db, date(2026, 11, 23), BERLIN)
    assert len(series) == 14 and series[-1].day == date(2026, 11, 23)
    assert [(p.raised, p.resolved, p.csat_average) for p in series[-4:]] == [
        (1, 0, None), (0, 0, 3.0), (1, 1, None), (4, 2, 11 / 3)]


def test_shift_summary_counts_the_window_and_shows_what_is_open_now(db):
    fixture_day(db)
    escalation(db, 7, utc("11-20 09:00"), line=2, owner="U0SPEC1")
    night = ShiftSpec("Late", datetime(2026, 1, 1, 12).time(), datetime(2026, 1, 1, 0).time(), (0,))
    window = shift_window(night, date(2026, 11, 23), BERLIN)  # 11:00Z to 23:00Z
    summary = shift_summary(db, "Late", window, datetime(2026, 11, 23, 23, 0, tzinfo=timezone.utc))
    assert (summary.raised, summary.taken, summary.resolved, summary.reopened, summary.handoffs) == (2, 0, 1, 0, 0)
    assert [(b.line, b.priority, b.count) for b in summary.breaches] == [(2, "P3", 1), (3, "P2", 1)]
    assert {line: [e.key for e in owned] for line, owned in summary.owned_by_line.items()} == {1: [], 2: ["ESC-7"], 3: []}
    assert summary.owned_count_by_line == {1: 0, 2: 1, 3: 0} and summary.open_count_by_line == {1: 1, 2: 2, 3: 1}
    assert [e.key for e in summary.unowned] == ["ESC-4", "ESC-3", "ESC-6"] and summary.unowned_count == 3
    assert (summary.csat.count, summary.csat.average) == (3, 11 / 3)
    assert not summary.quiet
