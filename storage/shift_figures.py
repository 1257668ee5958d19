"""What a shift's leads hand over: the window's activity, and where every open case stands now."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import figure_queries as q
from storage.model import LINES, Escalation
from storage.periods import Window


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
    open_by_line: dict[int, list[Escalation]]
    unowned: list[Escalation]
    waiting_ack: list[q.WaitingAck]
    breaches: list[q.Breach]
    csat: q.CsatFigures

    @property
    def breach_count(self) -> int:
        return sum(breach.count for breach in self.breaches)

    @property
    def quiet(self) -> bool:
        """Nothing happened in the window and nothing is left open."""
        activity = (self.raised, self.taken, self.resolved, self.reopened, self.handoffs, self.breach_count, self.csat.count)
        return not any(activity) and not any(self.open_by_line.values())


def shift_summary(db: Database, shift: str, window: Window, now: datetime) -> ShiftSummary:
    """Counts are of events inside the window; open, unowned and waiting are as of `now`."""
    still_open = q.open_escalations(db)
    return ShiftSummary(
        shift=shift, window=window, as_of=now,
        raised=q.count_events(db, window, "raised"),
        taken=q.count_events(db, window, "taken", "assigned"),
        resolved=q.count_events(db, window, "resolved"),
        reopened=q.count_events(db, window, "reopened"),
        handoffs=q.count_events(db, window, "handed_off"),
        open_by_line={line: [esc for esc in still_open if esc.line == line] for line in LINES},
        unowned=[esc for esc in still_open if esc.current_owner is None],
        waiting_ack=q.waiting_for_ack(db),
        breaches=q.breaches_in(db, window),
        csat=q.csat_in(db, window),
    )
