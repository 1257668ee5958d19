"""Settings from the environment and app.yaml, checked up front.

Every problem is reported as one ConfigError naming the key and the fix; nothing here reads
the environment at import time, so tests build settings from plain dicts.
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from storage.model import LINES

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
CHANNEL_NAME = re.compile(r"^#[a-z0-9][a-z0-9_\-]{0,79}$")
USER_OR_GROUP_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")
EMOJI_NAME = re.compile(r"^[a-z0-9_+\-']+$")


class ConfigError(Exception):
    """One line that names the key and says how to fix it."""

    def __init__(self, key: str, problem: str, fix: str):
        super().__init__(f"{key}: {problem}. Fix: {fix}")
        self.key = key


@dataclass(frozen=True)
class Line:
    level: int
    name: str
    channel: str
    responders: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamConfig:
    timezone: str
    lines: tuple[Line, ...]
    watch_channels: tuple[str, ...]
    reaction: str
    categories: tuple[str, ...]
    leads_channel: str | None
    leads_users: tuple[str, ...]

    def line(self, level: int) -> Line:
        return next(line for line in self.lines if line.level == level)

    def channel_refs(self) -> set[str]:
        refs = {line.channel for line in self.lines} | set(self.watch_channels)
        return refs | ({self.leads_channel} if self.leads_channel else set())

    def with_channel_ids(self, ids: Mapping[str, str]) -> "TeamConfig":
        """The same config with every `#name` replaced by the channel ID it resolved to."""
        return replace(
            self,
            lines=tuple(replace(line, channel=ids.get(line.channel, line.channel)) for line in self.lines),
            watch_channels=tuple(ids.get(ref, ref) for ref in self.watch_channels),
            leads_channel=ids.get(self.leads_channel, self.leads_channel) if self.leads_channel else None,
        )


@dataclass(frozen=True)
class Settings:
    bot_token: str
    app_token: str | None
    signing_secret: str | None
    api_url: str | None
    port: int
    db_path: Path
    config_path: Path
    team: TeamConfig = field(repr=False)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)


def load_settings(env: Mapping[str, str]) -> Settings:
    bot_token = _required_secret(env, "SLACK_BOT_TOKEN", "xoxb-")
    app_token = env.get("SLACK_APP_TOKEN") or None
    signing_secret = env.get("SLACK_SIGNING_SECRET") or None
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-", _where_tokens())
    if not app_token and not signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "is not set, and neither is SLACK_APP_TOKEN",
            "set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode (see .env.example)",
        )
    config_path = Path(env.get("SUPPORTBOT_CONFIG") or "app.yaml")
    return Settings(
        bot_token=bot_token,
        app_token=app_token,
        signing_secret=signing_secret,
        api_url=_api_url(env.get("SLACK_API_URL")),
        port=_port(env.get("PORT", "3000")),
        db_path=Path(env.get("SUPPORTBOT_DB") or "supportbot.db"),
        config_path=config_path,
        team=load_team_config(config_path),
    )


def _where_tokens() -> str:
    return "copy it from your Slack app's Basic Information page into .env"


def _required_secret(env: Mapping[str, str], key: str, prefix: str) -> str:
    value = env.get(key) or ""
    if not value:
        raise ConfigError(key, "is not set", f"put the bot token ({prefix}…) from OAuth & Permissions in .env")
    if not value.startswith(prefix):
        raise ConfigError(key, f"must start with {prefix}", _where_tokens())
    return value


def _api_url(value: str | None) -> str | None:
    if not value:
        return None
    if not re.match(r"^https?://", value):
        raise ConfigError("SLACK_API_URL", f"{value!r} is not an http(s) URL", "use e.g. https://slack.com/api/")
    return value if value.endswith("/") else value + "/"


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError("PORT", f"{value!r} is not a TCP port", "use a number from 1 to 65535, e.g. PORT=3000")
    return int(value)


def load_team_config(path: Path) -> TeamConfig:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("SUPPORTBOT_CONFIG", f"{path} does not exist", "point it at your app.yaml") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(str(path), f"is not valid YAML{where}", "check indentation and quoting") from None
    return parse_team_config(raw)


def parse_team_config(raw: Any) -> TeamConfig:
    if not isinstance(raw, dict):
        raise ConfigError("app.yaml", "must be a mapping of keys", "start from the example in the README")
    escalations = _mapping(raw, "escalations")
    leads = _mapping(raw, "leads")
    return TeamConfig(
        timezone=_timezone(raw.get("timezone", "UTC")),
        lines=_lines(raw.get("lines")),
        watch_channels=_each(escalations, "watch_channels", "escalations.watch_channels", _channel),
        reaction=_reaction(escalations.get("reaction", "sos")),
        categories=_each(escalations, "categories", "escalations.categories", _text),
        leads_channel=_channel(leads["channel"], "leads.channel") if leads.get("channel") else None,
        leads_users=_each(leads, "users", "leads.users", _user_id),
    )


def _mapping(raw: dict, key: str) -> dict:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(key, "must be a mapping", f"write it as `{key}:` followed by indented keys")
    return value


def _list(raw: dict, key: str, name: str) -> list:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(name, "must be a list", f'write it as {name.rsplit(".", 1)[-1]}: ["a", "b"]')
    return value


def _each(section: dict, key: str, name: str, check: Callable[[Any, str], str]) -> tuple[str, ...]:
    """Every item of a list key, each checked under its own name, e.g. `leads.users[1]`."""
    return tuple(check(item, f"{name}[{i}]") for i, item in enumerate(_list(section, key, name)))


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "must be a non-empty text", "give it a short name in quotes")
    return value.strip()


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("timezone", f"{value!r} is not an IANA time zone", "use a name like Europe/Berlin") from None
    return str(value)


def _channel(value: Any, key: str) -> str:
    if isinstance(value, str) and (CHANNEL_ID.match(value) or CHANNEL_NAME.match(value)):
        return value
    raise ConfigError(key, f"{value!r} is not a channel", 'give a channel ID like C0123ABCD or a name like "#help"')


def _reaction(value: Any) -> str:
    name = str(value).strip(":")
    if not EMOJI_NAME.match(name):
        raise ConfigError("escalations.reaction", f"{value!r} is not an emoji name", "use a name like sos")
    return name


def _user_id(value: Any, key: str) -> str:
    if isinstance(value, str) and USER_OR_GROUP_ID.match(value):
        return value
    raise ConfigError(key, f"{value!r} is not a user or user-group ID",
                      "use IDs like U0123ABCD (a person) or S0123ABCD (a user group)")


def _lines(value: Any) -> tuple[Line, ...]:
    levels = [_level(item) for item in value] if isinstance(value, list) else []
    if not all(isinstance(level, int) for level in levels) or sorted(levels) != list(LINES):
        raise ConfigError("lines", "must list the support lines 1, 2 and 3 once each",
                          "give three entries like {level: 1, name: Frontline, channel: \"#support-l1\"}")
    return tuple(sorted((_line(item, i) for i, item in enumerate(value)), key=lambda line: line.level))


def _level(item: Any) -> Any:
    return item.get("level") if isinstance(item, dict) else None


def _line(item: dict, index: int) -> Line:
    key = f"lines[{index}]"
    return Line(
        level=item["level"],
        name=_text(item.get("name"), f"{key}.name"),
        channel=_channel(item.get("channel"), f"{key}.channel"),
        responders=_each(item, "responders", f"{key}.responders", _user_id),
    )
