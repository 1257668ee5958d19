"""Checking that a user ID names a person who can own an escalation."""

import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.errors import NotFound, UserError


def require_person(client: WebClient, user_id: str, usage: str) -> None:
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") == "user_not_found":
            raise NotFound(f"There is no user <@{user_id}> in this workspace.", f"Mention a teammate. Usage: `{usage}`") from None
        raise
    if user.get("is_bot") or user_id == "USLACKBOT":
        raise UserError(f"<@{user_id}> is a bot; escalations are owned by people.", f"Mention a teammate. Usage: `{usage}`")
    if user.get("deleted"):
        raise UserError(f"<@{user_id}> is deactivated.", f"Mention an active teammate. Usage: `{usage}`")


BARE_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


def name_mentions(client: WebClient, text: str) -> str:
    """`<@U1>` → `<@U1|Ana>`, so the plain-text summary reads `@Ana` instead of an ID."""
    names: dict[str, str] = {}
    for user_id in set(BARE_MENTION.findall(text)):
        try:
            profile = client.users_info(user=user_id)["user"]
        except SlackApiError:
            continue
        names[user_id] = profile.get("real_name") or profile.get("name") or user_id
    return BARE_MENTION.sub(lambda match: f"<@{match.group(1)}|{names.get(match.group(1), match.group(1))}>", text)
