"""How the bot's changes queued for the database's write lock during a run, from its /metrics:
the lock held most of the time, or long waits per change, say the writes set the pace."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

COUNTERS = {"supportbot_write_transactions_total": "changes", "supportbot_write_lock_wait_seconds_total": "waited",
            "supportbot_write_lock_held_seconds_total": "held"}


@dataclass(frozen=True)
class LockUse:
    changes: float = 0.0
    waited: float = 0.0  # seconds, summed over the changes: several wait at once
    held: float = 0.0

    def __sub__(self, other: LockUse) -> LockUse:
        return LockUse(self.changes - other.changes, self.waited - other.waited, self.held - other.held)

    def describe(self, seconds: float, escalations: int) -> str:
        """Over a run of `seconds` that raised `escalations`."""
        if not self.changes or seconds <= 0:
            return "no change took the write lock"
        return (f"held {self.held / seconds:.0%} of the time, {1000 * self.held / self.changes:.1f} ms a change,"
                f" {self.changes / max(escalations, 1):.1f} changes an escalation,"
                f" {self.waited / seconds:.1f} changes waiting on average")


def lock_use(port: int) -> LockUse:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    found = {COUNTERS[sample.name]: sample.value for family in text_string_to_metric_families(text)
             for sample in family.samples if sample.name in COUNTERS}
    return LockUse(**found)
