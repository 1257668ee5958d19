"""Report periods in the team's time zone: shift windows (which may cross midnight) and days.

Pure maths on injected datetimes. Windows are stored and queried in UTC, but they are
defined on the team's wall clock, so a day is 23 or 25 hours long across a daylight-saving
change and a night shift is an hour shorter or longer; each still has one period key.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Sequence
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOK_BACK_DAYS = 8  # a weekly shift has started within the last 8 local days


@dataclass(frozen=True)
class ShiftSpec:
    name: str
    start: time
    end: time
    days: tuple[int, ...]  # weekdays (0 = Monday) on which the shift starts

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC, and the key that names it once, e.g. `EMEA 2026-11-23` or `2026-11-23`."""

    key: str
    start: datetime
    end: datetime


def parse_days(value: object) -> tuple[int, ...]:
    """`mon-fri`, `mon-sun`, `sat` or a list like `[sat, sun]` to weekday numbers."""
    items = value if isinstance(value, list) else [value]
    days: set[int] = set()
    for item in items:
        first, _, last = str(item).strip().lower().partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise ValueError(f"{item!r} is not a day or a range of days")
        low, high = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        days.update(range(low, high + 1) if low <= high else [*range(low, 7), *range(0, high + 1)])
    if not days:
        raise ValueError("no days given")
    return tuple(sorted(days))


def parse_clock_time(value: object) -> time:
    """`"08:00"` to a time; `"24:00"` is midnight at a shift's end. Unquoted `16:00` reaches us
    as 960, YAML 1.1's base-60 number, which is read back as minutes."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    text = str(value).strip()
    if text == "24:00":
        return time(0)
    if re.fullmatch(r"\d\d:\d\d", text) and int(text[:2]) < 24 and int(text[3:]) < 60:
        return time(int(text[:2]), int(text[3:]))
    raise ValueError(f"{value!r} is not a time of day like \"08:00\"")


def wall_clock(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC moment the team's clocks show `at` on `day`. A time skipped by a spring-forward
    change maps to the moment an hour later on the clock, which is how people read it."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(timezone.utc)


def shift_window(shift: ShiftSpec, day: date, tz: ZoneInfo) -> Window:
    """The window of `shift` that starts on `day` (local)."""
    end_day = day + timedelta(days=1) if shift.crosses_midnight else day
    return Window(f"{shift.name} {day.isoformat()}", wall_clock(day, shift.start, tz), wall_clock(end_day, shift.end, tz))


def _windows_back(shift: ShiftSpec, now: datetime, tz: ZoneInfo) -> list[Window]:
    today = now.astimezone(tz).date()
    days = (today - timedelta(days=back) for back in range(LOOK_BACK_DAYS))
    return [shift_window(shift, day, tz) for day in days if day.weekday() in shift.days]


def current_or_latest_window(shift: ShiftSpec, now: datetime, tz: ZoneInfo) -> Window:
    """The window running at `now`, else the one that ended last."""
    return next(window for window in _windows_back(shift, now, tz) if window.start <= now)


def latest_ended_window(shift: ShiftSpec, now: datetime, tz: ZoneInfo) -> Window:
    return next(window for window in _windows_back(shift, now, tz) if window.end <= now)


def running_window(shift: ShiftSpec, now: datetime, tz: ZoneInfo) -> Window | None:
    window = current_or_latest_window(shift, now, tz)
    return window if window.end > now else None


@dataclass(frozen=True)
class OnDuty:
    shift: ShiftSpec
    window: Window  # the shift's window running now: on duty until its end


def shift_on_duty(shifts: Sequence[ShiftSpec], now: datetime, tz: ZoneInfo) -> OnDuty | None:
    """The shift on duty at `now`: the first configured one whose window is running (shifts that
    overlap hand over in the order app.yaml lists them); None between shifts."""
    return next((OnDuty(shift, window) for shift in shifts if (window := running_window(shift, now, tz))), None)


def latest_turn(shifts: Sequence[ShiftSpec], now: datetime, tz: ZoneInfo) -> datetime:
    """The last moment at or before `now` when a shift started or ended, or the team's day began:
    what a lead's team view says about who is on duty and about today changed then."""
    moments = [day_window(local_day(now, tz), tz).start]
    for shift in shifts:
        moments += [moment for window in _windows_back(shift, now, tz) for moment in (window.start, window.end)
                    if moment <= now]
    return max(moments)


def day_window(day: date, tz: ZoneInfo) -> Window:
    return Window(day.isoformat(), wall_clock(day, time(0), tz), wall_clock(day + timedelta(days=1), time(0), tz))


def local_day(now: datetime, tz: ZoneInfo, days_back: int = 0) -> date:
    return now.astimezone(tz).date() - timedelta(days=days_back)


def latest_digest(now: datetime, tz: ZoneInfo, at: time) -> tuple[datetime, date]:
    """When the last daily digest fell due (at `at`, local) and the day it reports: the day before."""
    today = local_day(now, tz)
    due = wall_clock(today, at, tz)
    if due > now:
        today -= timedelta(days=1)
        due = wall_clock(today, at, tz)
    return due, today - timedelta(days=1)
