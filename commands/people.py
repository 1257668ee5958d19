"""Checking that a user ID names a person who can own an escalation."""

import logging
import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.errors import NotFound, UserError

log = logging.getLogger(__name__)


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
    names = {user_id: display_name(client, user_id) for user_id in set(BARE_MENTION.findall(text))}
    return BARE_MENTION.sub(lambda match: f"<@{match.group(1)}|{names[match.group(1)]}>", text)


def display_name(client: WebClient, user_id: str) -> str:
    """What people call this person; the ID itself when Slack cannot say."""
    try:
        profile = client.users_info(user=user_id)["user"]
    except SlackApiError:
        return user_id
    return profile.get("real_name") or profile.get("name") or user_id


def is_member(client: WebClient, user_id: str, people: tuple[str, ...]) -> bool:
    """Whether `user_id` is one of `people`: user IDs, or user-group IDs (S…) whose current
    members are asked from Slack, so a change to the group counts at once."""
    return user_id in people or user_id in members(client, people)


def mentions(refs: tuple[str, ...], separator: str = " ") -> str:
    """User groups as real group mentions, people as user mentions."""
    return separator.join(f"<!subteam^{ref}>" if ref.startswith("S") else f"<@{ref}>" for ref in refs)


def members(client: WebClient, people: tuple[str, ...]) -> frozenset[str]:
    """The user IDs among `people`, each user group (S…) read from Slack as its current members."""
    found = {ref for ref in people if not ref.startswith("S")}
    for group in (ref for ref in people if ref.startswith("S")):
        try:
            found.update(client.usergroups_users_list(usergroup=group)["users"])
        except SlackApiError as error:
            log.warning("could not read the members of user group %s: %s", group, error.response.get("error"))
    return frozenset(found)
