"""The checks every app.yaml section shares: each failure is one ConfigError naming the key and the fix."""

import re
from datetime import timedelta
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
CHANNEL_NAME = re.compile(r"^#[a-z0-9][a-z0-9_\-]{0,79}$")
USER_OR_GROUP_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")
EMOJI_NAME = re.compile(r"^[a-z0-9_+\-']+$")
DURATION = re.compile(r"^(\d+)\s*(s|m|min|h|d)$")
DURATION_UNITS = {"s": "seconds", "m": "minutes", "min": "minutes", "h": "hours", "d": "days"}


class ConfigError(Exception):
    """One line that names the key and says how to fix it."""

    def __init__(self, key: str, problem: str, fix: str):
        super().__init__(f"{key}: {problem}. Fix: {fix}")
        self.key = key


def section(raw: dict, key: str) -> dict:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(key, "must be a mapping", f"write it as `{key}:` followed by indented keys")
    return value


def list_value(raw: dict, key: str, name: str) -> list:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(name, "must be a list", f'write it as {name.rsplit(".", 1)[-1]}: ["a", "b"]')
    return value


def each(raw: dict, key: str, name: str, check: Callable[[Any, str], str]) -> tuple[str, ...]:
    """Every item of a list key, each checked under its own name, e.g. `leads.users[1]`."""
    return tuple(check(item, f"{name}[{i}]") for i, item in enumerate(list_value(raw, key, name)))


def short_text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "must be a non-empty text", "give it a short name in quotes")
    return value.strip()


def time_zone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("timezone", f"{value!r} is not an IANA time zone", "use a name like Europe/Berlin") from None
    return str(value)


def channel_ref(value: Any, key: str) -> str:
    if isinstance(value, str) and (CHANNEL_ID.match(value) or CHANNEL_NAME.match(value)):
        return value
    raise ConfigError(key, f"{value!r} is not a channel", 'give a channel ID like C0123ABCD or a name like "#help"')


def emoji_name(value: Any) -> str:
    name = str(value).strip(":")
    if not EMOJI_NAME.match(name):
        raise ConfigError("escalations.reaction", f"{value!r} is not an emoji name", "use a name like sos")
    return name


def user_id(value: Any, key: str) -> str:
    if isinstance(value, str) and USER_OR_GROUP_ID.match(value):
        return value
    raise ConfigError(key, f"{value!r} is not a user or user-group ID",
                      "use IDs like U0123ABCD (a person) or S0123ABCD (a user group)")


def duration(value: Any, key: str, fix: str = "write a whole number and a unit: 30s, 15m, 1h or 1d") -> timedelta:
    match = DURATION.match(str(value).strip())
    if not match:
        raise ConfigError(key, f"{value!r} is not a duration", fix)
    return timedelta(**{DURATION_UNITS[match.group(2)]: int(match.group(1))})


def true_or_false(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, f"{value!r} is not true or false", f"write {key.rsplit('.', 1)[-1]}: true or false")
    return value
