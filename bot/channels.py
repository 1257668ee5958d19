"""Turning `#names` from app.yaml into channel IDs, once, at start-up."""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import ConfigError, TeamConfig


def resolve_channels(client: WebClient, team: TeamConfig) -> TeamConfig:
    names = {ref for ref in team.channel_refs() if ref.startswith("#")}
    if not names:
        return team
    known = _channel_ids_by_name(client)
    missing = sorted(name for name in names if name[1:] not in known)
    if missing:
        raise ConfigError(
            "app.yaml", f"no channel named {', '.join(missing)} is visible to the bot",
            "create the channel, or give its ID (C…) instead of the name",
        )
    return team.with_channel_ids({name: known[name[1:]] for name in names})


def _channel_ids_by_name(client: WebClient) -> dict[str, str]:
    ids: dict[str, str] = {}
    try:
        pages = client.conversations_list(types="public_channel,private_channel", exclude_archived=True, limit=200)
        for page in pages:
            ids.update({channel["name"]: channel["id"] for channel in page["channels"]})
    except SlackApiError as error:
        raise ConfigError("SLACK_BOT_TOKEN", f"Slack refused to list channels ({error.response.get('error')})",
                          "check the token and that the app has the channels:read and groups:read scopes") from None
    return ids
