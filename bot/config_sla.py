"""The `sla` section of app.yaml: how long each priority may wait, and how reminders repeat.

    sla:
      P1: {ack: 15m, take: 10m}
      remind_every: 10m
      max_reminders: 3

Priorities left out keep their defaults (storage/sla.py).
"""

from datetime import timedelta
from typing import Any

from bot.config_checks import ConfigError, duration, section
from storage.model import PRIORITIES
from storage.sla import DEFAULT_POLICY, SlaPolicy


def parse_sla(raw: dict) -> SlaPolicy:
    sla = section(raw, "sla")
    unknown = sorted(set(sla) - {*PRIORITIES, "remind_every", "max_reminders"})
    if unknown:
        raise ConfigError(f"sla.{unknown[0]}", "is not an SLA key", "use P1–P4, remind_every and max_reminders")
    ack, take = dict(DEFAULT_POLICY.ack), dict(DEFAULT_POLICY.take)
    for priority in PRIORITIES:
        limits = section(sla, priority)
        if "ack" in limits:
            ack[priority] = _limit(limits["ack"], f"sla.{priority}.ack")
        if "take" in limits:
            take[priority] = _limit(limits["take"], f"sla.{priority}.take")
    every = _limit(sla["remind_every"], "sla.remind_every") if "remind_every" in sla else DEFAULT_POLICY.remind_every
    return SlaPolicy(ack=ack, take=take, remind_every=every,
                     max_reminders=_count(sla.get("max_reminders", DEFAULT_POLICY.max_reminders)))


def _limit(value: Any, key: str) -> timedelta:
    """A deadline or an interval: never zero, or every case would breach (or repeat) at once."""
    limit = duration(value, key)
    if not limit:
        raise ConfigError(key, f"{value!r} is no time at all", "give a positive duration: 30s, 15m, 1h or 1d")
    return limit


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 50:
        raise ConfigError("sla.max_reminders", f"{value!r} is not a number of reminders", "use a whole number from 0 to 50")
    return value

