"""Incident notices as the rest of the bot sees them: plain, immutable values."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class IncidentStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    DISCARDED = "discarded"

    @property
    def word(self) -> str:
        return self.value.title()


LIVE = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)
UPDATE_STATUSES = LIVE
FOLLOW_UP_STATUSES = (*LIVE, IncidentStatus.RESOLVED)
SEVERITIES = ("SEV1", "SEV2", "SEV3")
DEFAULT_SEVERITY = "SEV2"


class IncidentAction(StrEnum):
    DRAFTED = "drafted"
    PICKED = "picked"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    BROADCAST = "broadcast"
    UPDATED = "updated"
    RESOLVED = "resolved"
    DISCARDED = "discarded"
    POSTED = "posted"
    POST_FAILED = "post_failed"
    EDIT_FAILED = "edit_failed"
    BACK_IN_STEP = "back_in_step"


@dataclass(frozen=True)
class Incident:
    id: int
    title: str
    status: IncidentStatus
    severity: str | None
    notify_here: bool
    channels: tuple[str, ...]
    created_by: str
    broadcast_by: str | None
    card_channel: str
    card_ts: str | None
    picked_ts: str | None
    created_at: datetime
    scheduled_for: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None

    @property
    def key(self) -> str:
        return f"INC-{self.id}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    @property
    def next_status(self) -> IncidentStatus:
        """Investigating → Identified → Monitoring, then Monitoring again."""
        position = LIVE.index(self.status) if self.status in LIVE else -1
        return LIVE[min(position + 1, len(LIVE) - 1)]


@dataclass(frozen=True)
class Revision:
    ts: str
    author: str
    text: str


@dataclass(frozen=True)
class Step:
    """One notice sent to every channel: step 0 is the broadcast, later steps follow in its thread."""

    incident_id: int
    number: int
    status: IncidentStatus
    text: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class Post:
    channel: str
    ts: str | None
    error: str | None


@dataclass(frozen=True)
class BroadcastPlan:
    """What the broadcast modal asked for."""

    channels: tuple[str, ...]
    severity: str
    notify_here: bool
    scheduled_for: datetime | None = None


@dataclass(frozen=True)
class FollowUp:
    """What the update form sent: the status every copy moves to, the words posted under each
    copy (empty: the status only), and the thread reply they started from, if any."""

    status: IncidentStatus
    text: str
    draft_ts: str | None = None


@dataclass(frozen=True)
class IncidentOutcome:
    """The incident after a change, the step it sent (if any) with the outbox row that sends it,
    and whether the request was a replay."""

    incident: Incident
    step: Step | None = None
    duplicate: bool = False
    row: int | None = None
