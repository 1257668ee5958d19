"""Mutable workspace state (directory, messages, reactions) behind one lock.

Stored message dicts are never mutated after they are stored: every change
replaces the dict, so snapshots handed out earlier stay consistent without
holding the lock while they are serialised.
"""

from __future__ import annotations

import copy
import threading
import time

from . import directory as d


class SlackError(Exception):
    """A Slack Web API error, answered as {"ok": false, "error": ...}."""

    def __init__(self, error: str, detail: str | None = None):
        super().__init__(error)
        self.error = error
        self.detail = detail  # answered in `errors`, as Slack explains an invalid_blocks


def ts_key(ts: object) -> tuple[int, int] | None:
    """Sortable key for a Slack ts ("1732450000.000100"); None when malformed."""
    seconds, _, fraction = str(ts).partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return int(seconds), int(fraction[:6].ljust(6, "0"))


class Workspace:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users: dict[str, d.User] = {u.id: u for u in d.default_users()}
        humans = [u.id for u in self.users.values() if not u.deleted]
        self.channels: dict[str, d.Channel] = {c.id: c for c in d.default_channels(humans)}
        self.usergroups: dict[str, d.UserGroup] = {g.id: g for g in d.default_usergroups()}
        self._messages: dict[str, dict[str, dict]] = {cid: {} for cid in self.channels}
        self._replies: dict[tuple[str, str], list[str]] = {}
        self._last_micros = 0

    def next_ts(self) -> str:
        with self.lock:
            micros = max(int(time.time() * 1_000_000), self._last_micros + 1)
            self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # -- directory ---------------------------------------------------------

    def add_user(self, user_id: str, real_name: str, *, is_bot: bool = False, deleted: bool = False) -> None:
        name = real_name.lower().replace(" ", ".")
        bot_id = "B" + user_id[1:] if is_bot else None
        with self.lock:
            self.users[user_id] = d.User(user_id, name, real_name, is_bot=is_bot, deleted=deleted, bot_id=bot_id)
            if not deleted:
                for channel in self.channels.values():
                    if not channel.is_im:
                        channel.members.add(user_id)

    def add_channel(self, name: str, channel_id: str | None = None, *, is_private: bool = False,
                    bot_is_member: bool = True) -> str:
        with self.lock:
            if channel_id in self.channels:
                raise ValueError(f"channel {channel_id} already exists")
            number = len(self.channels)
            while channel_id is None or channel_id in self.channels:
                channel_id, number = f"C0{number:07d}", number + 1
            members = {u.id for u in self.users.values() if not u.deleted and (bot_is_member or u.id != d.BOT_USER_ID)}
            self.channels[channel_id] = d.Channel(
                channel_id, name.lstrip("#"), is_private=is_private, created=int(time.time()), members=members
            )
            self._messages.setdefault(channel_id, {})
        return channel_id

    def user(self, user_id: object) -> d.User:
        user = self.users.get(str(user_id))
        if user is None:
            raise SlackError("user_not_found")
        return user

    def channel(self, ref: object) -> d.Channel:
        """Resolve a channel ID, "#name", or a user ID (the bot's DM with that user)."""
        ref = str(ref or "")
        with self.lock:
            if ref in self.channels:
                return self.channels[ref]
            if ref in self.users and not self.users[ref].deleted:
                return self.im_channel(ref)
            for channel in self.channels.values():
                if not channel.is_im and channel.name == ref.lstrip("#"):
                    return channel
        raise SlackError("channel_not_found")

    def im_channel(self, user_id: str) -> d.Channel:
        channel_id = "D" + user_id[1:]
        with self.lock:
            if channel_id not in self.channels:
                members = {user_id, d.BOT_USER_ID}
                self.channels[channel_id] = d.Channel(channel_id, user_id, im_user=user_id, members=members)
                self._messages[channel_id] = {}
            return self.channels[channel_id]

    def usergroup(self, group_id: object) -> d.UserGroup:
        group = self.usergroups.get(str(group_id))
        if group is None:
            raise SlackError("no_such_subteam")
        return group

    # -- messages ----------------------------------------------------------

    def add_message(self, channel_id: str, fields: dict, thread_ts: str | None = None) -> dict:
        with self.lock:
            ts = self.next_ts()
            message = {"type": "message", "channel": channel_id, "ts": ts, "thread_ts": thread_ts}
            message.update(fields)
            message.setdefault("text", "")
            message.setdefault("blocks", [])
            message["team"] = d.TEAM_ID
            self._messages[channel_id][ts] = message
            if thread_ts:
                self._replies.setdefault((channel_id, thread_ts), []).append(ts)
            return message

    def message(self, channel_id: str, ts: object) -> dict:
        message = self._messages.get(channel_id, {}).get(str(ts))
        if message is None:
            raise SlackError("message_not_found")
        return message

    def replace_message(self, channel_id: str, ts: str, changes: dict) -> dict:
        with self.lock:
            message = {**self.message(channel_id, ts), **changes}
            self._messages[channel_id][ts] = message
            return message

    def delete_message(self, channel_id: str, ts: str) -> None:
        with self.lock:
            message = self._messages.get(channel_id, {}).pop(ts, None)
            if message and message.get("thread_ts"):
                replies = self._replies.get((channel_id, message["thread_ts"]), [])
                if ts in replies:
                    replies.remove(ts)

    def channel_messages(self, channel_id: str) -> list[dict]:
        with self.lock:
            return list(self._messages.get(channel_id, {}).values())

    def thread_messages(self, channel_id: str, parent_ts: str) -> list[dict]:
        with self.lock:
            parent = self.message(channel_id, parent_ts)
            replies = self._replies.get((channel_id, parent_ts), [])
            return [parent] + [self._messages[channel_id][ts] for ts in replies]

    def api_message(self, message: dict) -> dict:
        """A stored message in the shape conversations.history and friends return."""
        out = {k: v for k, v in message.items() if v is not None and k != "channel"}
        for optional in ("blocks", "reactions"):
            if not out.get(optional):
                out.pop(optional, None)
        channel_id, ts = message["channel"], message["ts"]
        with self.lock:
            reply_ts = list(self._replies.get((channel_id, ts), []))
            replies = [self._messages[channel_id][r] for r in reply_ts]
            parent = self._messages[channel_id].get(message.get("thread_ts") or "")
        if replies and not message.get("thread_ts"):
            users = sorted({r.get("user") for r in replies if r.get("user")})
            out.update(thread_ts=ts, reply_count=len(replies), reply_users=users,
                       reply_users_count=len(users), latest_reply=replies[-1]["ts"])
        elif parent is not None and parent["ts"] != ts:
            out["parent_user_id"] = parent.get("user")
        return out

    # -- reactions ---------------------------------------------------------

    def add_reaction(self, channel_id: str, ts: str, name: str, user_id: str) -> None:
        with self.lock:
            reactions = copy.deepcopy(self.message(channel_id, ts).get("reactions", []))
            entry = next((r for r in reactions if r["name"] == name), None)
            if entry is None:
                entry = {"name": name, "users": [], "count": 0}
                reactions.append(entry)
            if user_id in entry["users"]:
                raise SlackError("already_reacted")
            entry["users"].append(user_id)
            entry["count"] = len(entry["users"])
            self.replace_message(channel_id, ts, {"reactions": reactions})

    def remove_reaction(self, channel_id: str, ts: str, name: str, user_id: str) -> None:
        with self.lock:
            reactions = copy.deepcopy(self.message(channel_id, ts).get("reactions", []))
            entry = next((r for r in reactions if r["name"] == name and user_id in r["users"]), None)
            if entry is None:
                raise SlackError("no_reaction")
            entry["users"].remove(user_id)
            entry["count"] = len(entry["users"])
            remaining = [r for r in reactions if r["count"] > 0]
            self.replace_message(channel_id, ts, {"reactions": remaining})
