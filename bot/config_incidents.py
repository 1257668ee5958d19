"""The `incidents` section of app.yaml: where notices go and who may send them."""

from dataclasses import dataclass, replace
from typing import Any, Mapping

from bot.config_checks import channel_ref, each, section, user_id


@dataclass(frozen=True)
class IncidentConfig:
    broadcast_channels: tuple[str, ...] = ()
    broadcasters: tuple[str, ...] = ()

    def with_channel_ids(self, ids: Mapping[str, str]) -> "IncidentConfig":
        return replace(self, broadcast_channels=tuple(ids.get(ref, ref) for ref in self.broadcast_channels))


def parse_incident_config(raw: dict[str, Any]) -> IncidentConfig:
    incidents = section(raw, "incidents")
    return IncidentConfig(
        broadcast_channels=each(incidents, "broadcast_channels", "incidents.broadcast_channels", channel_ref),
        broadcasters=each(incidents, "broadcasters", "incidents.broadcasters", user_id),
    )
