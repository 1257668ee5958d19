"""The `shifts`, `summaries`, `digest` and `csat` sections of app.yaml: what leads are sent, and when."""

from dataclasses import dataclass, replace
from datetime import time, timedelta
from typing import Any, Mapping

from bot.config_checks import ConfigError, channel_ref, duration, list_value, section, short_text, true_or_false
from storage.periods import ShiftSpec, parse_clock_time, parse_days

DEFAULT_GRACE = timedelta(hours=6)


@dataclass(frozen=True)
class DigestConfig:
    time: time
    channel: str
    grace: timedelta


@dataclass(frozen=True)
class ReportsConfig:
    shifts: tuple[ShiftSpec, ...] = ()
    summaries_channel: str | None = None
    digest: DigestConfig | None = None
    survey_on_resolve: bool = True

    @property
    def grace(self) -> timedelta:
        """How late a missed period may still be posted, for digests and shift summaries alike."""
        return self.digest.grace if self.digest else DEFAULT_GRACE

    def shift(self, name: str) -> ShiftSpec | None:
        return next((shift for shift in self.shifts if shift.name.lower() == name.lower()), None)

    def channel_refs(self) -> set[str]:
        return {ref for ref in (self.summaries_channel, self.digest and self.digest.channel) if ref}

    def with_channel_ids(self, ids: Mapping[str, str]) -> "ReportsConfig":
        digest = replace(self.digest, channel=ids.get(self.digest.channel, self.digest.channel)) if self.digest else None
        summaries = ids.get(self.summaries_channel, self.summaries_channel) if self.summaries_channel else None
        return replace(self, summaries_channel=summaries, digest=digest)


def parse_reports(raw: dict) -> ReportsConfig:
    """Summaries and digests go to `leads.channel` unless their own `channel` says otherwise."""
    leads_channel = section(raw, "leads").get("channel")
    shifts = _shifts(list_value(raw, "shifts", "shifts"))
    summaries = section(raw, "summaries")
    digest = section(raw, "digest")
    csat = section(raw, "csat")
    summaries_channel = _channel(summaries, "summaries.channel", leads_channel) if shifts else None
    return ReportsConfig(
        shifts=shifts,
        summaries_channel=summaries_channel,
        digest=_digest(digest, leads_channel) if digest else None,
        survey_on_resolve=true_or_false(csat.get("survey_on_resolve", True), "csat.survey_on_resolve"),
    )


def _shifts(items: list) -> tuple[ShiftSpec, ...]:
    shifts = tuple(_shift(item, f"shifts[{i}]") for i, item in enumerate(items))
    names = [shift.name.lower() for shift in shifts]
    if len(set(names)) != len(names):
        raise ConfigError("shifts", "names a shift twice", "give every shift its own name")
    return shifts


def _shift(item: Any, key: str) -> ShiftSpec:
    if not isinstance(item, dict):
        raise ConfigError(key, "must be a mapping", 'write it as {name: EMEA, start: "08:00", end: "16:00", days: mon-fri}')
    name = short_text(item.get("name"), f"{key}.name")
    start, end = _clock(item.get("start"), f"{key}.start"), _clock(item.get("end"), f"{key}.end")
    if start == end:
        raise ConfigError(f"{key}.end", "equals the start", "a shift needs a length; it may end after midnight")
    try:
        days = parse_days(item.get("days", "mon-fri"))
    except ValueError as error:
        raise ConfigError(f"{key}.days", str(error), "use a range like mon-fri or a list like [sat, sun]") from None
    return ShiftSpec(name, start, end, days)


def _clock(value: Any, key: str) -> time:
    try:
        return parse_clock_time(value)
    except ValueError as error:
        raise ConfigError(key, str(error), 'quote a 24-hour time, e.g. "08:00"') from None


def _channel(raw: dict, key: str, leads_channel: str | None) -> str:
    if raw.get("channel"):
        return channel_ref(raw["channel"], key)
    if leads_channel:
        return leads_channel
    raise ConfigError(key, "is not set and there is no leads.channel", 'name the channel, e.g. "#support-leads"')


def _digest(raw: dict, leads_channel: str | None) -> DigestConfig:
    return DigestConfig(time=_clock(raw.get("time", "09:00"), "digest.time"),
                        channel=_channel(raw, "digest.channel", leads_channel),
                        grace=duration(raw.get("grace", "6h"), "digest.grace", "write minutes or hours, e.g. 6h or 90m"))
