"""What P1–P4 mean, in words and in the team's own SLA deadlines."""

from commands.text import duration_words
from storage.model import PRIORITIES
from storage.sla import SlaPolicy

PRIORITY_NAMES = {"P1": "Critical", "P2": "High", "P3": "Normal", "P4": "Low"}


def priority_label(priority: str, policy: SlaPolicy) -> str:
    """E.g. "P1 · Critical — owner within 10 min"."""
    take = duration_words(int(policy.allowed("take", priority).total_seconds()))
    return f"{priority} · {PRIORITY_NAMES[priority]} — owner within {take}"


def ack_words(priority: str, policy: SlaPolicy) -> str:
    return f"line 3 acknowledges within {duration_words(int(policy.allowed('ack', priority).total_seconds()))}"


def priority_lines(policy: SlaPolicy) -> list[str]:
    return [f"{priority_label(priority, policy)}, {ack_words(priority, policy)}" for priority in PRIORITIES]
