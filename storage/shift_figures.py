"""What a shift's leads hand over: the window's activity, and where the open cases stand now.

Each open case is listed once: unowned (whatever its line), or owned on its line. The lists
hold the oldest LISTED_PER_LIST of each, beside the full counts: a team far behind gets its
summary in milliseconds, and `/esc list` pages through the rest."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import backlog
from storage import figure_queries as q
from storage.model import LINES, Escalation
from storage.periods import Window

LISTED_PER_LIST = 48


@dataclass(frozen=True)
class ShiftSummary:
    shift: str
    window: Window
    as_of: datetime
    raised: int
    taken: int
    resolved: int
    reopened: int
    handoffs: int
    owned_by_line: dict[int, list[Escalation]]  # the oldest owned on each line
    owned_count_by_line: dict[int, int]
    open_count_by_line: dict[int, int]  # owned or not
    unowned: list[Escalation]  # the oldest
    unowned_count: int
    waiting_ack: list[q.WaitingAck]  # the longest waiting
    waiting_ack_count: int
    waiting_on_customer_count: int  # open and paused until the customer answers
    breaches: list[q.Breach]
    csat: q.CsatFigures

    @property
    def breach_count(self) -> int:
        return sum(breach.count for breach in self.breaches)

    @property
    def idle(self) -> bool:
        """Nothing happened in the window."""
        activity = (self.raised, self.taken, self.resolved, self.reopened, self.handoffs, self.breach_count, self.csat.count)
        return not any(activity)

    @property
    def quiet(self) -> bool:
        """Nothing happened in the window and nothing is left open."""
        return self.idle and not any(self.open_count_by_line.values())


def shift_summary(db: Database, shift: str, window: Window, now: datetime) -> ShiftSummary:
    """Counts are of events inside the window; open, unowned and waiting are as of `now`."""
    open_now = backlog.open_counts(db)
    return ShiftSummary(
        shift=shift, window=window, as_of=now,
        raised=q.count_events(db, window, "raised"),
        taken=q.count_events(db, window, "taken", "assigned"),
        resolved=q.count_events(db, window, "resolved"),
        reopened=q.count_events(db, window, "reopened"),
        handoffs=q.count_events(db, window, "handed_off"),
        owned_by_line={line: q.oldest_owned_open(db, line, LISTED_PER_LIST) for line in LINES},
        owned_count_by_line=open_now.owned_by_line,
        open_count_by_line=open_now.by_line,
        unowned=backlog.oldest_open(db, "unowned", LISTED_PER_LIST),
        unowned_count=open_now.unowned,
        waiting_ack=q.waiting_for_ack(db, LISTED_PER_LIST),
        waiting_ack_count=q.count_waiting_for_ack(db),
        waiting_on_customer_count=q.count_waiting_on_customer(db),
        breaches=q.breaches_in(db, window),
        csat=q.csat_in(db, window),
    )
