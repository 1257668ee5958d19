"""The Slack app manifest, built from what the features actually register."""

import yaml

from bot.surface import Declared
from commands.home.ids import EVENT_OPENED as HOME_OPENED

APP_NAME = "supportbot"
# A Bolt `message` listener hears what these subscriptions deliver: channel and private-channel messages.
SUBSCRIPTIONS = {"message": ("message.channels", "message.groups")}
DESCRIPTION = "Support operations in Slack: escalations owned on every line, line-3 acks with SLA reminders, shift summaries and digests, incident notices."


def build_manifest(declared: Declared, request_url: str | None = None) -> dict:
    """Socket Mode unless a public `request_url` (ending in /slack/events) is given for HTTP mode."""
    commands = [dict(command, **({"url": request_url} if request_url else {})) for command in declared.commands]
    subscribed = {name for event in declared.events for name in SUBSCRIPTIONS.get(event, (event,))}
    events: dict = {"bot_events": sorted(subscribed)}
    interactivity: dict = {"is_enabled": True}
    if request_url:
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    features: dict = {"bot_user": {"display_name": APP_NAME, "always_online": True}}
    if HOME_OPENED in declared.events:
        features["app_home"] = {"home_tab_enabled": True, "messages_tab_enabled": True,
                                "messages_tab_read_only_enabled": False}
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": APP_NAME, "description": DESCRIPTION, "background_color": "#1d3557"},
        "features": {
            **features,
            "slash_commands": commands,
            "shortcuts": declared.shortcuts,
        },
        "oauth_config": {"scopes": {"bot": sorted(declared.scopes)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(manifest: dict) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
