"""Reading `/digest [today|yesterday|7d|YYYY-MM-DD]` and `/shift summary [NAME]`."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config_digests import ReportsConfig
from commands.text import as_code
from storage.errors import UsageError
from storage.periods import ShiftSpec, Window, current_or_latest_window, day_window, local_day, shift_on_duty

DIGEST_USAGE = "/digest [today|yesterday|7d|YYYY-MM-DD]"
SHIFT_USAGE = "/shift summary [NAME]"


def digest_period(text: str, now: datetime, tz: ZoneInfo) -> tuple[Window, str]:
    """The window a digest covers and its title."""
    word = text.strip().lower()
    today = local_day(now, tz)
    if word == "today":
        return Window("today", day_window(today, tz).start, now), "Digest · today so far"
    if word == "yesterday":
        return day_window(today - timedelta(days=1), tz), f"Digest · yesterday, {_day(today - timedelta(days=1))}"
    if word == "7d":
        return Window("7d", day_window(today - timedelta(days=6), tz).start, now), "Digest · the last 7 days"
    try:
        day = date.fromisoformat(word)
    except ValueError:
        raise UsageError(f"`{as_code(text.strip())}` is not a day I know.", f"Usage: `{DIGEST_USAGE}`") from None
    return day_window(day, tz), f"Digest · {_day(day)}"


def _day(day: date) -> str:
    return day.strftime("%a %d %b %Y")


def shift_to_show(text: str, reports: ReportsConfig, now: datetime, tz: ZoneInfo) -> tuple[ShiftSpec, Window]:
    """The named shift's current (or latest) window; without a name, the shift running now."""
    words = text.split(maxsplit=1)
    if not words or words[0].lower() != "summary":
        raise UsageError("`/shift` shows a shift's summary so far.", f"Usage: `{SHIFT_USAGE}`")
    if not reports.shifts:
        raise UsageError("No shifts are set up.", "Add them under `shifts:` in app.yaml.")
    names = ", ".join(shift.name for shift in reports.shifts)
    if len(words) > 1:
        shift = reports.shift(words[1].strip())
        if shift is None:
            raise UsageError(f"There is no shift called `{as_code(words[1].strip())}`.", f"Shifts: {names}.")
        return shift, current_or_latest_window(shift, now, tz)
    on_duty = shift_on_duty(reports.shifts, now, tz)
    if on_duty is None:
        raise UsageError("No shift is running now.", f"Name one: `/shift summary NAME` ({names}).")
    return on_duty.shift, on_duty.window
