"""Line 3 acknowledgements: an engineer says "mine", and the case has its line-3 owner.

However it arrives — a reply in the card's thread, a reaction, the button, `/esc ack` — an
acknowledgement is one change: the engineer owns the case on line 3, the wait is measured
and the ack clock stops, all in the transaction of its audit event. A second one changes
nothing and says who was first.
"""

from datetime import datetime

from sqlite_utils import Database

from storage import records, sla
from storage.errors import InvalidTransition
from storage.escalations import change, require_open
from storage.model import Action, Escalation, Event, Outcome
from storage.sla import ACK_LINE, DEFAULT_POLICY, SlaPolicy


def acknowledge(db: Database, now: datetime, escalation_id: int, engineer: str, request_key: str,
                policy: SlaPolicy = DEFAULT_POLICY) -> Outcome:
    def decide(db: Database, esc: Escalation) -> list[Event]:
        require_open(esc)
        _require_waiting_on_line_3(esc)
        waited = _seconds_waited(db, now, esc)
        records.set_owner(db, esc.id, ACK_LINE, engineer, now)
        return [Event(esc.id, now, engineer, Action.ACKNOWLEDGED, ACK_LINE, None, engineer, str(waited))]

    return change(db, now, escalation_id, engineer, request_key, decide, policy)


def _require_waiting_on_line_3(esc: Escalation) -> None:
    if esc.line != ACK_LINE:
        raise InvalidTransition(
            f"{esc.key} is on line {esc.line}, so there is nothing to acknowledge yet.",
            f"Acknowledgements are for line 3. Move it up with `/esc up {esc.key}` if engineering must look.",
        )
    owner = esc.owners.get(ACK_LINE)
    if owner:
        raise InvalidTransition(f"{esc.key} is already acknowledged: <@{owner}> owns it on line 3. Nothing changed.",
                                f"To take it over, use `/esc take {esc.key}`.")


def _seconds_waited(db: Database, now: datetime, esc: Escalation) -> int:
    """From its arrival on line 3, which started the running ack clock."""
    clock = sla.running_clock(db, esc.id)
    arrived = clock.started_at if clock and clock.line == ACK_LINE else esc.created_at
    return max(0, int((now - arrived).total_seconds()))
