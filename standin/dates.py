"""Slack's `<!date^SECONDS^FORMAT(^LINK)|FALLBACK>` as a reader in one time zone sees it.

Slack's clients fill each `{token}` of the format in the reader's own zone; the fallback is
only for clients that cannot. The stand-in's transcripts read dates the same way, so the demo
shows "3 minutes ago" and "07:23", not the UTC fallback. Times read as on a 24-hour clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

_TOKEN = re.compile(r"\{(\w+)\}")
_DAYS_AWAY = {0: "today", -1: "yesterday", 1: "tomorrow"}


@dataclass(frozen=True)
class DateReader:
    zone: ZoneInfo
    now: datetime

    def read(self, target: str, fallback: str) -> str:
        """`target` is `!date^SECONDS^FORMAT` (maybe `^LINK`); an unreadable one shows its fallback."""
        parts = target.split("^")
        if len(parts) < 3 or not parts[1].lstrip("-").isdigit():
            return fallback
        moment = datetime.fromtimestamp(int(parts[1]), timezone.utc).astimezone(self.zone)
        if not all(name in _KNOWN for name in _TOKEN.findall(parts[2])):
            return fallback
        return _TOKEN.sub(lambda match: self._token(match, moment), parts[2])

    def _token(self, match: re.Match, moment: datetime) -> str:
        name = match.group(1)
        if name == "ago":
            return ago(moment, self.now)
        today = self.now.astimezone(self.zone).date()
        near = _DAYS_AWAY.get((moment.date() - today).days)
        if name == "day_divider_pretty":
            if near:
                return near.capitalize()
            return _long(moment) if moment.year != today.year else _long(moment).rsplit(",", 1)[0]
        if name in _PRETTY:
            if near:
                return near.capitalize() if match.start() == 0 else near
            name = _PRETTY[name]
        return _FORMATS[name](moment)


def ago(moment: datetime, now: datetime) -> str:
    """Relative words as Slack's clients put them: "a few seconds ago", "3 minutes ago", "in 2 hours"."""
    seconds = (now - moment).total_seconds()
    words = _span(abs(seconds))
    return f"in {words}" if seconds < 0 else f"{words} ago"


def _span(seconds: float) -> str:
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    steps = ((seconds < 45, "a few seconds"), (seconds < 90, "a minute"), (minutes < 45, f"{round(minutes)} minutes"),
             (minutes < 90, "an hour"), (hours < 22, f"{round(hours)} hours"), (hours < 36, "a day"),
             (days < 26, f"{round(days)} days"), (days < 45, "a month"), (days < 320, f"{round(days / 30.4)} months"),
             (days < 548, "a year"))
    return next((words for applies, words in steps if applies), f"{round(days / 365)} years")


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _long(moment: date) -> str:
    return f"{moment.strftime('%A, %B')} {_ordinal(moment.day)}, {moment.year}"


_FORMATS = {
    "date_num": lambda m: m.strftime("%Y-%m-%d"),
    "date_slash": lambda m: m.strftime("%d/%m/%Y"),
    "date": lambda m: f"{m.strftime('%B')} {_ordinal(m.day)}, {m.year}",
    "date_short": lambda m: f"{m.strftime('%b')} {m.day}, {m.year}",
    "date_long": _long,
    "date_long_full": lambda m: f"{m.strftime('%B')} {m.day}, {m.year}",
    "time": lambda m: m.strftime("%H:%M"),
    "time_secs": lambda m: m.strftime("%H:%M:%S"),
}
_PRETTY = {"date_pretty": "date", "date_short_pretty": "date_short", "date_long_pretty": "date_long"}
_KNOWN = {*_FORMATS, *_PRETTY, "ago", "day_divider_pretty"}
