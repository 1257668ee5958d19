"""The escalation as the rest of the bot sees it: plain, immutable values."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

LINES = (1, 2, 3)
PRIORITIES = ("P1", "P2", "P3", "P4")
DEFAULT_PRIORITY = "P3"


class Status(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Source(StrEnum):
    """How the escalation was raised; reaction and shortcut ones live in the thread of a message."""

    COMMAND = "command"
    MODAL = "modal"
    REACTION = "reaction"
    SHORTCUT = "shortcut"


class Action(StrEnum):
    RAISED = "raised"
    TAKEN = "taken"
    ASSIGNED = "assigned"
    MOVED_UP = "moved_up"
    MOVED_DOWN = "moved_down"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    HANDED_OFF = "handed_off"
    ACKNOWLEDGED = "acknowledged"
    SLA_BREACHED = "sla_breached"
    RELEASED = "released"
    WAITING = "waiting"
    RESUMED = "resumed"
    EDITED = "edited"


@dataclass(frozen=True)
class NewEscalation:
    summary: str
    requester: str
    channel: str
    source: Source
    priority: str = DEFAULT_PRIORITY
    line: int = 1
    message_ts: str | None = None
    category: str | None = None
    customer_ref: str | None = None
    raised_by: str | None = None  # who reacted to, or used the shortcut on, the requester's message
    origin_link: str | None = None  # the permalink of that message


@dataclass(frozen=True)
class Details:
    """What `/esc edit` may change."""

    summary: str
    priority: str
    category: str | None
    customer_ref: str | None


@dataclass(frozen=True)
class Escalation:
    id: int
    summary: str
    priority: str
    category: str | None
    customer_ref: str | None
    requester: str
    source: Source
    origin_channel: str
    origin_ts: str | None
    status: Status
    line: int
    created_at: datetime
    resolved_at: datetime | None
    owners: dict[int, str] = field(default_factory=dict)
    raised_by: str | None = None
    origin_link: str | None = None
    waiting_since: datetime | None = None  # waiting on the customer since
    waiting_reason: str | None = None
    waited_seconds: int = 0  # on the customer, in all, before now

    @property
    def details(self) -> Details:
        return Details(self.summary, self.priority, self.category, self.customer_ref)

    @property
    def is_waiting(self) -> bool:
        return self.waiting_since is not None

    @property
    def raiser(self) -> str:
        return self.raised_by or self.requester

    @property
    def key(self) -> str:
        return f"ESC-{self.id}"

    @property
    def current_owner(self) -> str | None:
        return self.owners.get(self.line)

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN


@dataclass(frozen=True)
class Event:
    escalation_id: int
    at: datetime
    actor: str
    action: Action
    line: int
    from_value: str | None = None
    to_value: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The escalation after a change, the audit events it wrote, and whether the request was a replay."""

    escalation: Escalation
    events: tuple[Event, ...] = ()
    duplicate: bool = False
    delivery: object | None = None  # the cards row leased to the raising process (storage/outbox.py's Claim)
