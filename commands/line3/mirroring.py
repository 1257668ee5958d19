"""Engineers' replies in a line-3 card's thread, mirrored into the thread where the case was
raised, so the person who asked follows the work without joining the engineering channel.

The message events only record the reply, its edit or its deletion (storage/mirrors.py); the
outbox delivers the mirror as the reply stands then. Mirrored text stays text: Slack markup
becomes plain words (`@channel`, `@here`, group mentions), user mentions become names, and it
is escaped again before posting.
"""

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import Delivery
from bot.deps import Deps
from commands.message_search import find_by_metadata, message_metadata
from commands.people import display_name, name_mentions
from commands.posting import post_joining
from commands.text import clip, escape, plain_text
from storage import mirrors
from storage.model import Escalation
from storage.queries import get_escalation

log = logging.getLogger(__name__)
MIRROR_LIMIT = 2900
GONE_ALREADY = ("message_not_found", "channel_not_found")


def mirror_reply(deps: Deps, esc: Escalation, reply: dict) -> None:
    if not esc.origin_ts or esc.origin_channel == reply["channel"]:
        return  # raised in the engineering channel itself: its thread is the origin
    if mirrors.reply_mirrored(deps.store.db(), deps.clock(), reply["channel"], reply["ts"], esc.id, esc.origin_channel,
                              reply.get("user", ""), reply.get("text", "")):
        deps.doorbell.ring()


def mirror_edit(deps: Deps, channel: str, edited: dict) -> None:
    if mirrors.reply_edited(deps.store.db(), deps.clock(), channel, edited.get("ts", ""), edited.get("text", "")):
        deps.doorbell.ring()


def mirror_delete(deps: Deps, channel: str, deleted_ts: str) -> None:
    if mirrors.reply_deleted(deps.store.db(), deps.clock(), channel, deleted_ts):
        deps.doorbell.ring()


def deliver_mirror(job: Delivery) -> None:
    """Post the mirror, edit it to the reply's present words, or delete it with the reply."""
    source_channel, source_ts = job.payload["channel"], job.payload["ts"]
    mirror = mirrors.find_mirror(job.db(), source_channel, source_ts)
    if mirror is None:
        return  # deleted, and its deletion delivered already
    if mirror.deleted:
        _delete(job, mirror)
        job.record(lambda db: mirrors.forget_mirror(db, source_channel, source_ts))
        return
    blocks, text = _render(job.client, mirror.author, source_channel, mirror.text)
    if mirror.ts:
        job.still_mine()
        job.client.chat_update(channel=mirror.channel, ts=mirror.ts, blocks=blocks, text=text)
        return
    esc = get_escalation(job.db(), mirror.escalation_id)
    metadata = message_metadata("supportbot_mirror", channel=source_channel, ts=source_ts)
    replied_at = datetime.fromtimestamp(float(source_ts), UTC)
    ts = job.retried and find_by_metadata(job.client, mirror.channel, metadata, replied_at, esc.origin_ts)
    if not ts:
        job.still_mine()
        ts = post_joining(job.client, mirror.channel, thread_ts=esc.origin_ts, blocks=blocks, text=text,
                          metadata=metadata)["ts"]
    job.record(lambda db: mirrors.record_mirror_ts(db, source_channel, source_ts, ts))


def _delete(job: Delivery, mirror: mirrors.Mirror) -> None:
    if not mirror.ts:
        return  # deleted before its mirror went out: nothing to take back
    job.still_mine()
    try:
        job.client.chat_delete(channel=mirror.channel, ts=mirror.ts)
    except SlackApiError as error:
        if error.response.get("error") not in GONE_ALREADY:
            raise
        log.info("the mirror in %s was gone already", mirror.channel)


def _render(client: WebClient, author: str, channel: str, slack_text: str) -> tuple[list[dict], str]:
    said = clip(escape(plain_text(name_mentions(client, slack_text))), MIRROR_LIMIT)
    who = escape(display_name(client, author))
    blocks = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"💬 *{who}* replied in <#{channel}>"}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": said or "_(no text)_"}},
    ]
    return blocks, f"{who}: {said}"
