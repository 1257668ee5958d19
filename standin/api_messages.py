"""Web API methods about messages: chat.*, conversations.history/replies, reactions.*."""

from __future__ import annotations

from . import directory as d
from .api_common import ApiContext, arg_bool, arg_required, checked_blocks, paginate
from .state import SlackError, ts_key

MAX_TEXT_LENGTH = 40000

_BOT_PROFILE = {
    "id": d.BOT_ID,
    "app_id": d.APP_ID,
    "name": d.BOT_NAME,
    "icons": {"image_48": "https://avatars.example.com/B0BOT_48.png"},
    "deleted": False,
    "updated": 1700000000,
    "team_id": d.TEAM_ID,
}


def _content(ctx: ApiContext, args: dict, *, require: bool = True) -> dict:
    """text/blocks/attachments/metadata from the arguments, validated like Slack does."""
    content = {}
    if "text" in args:
        content["text"] = str(args["text"] or "")
    if "blocks" in args:
        content["blocks"] = checked_blocks(args["blocks"])
        ctx.files.check_images(content["blocks"])
    if args.get("attachments"):
        content["attachments"] = args["attachments"]
    if args.get("metadata"):
        content["metadata"] = args["metadata"]
    if len(content.get("text", "")) > MAX_TEXT_LENGTH:
        raise SlackError("msg_too_long")
    if require and not (content.get("text") or content.get("blocks") or content.get("attachments")):
        raise SlackError("no_text")
    return content


def _bot_fields(content: dict) -> dict:
    return {"user": d.BOT_USER_ID, "bot_id": d.BOT_ID, "app_id": d.APP_ID, "bot_profile": _BOT_PROFILE, **content}


def _thread_root(ctx: ApiContext, channel_id: str, thread_ts: object) -> str | None:
    if not thread_ts:
        return None
    if ts_key(thread_ts) is None:
        raise SlackError("invalid_thread_ts")
    try:
        parent = ctx.workspace.message(channel_id, thread_ts)
    except SlackError:
        return str(thread_ts)
    return parent.get("thread_ts") or parent["ts"]


def _require_bot_member(channel) -> None:
    """Slack refuses bot posts and edits in an archived channel, or one the bot has not joined."""
    if channel.is_archived:
        raise SlackError("is_archived")
    if not channel.is_im and d.BOT_USER_ID not in channel.members:
        raise SlackError("not_in_channel")


def post_message(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    _require_bot_member(channel)
    fields = _bot_fields(_content(ctx, args))
    thread_ts = _thread_root(ctx, channel.id, args.get("thread_ts"))
    message = ctx.workspace.add_message(channel.id, fields, thread_ts=thread_ts)
    return {"channel": channel.id, "ts": message["ts"], "message": ctx.workspace.api_message(message)}


def update_message(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    _require_bot_member(channel)
    ts = arg_required(args, "ts", "message_not_found")
    if ctx.workspace.message(channel.id, ts).get("user") != d.BOT_USER_ID:
        raise SlackError("cant_update_message")
    changes = _content(ctx, args, require=False)
    changes["edited"] = {"user": d.BOT_USER_ID, "ts": ctx.workspace.next_ts()}
    message = ctx.workspace.replace_message(channel.id, ts, changes)
    return {"channel": channel.id, "ts": ts, "text": message["text"], "message": ctx.workspace.api_message(message)}


def delete_message(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    ts = arg_required(args, "ts", "message_not_found")
    if ctx.workspace.message(channel.id, ts).get("user") != d.BOT_USER_ID:
        raise SlackError("cant_delete_message")
    ctx.workspace.delete_message(channel.id, ts)
    return {"channel": channel.id, "ts": ts}


def post_ephemeral(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    user = ctx.workspace.user(arg_required(args, "user", "user_not_found"))
    if user.id not in channel.members:
        raise SlackError("user_not_in_channel")
    content = _content(ctx, args)
    message_ts = ctx.workspace.next_ts()
    ctx.ephemerals.append({
        "channel": channel.id, "user": user.id, "text": content.get("text", ""),
        "blocks": content.get("blocks", []), "source": "chat.postEphemeral",
        "message_ts": message_ts, "thread_ts": args.get("thread_ts"),
    })
    return {"message_ts": message_ts}


def get_permalink(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    message = ctx.workspace.message(channel.id, arg_required(args, "message_ts", "message_not_found"))
    link = f"https://{d.TEAM_DOMAIN}.slack.com/archives/{channel.id}/p{message['ts'].replace('.', '')}"
    if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
        link += f"?thread_ts={message['thread_ts']}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


def _in_window(messages: list[dict], args: dict) -> list[dict]:
    inclusive = arg_bool(args, "inclusive")
    latest = ts_key(args["latest"]) if args.get("latest") else None
    oldest = ts_key(args.get("oldest") or "0")
    if oldest is None:
        raise SlackError("invalid_ts_oldest")
    if args.get("latest") and latest is None:
        raise SlackError("invalid_ts_latest")

    def inside(message: dict) -> bool:
        key = ts_key(message["ts"])
        below_latest = latest is None or key < latest or (inclusive and key == latest)
        above_oldest = key > oldest or (inclusive and key == oldest)
        return below_latest and above_oldest

    return [m for m in messages if inside(m)]


def _message_page(ctx: ApiContext, messages: list[dict], args: dict) -> dict:
    page, next_cursor = paginate(messages, args, key=lambda m: m["ts"])
    return {
        "messages": [ctx.workspace.api_message(m) for m in page],
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


def history(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    top_level = [
        m for m in ctx.workspace.channel_messages(channel.id)
        if not m.get("thread_ts") or m["thread_ts"] == m["ts"]
    ]
    newest_first = list(reversed(_in_window(top_level, args)))
    return {**_message_page(ctx, newest_first, args), "pin_count": 0,
            "channel_actions_ts": None, "channel_actions_count": 0}


def replies(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    ts = arg_required(args, "ts", "thread_not_found")
    try:
        message = ctx.workspace.message(channel.id, ts)
    except SlackError:
        raise SlackError("thread_not_found") from None
    if message.get("thread_ts") and message["thread_ts"] != ts:
        thread = [message]
    else:
        thread = ctx.workspace.thread_messages(channel.id, ts)
    return _message_page(ctx, _in_window(thread, args), args)


def _reaction_target(ctx: ApiContext, args: dict) -> tuple[str, str, str]:
    channel = ctx.workspace.channel(args.get("channel"))
    ts = arg_required(args, "timestamp", "message_not_found")
    ctx.workspace.message(channel.id, ts)
    return channel.id, ts, str(args.get("name") or "").strip(":")


def add_reaction(ctx: ApiContext, args: dict) -> dict:
    channel_id, ts, name = _reaction_target(ctx, args)
    if not name:
        raise SlackError("invalid_name")
    ctx.workspace.add_reaction(channel_id, ts, name, d.BOT_USER_ID)
    return {}


def remove_reaction(ctx: ApiContext, args: dict) -> dict:
    channel_id, ts, name = _reaction_target(ctx, args)
    ctx.workspace.remove_reaction(channel_id, ts, name, d.BOT_USER_ID)
    return {}


def get_reactions(ctx: ApiContext, args: dict) -> dict:
    channel_id, ts, _ = _reaction_target(ctx, args)
    message = ctx.workspace.api_message(ctx.workspace.message(channel_id, ts))
    message.setdefault("reactions", [])
    return {"type": "message", "channel": channel_id, "message": message}


HANDLERS = {
    "chat.postMessage": post_message,
    "chat.update": update_message,
    "chat.delete": delete_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
    "conversations.history": history,
    "conversations.replies": replies,
    "reactions.add": add_reaction,
    "reactions.remove": remove_reaction,
    "reactions.get": get_reactions,
}
