"""Line 3 acknowledgements: an engineer says "mine", and the case has its line-3 owner.

However it arrives — a reply in the card's thread, a reaction, the button, `/esc ack`, a Take
on line 3 — an acknowledgement is one change: the engineer owns the case on line 3, the wait
is measured and the ack clock stops, all in the transaction of its audit event, with the
outbox row that puts the bot's reaction on an acknowledging reply. A second one changes
nothing and says who was first.
"""

from datetime import datetime

from sqlite_utils import Database

from storage import escalation_effects as effects
from storage.errors import InvalidTransition
from storage.escalations import change, require_open
from storage.model import Escalation, Event, Outcome
from storage.ownership import ANYONE, Crew, acknowledging, require_on_crew
from storage.sla import ACK_LINE, DEFAULT_POLICY, SlaPolicy


def acknowledge(db: Database, now: datetime, escalation_id: int, engineer: str, request_key: str,
                policy: SlaPolicy = DEFAULT_POLICY, crew: Crew | None = ANYONE,
                reply: tuple[str, str] | None = None) -> Outcome:
    """`reply` is the (channel, ts) of the thread reply that acknowledged, which gets a reaction."""
    def decide(db: Database, esc: Escalation) -> list[Event]:
        require_open(esc)
        _require_on_line_3(esc)
        require_on_crew(esc, engineer, crew, "acknowledge")
        _require_unacknowledged(esc)
        return acknowledging(db, now, esc, engineer)

    def confirm(db: Database) -> None:
        if reply:
            effects.reply_is_confirmed(db, now, escalation_id, *reply)

    return change(db, now, escalation_id, engineer, request_key, decide, policy, also=confirm)


def _require_on_line_3(esc: Escalation) -> None:
    if esc.line != ACK_LINE:
        raise InvalidTransition(
            f"{esc.key} is on line {esc.line}, so there is nothing to acknowledge yet.",
            "Acknowledgements are for line 3. Move it up with {up} if engineering must look.",
            commands={"up": f"/esc up {esc.key}"},
        )


def _require_unacknowledged(esc: Escalation) -> None:
    owner = esc.owners.get(ACK_LINE)
    if owner:
        raise InvalidTransition(f"{esc.key} is already acknowledged: {{owner}} owns it on line 3. Nothing changed.",
                                "To take it over, use {take}.", commands={"take": f"/esc take {esc.key}"},
                                people={"owner": owner})
