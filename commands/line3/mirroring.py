"""Engineers' replies in a line-3 card's thread, mirrored into the thread where the case was
raised, so the person who asked follows the work without joining the engineering channel.

Mirrored text stays text: Slack markup becomes plain words (`@channel`, `@here`, group
mentions), user mentions become names, and it is escaped again before posting.
"""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from commands.message_search import message_metadata
from commands.people import display_name, name_mentions
from commands.posting import post_message
from commands.text import clip, escape, plain_text
from storage.mirrors import claim_mirror, drop_mirror, find_mirror, save_mirror_ts
from storage.model import Escalation

log = logging.getLogger(__name__)
MIRROR_LIMIT = 2900


def mirror_reply(client: WebClient, deps: Deps, esc: Escalation, reply: dict) -> None:
    channel, ts = reply["channel"], reply["ts"]
    if not esc.origin_ts or esc.origin_channel == channel:
        return  # raised in the engineering channel itself: its thread is the origin
    if not claim_mirror(deps.store.db(), channel, ts, esc.id, esc.origin_channel):
        return
    blocks, text = _render(client, reply.get("user", ""), channel, reply.get("text", ""))
    try:
        posted = post_message(client, esc.origin_channel, thread_ts=esc.origin_ts, blocks=blocks, text=text,
                              metadata=message_metadata("supportbot_mirror", channel=channel, ts=ts))
    except SlackApiError as error:
        log.warning("could not mirror a reply of %s into %s: %s", esc.key, esc.origin_channel, error.response.get("error"))
        return
    save_mirror_ts(deps.store.db(), channel, ts, posted["ts"])


def mirror_edit(client: WebClient, deps: Deps, channel: str, edited: dict) -> None:
    mirror = find_mirror(deps.store.db(), channel, edited.get("ts", ""))
    if mirror is None or mirror.ts is None:
        return
    blocks, text = _render(client, edited.get("user", ""), channel, edited.get("text", ""))
    client.chat_update(channel=mirror.channel, ts=mirror.ts, blocks=blocks, text=text)


def mirror_delete(client: WebClient, deps: Deps, channel: str, deleted_ts: str) -> None:
    mirror = drop_mirror(deps.store.db(), channel, deleted_ts)
    if mirror is not None and mirror.ts is not None:
        client.chat_delete(channel=mirror.channel, ts=mirror.ts)


def _render(client: WebClient, author: str, channel: str, slack_text: str) -> tuple[list[dict], str]:
    said = clip(escape(plain_text(name_mentions(client, slack_text))), MIRROR_LIMIT)
    who = escape(display_name(client, author))
    blocks = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"💬 *{who}* replied in <#{channel}>"}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": said or "_(no text)_"}},
    ]
    return blocks, f"{who}: {said}"
