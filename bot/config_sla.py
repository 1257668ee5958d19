"""The `sla` section of app.yaml: how long each priority may wait, and how reminders repeat.

    sla:
      P1: {ack: 15m, take: 10m}
      remind_every: 10m
      max_reminders: 3

Priorities left out keep their defaults (storage/sla.py).
"""

import re
from datetime import timedelta
from typing import Any

from bot.config_checks import ConfigError, section
from storage.model import PRIORITIES
from storage.sla import DEFAULT_POLICY, SlaPolicy

DURATION = re.compile(r"^(\d+)\s*([smhd])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
DURATION_FIX = "write a whole number and a unit: 30s, 15m, 1h or 1d"


def parse_sla(raw: dict) -> SlaPolicy:
    sla = section(raw, "sla")
    unknown = sorted(set(sla) - {*PRIORITIES, "remind_every", "max_reminders"})
    if unknown:
        raise ConfigError(f"sla.{unknown[0]}", "is not an SLA key", "use P1–P4, remind_every and max_reminders")
    ack, take = dict(DEFAULT_POLICY.ack), dict(DEFAULT_POLICY.take)
    for priority in PRIORITIES:
        limits = section(sla, priority)
        if "ack" in limits:
            ack[priority] = duration(limits["ack"], f"sla.{priority}.ack")
        if "take" in limits:
            take[priority] = duration(limits["take"], f"sla.{priority}.take")
    every = duration(sla["remind_every"], "sla.remind_every") if "remind_every" in sla else DEFAULT_POLICY.remind_every
    return SlaPolicy(ack=ack, take=take, remind_every=every,
                     max_reminders=_count(sla.get("max_reminders", DEFAULT_POLICY.max_reminders)))


def duration(value: Any, key: str) -> timedelta:
    match = DURATION.match(str(value).strip())
    if not match or int(match.group(1)) == 0:
        raise ConfigError(key, f"{value!r} is not a duration", DURATION_FIX)
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 50:
        raise ConfigError("sla.max_reminders", f"{value!r} is not a number of reminders", "use a whole number from 0 to 50")
    return value


def mirror_flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, f"{value!r} is not true or false", "write mirror_replies: true or mirror_replies: false")
    return value
