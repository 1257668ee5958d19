"""Keeping the leads' Homes true when the time of day, not a change, moves their team view: a
shift starting or ending changes who is on duty, and the team's midnight starts a new day of
SLA breaches.

Cheap to wake often: it reads the database only when such a moment has passed since it last
looked. Two instances each re-publish a stale Home; the second mostly joins the first's
pending publish, and a Home published after the moment is not stale.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.deps import Deps
from storage import home_visits
from storage.periods import latest_turn

CHECK_EVERY = timedelta(seconds=1)


def home_turns_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=CHECK_EVERY.total_seconds())


class LeadsHomesAtTurns:
    """The job: at its first run (a Home published before this process started may predate the
    latest turn), then once after each turn."""

    def __init__(self) -> None:
        self.handled: datetime | None = None

    def __call__(self, client: WebClient, deps: Deps) -> int:
        now = deps.clock()
        turn = latest_turn(deps.team.reports.shifts, now, ZoneInfo(deps.team.timezone))
        if turn == self.handled:
            return 0
        stale = home_visits.refresh_leads_published_before(deps.store.db(), now, turn)
        self.handled = turn
        if stale:
            deps.doorbell.ring()
        return stale
