"""The daily digest's KPIs for one calendar day in the team's time zone, and a 14-day series."""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from storage import backlog
from storage import figure_queries as q
from storage.model import Escalation
from storage.periods import Window, day_window

OLDEST_SHOWN = 3
SERIES_DAYS = 14


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile (linear between ranks) of durations in seconds."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class CsatTrend:
    """Answers of one kind in the period, and in the 7 days before it: like compared with like."""

    period: q.CsatFigures
    previous_7_days: q.CsatFigures


@dataclass(frozen=True)
class DigestFigures:
    day: Window
    raised: int
    resolved: int
    reopened: int
    raised_by_line: dict[int, int]
    resolved_by_line: dict[int, int]
    by_priority: dict[str, int]
    by_category: dict[str | None, int]  # None: uncategorised
    by_channel: dict[str | None, int]
    backlog: int
    time_to_resolve: Spread  # waiting on the customer left out
    time_waiting: Spread  # on the customer, of those resolved that waited
    time_to_acknowledge: Spread
    first_contact: tuple[int, int]
    deadlines: tuple[int, int]  # (met, breached)
    csat: q.CsatFigures  # every answer that counts, whatever its source
    csat_survey: CsatTrend
    csat_imported: CsatTrend
    oldest_open: list[Escalation]

    @property
    def quiet(self) -> bool:
        """Nothing raised, resolved or reopened, no deadline fell due and nobody answered."""
        return not any((self.raised, self.resolved, self.reopened, sum(self.deadlines), self.csat.count))


@dataclass(frozen=True)
class DayPoint:
    day: date
    raised: int
    resolved: int
    csat_average: float | None


def quantile(sorted_values: list[float], share: float) -> float | None:
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * share
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def spread(sorted_values: list[float]) -> Spread:
    return Spread(len(sorted_values), quantile(sorted_values, 0.5), quantile(sorted_values, 0.9))


def digest_figures(db: Database, window: Window, tz: ZoneInfo) -> DigestFigures:
    """Figures for `window`: a calendar day, today so far, or several days. CSAT is compared
    with the 7 days before the window starts, survey answers and imported scores apart."""
    first_day = window.start.astimezone(tz).date()
    week_before = Window("previous 7 days", day_window(first_day - timedelta(days=7), tz).start, window.start)
    return DigestFigures(
        day=window,
        raised=q.count_events(db, window, "raised"),
        resolved=q.count_events(db, window, "resolved"),
        reopened=q.count_events(db, window, "reopened"),
        raised_by_line=q.events_by_line(db, window, "raised"),
        resolved_by_line=q.events_by_line(db, window, "resolved"),
        by_priority=q.raised_by(db, window, "priority"),
        by_category=q.raised_by(db, window, "category"),
        by_channel=q.raised_by(db, window, "origin_channel"),
        backlog=q.backlog_at(db, q.bounds(window)[1]),
        time_to_resolve=spread(q.seconds_to_resolve(db, window)),
        time_waiting=spread(q.seconds_waiting(db, window)),
        time_to_acknowledge=spread(q.seconds_to_acknowledge(db, window)),
        first_contact=q.first_contact_resolutions(db, window),
        deadlines=q.deadlines_met(db, window),
        csat=q.csat_in(db, window),
        csat_survey=_trend(db, window, week_before, q.SURVEY_SOURCES),
        csat_imported=_trend(db, window, week_before, q.IMPORTED_SOURCES),
        oldest_open=backlog.oldest_open(db, "open", OLDEST_SHOWN),
    )


def _trend(db: Database, window: Window, week_before: Window, sources: tuple[str, ...]) -> CsatTrend:
    return CsatTrend(q.csat_in(db, window, sources), q.csat_in(db, week_before, sources))


def daily_series(db: Database, last_day: date, tz: ZoneInfo, days: int = SERIES_DAYS) -> list[DayPoint]:
    """Volume and CSAT per day for the `days` days ending with `last_day`, oldest first."""
    points = []
    for back in range(days - 1, -1, -1):
        day = last_day - timedelta(days=back)
        window = day_window(day, tz)
        points.append(DayPoint(day, q.count_events(db, window, "raised"), q.count_events(db, window, "resolved"),
                               q.csat_in(db, window).average))
    return points
