"""Checking that a user ID names a person who can own an escalation."""

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
