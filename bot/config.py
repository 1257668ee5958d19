"""Settings from the environment and app.yaml, checked up front.

Every problem is reported as one ConfigError naming the key and the fix; nothing here reads
the environment at import time, so tests build settings from plain dicts.
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.config_checks import (ConfigError, channel_ref, each, emoji_name, section, short_text, time_zone,
                                true_or_false, user_id)
from bot.config_sla import parse_sla
from bot.config_incidents import IncidentConfig, parse_incident_config
from bot.config_digests import ReportsConfig, parse_reports
from bot.log_format import FORMATS as LOG_FORMATS
from storage.db import BUSY_TIMEOUT_MS
from storage.model import LINES
from storage.sla import DEFAULT_POLICY, SlaPolicy

DEFAULT_PORT = 3000

__all__ = ["ConfigError", "Line", "Settings", "TeamConfig", "load_settings", "load_team_config", "parse_team_config"]


@dataclass(frozen=True)
class Line:
    """One support line. Its `responders` (user or user-group IDs) are mentioned in its SLA
    reminders on any line; on line 3 only they and the leads may take or acknowledge."""

    level: int
    name: str
    channel: str
    responders: tuple[str, ...] = ()
    mirror_replies: bool = True


@dataclass(frozen=True)
class TeamConfig:
    timezone: str
    lines: tuple[Line, ...]
    watch_channels: tuple[str, ...]
    reaction: str
    categories: tuple[str, ...]
    leads_channel: str | None
    leads_users: tuple[str, ...]
    incidents: IncidentConfig
    sla: SlaPolicy = DEFAULT_POLICY
    reports: ReportsConfig = field(default_factory=ReportsConfig)

    def line(self, level: int) -> Line:
        return next(line for line in self.lines if line.level == level)

    def channel_refs(self) -> set[str]:
        refs = {line.channel for line in self.lines} | set(self.watch_channels)
        refs |= set(self.incidents.broadcast_channels)
        return refs | ({self.leads_channel} if self.leads_channel else set()) | self.reports.channel_refs()

    def with_channel_ids(self, ids: Mapping[str, str]) -> "TeamConfig":
        """The same config with every `#name` replaced by the channel ID it resolved to."""
        return replace(
            self,
            lines=tuple(replace(line, channel=ids.get(line.channel, line.channel)) for line in self.lines),
            watch_channels=tuple(ids.get(ref, ref) for ref in self.watch_channels),
            leads_channel=ids.get(self.leads_channel, self.leads_channel) if self.leads_channel else None,
            incidents=self.incidents.with_channel_ids(ids),
            reports=self.reports.with_channel_ids(ids),
        )


@dataclass(frozen=True)
class Settings:
    bot_token: str
    app_token: str | None
    signing_secret: str | None
    api_url: str | None
    port: int | None  # None when PORT is unset: HTTP mode then listens on DEFAULT_PORT, Socket Mode on none
    database: str
    config_path: Path
    team: TeamConfig = field(repr=False)
    busy_timeout_ms: int = BUSY_TIMEOUT_MS
    log_format: str = "text"

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def http_port(self) -> int:
        return DEFAULT_PORT if self.port is None else self.port


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
        port=_port(env["PORT"]) if env.get("PORT") else None,
        database=env.get("SUPPORTBOT_DB") or "supportbot.db",
        config_path=config_path,
        team=load_team_config(config_path),
        busy_timeout_ms=_busy_timeout_ms(env.get("SUPPORTBOT_BUSY_TIMEOUT")),
        log_format=_log_format(env.get("SUPPORTBOT_LOG_FORMAT")),
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


def _busy_timeout_ms(value: str | None) -> int:
    """How long a change waits for another process's write lock before the person is told it
    was not stored."""
    if not value:
        return BUSY_TIMEOUT_MS
    if not value.isdigit() or not 0 < int(value) <= 600:
        raise ConfigError("SUPPORTBOT_BUSY_TIMEOUT", f"{value!r} is not a number of seconds from 1 to 600",
                          f"use e.g. SUPPORTBOT_BUSY_TIMEOUT={BUSY_TIMEOUT_MS // 1000}, or leave it unset")
    return int(value) * 1000


def _log_format(value: str | None) -> str:
    if not value:
        return "text"
    if value.lower() not in LOG_FORMATS:
        raise ConfigError("SUPPORTBOT_LOG_FORMAT", f"{value!r} is not a log format",
                          "use SUPPORTBOT_LOG_FORMAT=json for one JSON object per line, or leave it unset for text")
    return value.lower()


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
    escalations = section(raw, "escalations")
    leads = section(raw, "leads")
    return TeamConfig(
        timezone=time_zone(raw.get("timezone", "UTC")),
        lines=_lines(raw.get("lines")),
        watch_channels=each(escalations, "watch_channels", "escalations.watch_channels", channel_ref),
        reaction=emoji_name(escalations.get("reaction", "sos")),
        categories=each(escalations, "categories", "escalations.categories", short_text),
        leads_channel=channel_ref(leads["channel"], "leads.channel") if leads.get("channel") else None,
        leads_users=each(leads, "users", "leads.users", user_id),
        sla=parse_sla(raw),
        incidents=parse_incident_config(raw),
        reports=parse_reports(raw),
    )


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
        name=short_text(item.get("name"), f"{key}.name"),
        channel=channel_ref(item.get("channel"), f"{key}.channel"),
        responders=each(item, "responders", f"{key}.responders", user_id),
        mirror_replies=true_or_false(item.get("mirror_replies", True), f"{key}.mirror_replies"),
    )
