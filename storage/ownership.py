"""Who may own an escalation where, and whether a click still matches what the person saw.

Membership of user groups is Slack's to say: the caller looks it up and passes the plain
facts (`Crew`); the rules here decide inside the change's transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import records, sla
from storage.errors import InvalidTransition
from storage.model import Action, Escalation, Event
from storage.sla import ACK_LINE


@dataclass(frozen=True)
class Crew:
    """Line 3's responders (user groups already resolved to their members) and the leads. With no
    responders configured anyone may work line 3."""

    responders: frozenset[str] = frozenset()
    leads: frozenset[str] = frozenset()
    configured: bool = False

    def allows(self, user: str) -> bool:
        return not self.configured or user in self.responders or user in self.leads


ANYONE = Crew()


@dataclass(frozen=True)
class Seen:
    """What a card showed when it was clicked: the line and that line's owner."""

    line: int
    owner: str | None


class NotOnCrew(InvalidTransition):
    """Only line 3's responders and the leads may acknowledge or take there."""

    def __init__(self, esc: Escalation, verb: str):
        super().__init__(f"Only line 3's responders or a lead can {verb} {esc.key}. Nothing changed.")
        self.key = esc.key
        self.verb = verb


class NotYours(InvalidTransition):
    """Someone owns the escalation on its line: only they or a lead may do this."""

    def __init__(self, esc: Escalation, verb: str):
        super().__init__(f"{esc.key} is owned on line {esc.line}: only its owner or a lead can {verb} it. Nothing changed.")
        self.key = esc.key
        self.verb = verb
        self.owner = esc.current_owner
        self.line = esc.line


class CardChanged(InvalidTransition):
    """The escalation is no longer as the clicked card showed it; carries what it is now."""

    def __init__(self, esc: Escalation, seen: Seen):
        super().__init__(f"{esc.key} changed since its card was drawn. Nothing changed.")
        self.key = esc.key
        self.seen = seen
        self.line = esc.line
        self.owner = esc.current_owner


class CrewUnknown(InvalidTransition):
    """The escalation reached line 3 between the look-up of its crew and the change."""

    def __init__(self, esc: Escalation):
        super().__init__(f"{esc.key} has just moved to line 3. Nothing changed.", "Please try again.")


def require_as_seen(esc: Escalation, seen: Seen | None) -> None:
    if seen is not None and (esc.line, esc.current_owner) != (seen.line, seen.owner):
        raise CardChanged(esc, seen)


def require_owner_or_lead(esc: Escalation, actor: str, leads: frozenset[str], verb: str) -> None:
    """Anyone may work an unowned escalation; an owned one is its owner's or a lead's."""
    owner = esc.current_owner
    if owner is not None and actor != owner and actor not in leads:
        raise NotYours(esc, verb)


def require_on_crew(esc: Escalation, actor: str, crew: Crew | None, verb: str) -> None:
    """On line 3 only the crew may act; `crew` None means the caller did not look it up, as the
    case was elsewhere when it asked."""
    if esc.line != ACK_LINE:
        return
    if crew is None:
        raise CrewUnknown(esc)
    if not crew.allows(actor):
        raise NotOnCrew(esc, verb)


def acknowledging(db: Database, now: datetime, esc: Escalation, engineer: str) -> list[Event]:
    """The engineer owns the case on line 3; the event keeps how long it waited there."""
    waited = _seconds_waited(db, now, esc)
    records.set_owner(db, esc.id, ACK_LINE, engineer, now)
    return [Event(esc.id, now, engineer, Action.ACKNOWLEDGED, ACK_LINE, None, engineer, str(waited))]


def _seconds_waited(db: Database, now: datetime, esc: Escalation) -> int:
    """From its arrival on line 3, which started the running ack clock."""
    clock = sla.running_clock(db, esc.id)
    arrived = clock.started_at if clock and clock.line == ACK_LINE else esc.created_at
    return max(0, int((now - arrived).total_seconds()))
