"""Web API methods about the workspace itself, modals and Socket Mode."""

from __future__ import annotations

import time

from . import directory as d
from .api_common import MAX_VIEW_BLOCKS, ApiContext, arg_bool, arg_required, checked_blocks, paginate
from .state import SlackError


def auth_test(ctx: ApiContext, args: dict) -> dict:
    return d.auth_test_object()


def users_info(ctx: ApiContext, args: dict) -> dict:
    return {"user": d.user_object(ctx.workspace.user(args.get("user")))}


def users_list(ctx: ApiContext, args: dict) -> dict:
    with ctx.workspace.lock:
        users = list(ctx.workspace.users.values())
    page, next_cursor = paginate(users, args, key=lambda u: u.id, default_limit=200)
    return {
        "members": [d.user_object(u) for u in page],
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": next_cursor},
    }


def conversations_info(ctx: ApiContext, args: dict) -> dict:
    return {"channel": d.channel_object(ctx.workspace.channel(args.get("channel")))}


def _wanted_types(args: dict) -> set[str]:
    return {t.strip() for t in str(args.get("types") or "public_channel").split(",") if t.strip()}


def _type_of(channel: d.Channel) -> str:
    if channel.is_im:
        return "im"
    return "private_channel" if channel.is_private else "public_channel"


def conversations_list(ctx: ApiContext, args: dict) -> dict:
    wanted = _wanted_types(args)
    with ctx.workspace.lock:
        channels = [c for c in ctx.workspace.channels.values() if _type_of(c) in wanted]
    page, next_cursor = paginate(channels, args, key=lambda c: c.id)
    return {"channels": [d.channel_object(c) for c in page], "response_metadata": {"next_cursor": next_cursor}}


def conversations_members(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    with ctx.workspace.lock:
        members = sorted(channel.members)
    page, next_cursor = paginate(members, args, key=str)
    return {"members": page, "response_metadata": {"next_cursor": next_cursor}}


def conversations_join(ctx: ApiContext, args: dict) -> dict:
    channel = ctx.workspace.channel(args.get("channel"))
    if channel.is_private or channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    with ctx.workspace.lock:
        channel.members.add(d.BOT_USER_ID)
    return {"channel": d.channel_object(channel)}


def conversations_open(ctx: ApiContext, args: dict) -> dict:
    users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    if len(users) != 1:
        raise SlackError("users_list_not_supplied" if not users else "not_implemented")
    ctx.workspace.user(users[0])
    channel = ctx.workspace.im_channel(users[0])
    return {"channel": {"id": channel.id}, "no_op": False, "already_open": False}


def usergroups_list(ctx: ApiContext, args: dict) -> dict:
    with ctx.workspace.lock:
        groups = [d.usergroup_object(g) for g in ctx.workspace.usergroups.values()]
    if not arg_bool(args, "include_users"):
        for group in groups:
            group.pop("users")
    return {"usergroups": groups}


def usergroups_users_list(ctx: ApiContext, args: dict) -> dict:
    group = ctx.workspace.usergroup(arg_required(args, "usergroup", "no_such_subteam"))
    return {"users": list(group.users)}


def _view_argument(args: dict) -> dict:
    view = args.get("view")
    if isinstance(view, dict) and "blocks" in view:
        checked_blocks(view["blocks"], limit=MAX_VIEW_BLOCKS)
    return view


def views_open(ctx: ApiContext, args: dict) -> dict:
    arg_required(args, "trigger_id", "invalid_trigger_id")
    return {"view": ctx.views.open(_view_argument(args), str(args["trigger_id"]))}


def views_push(ctx: ApiContext, args: dict) -> dict:
    arg_required(args, "trigger_id", "invalid_trigger_id")
    latest = ctx.views.latest()
    return {"view": ctx.views.open(_view_argument(args), str(args["trigger_id"]),
                                   previous_view_id=latest["id"] if latest else None)}


def views_update(ctx: ApiContext, args: dict) -> dict:
    if not args.get("view_id") and not args.get("external_id"):
        raise SlackError("invalid_arguments")
    view = ctx.views.update(
        _view_argument(args),
        view_id=str(args.get("view_id") or ""),
        external_id=str(args.get("external_id") or ""),
        hash_=str(args.get("hash") or ""),
    )
    return {"view": view}


def views_publish(ctx: ApiContext, args: dict) -> dict:
    user = ctx.workspace.user(arg_required(args, "user_id", "invalid_arguments"))
    return {"view": ctx.views.publish(_view_argument(args), user.id)}


def apps_connections_open(ctx: ApiContext, args: dict) -> dict:
    return {"url": ctx.socket_url()}


HANDLERS = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.list": users_list,
    "conversations.info": conversations_info,
    "conversations.list": conversations_list,
    "conversations.members": conversations_members,
    "conversations.join": conversations_join,
    "conversations.open": conversations_open,
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "apps.connections.open": apps_connections_open,
}
