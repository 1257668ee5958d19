"""Builders for what Slack sends to an app: slash commands, events and interactions.

Both drivers (HTTP and Socket Mode) use these, so the bot sees the same payloads
whichever way they travel.
"""

from __future__ import annotations

import secrets
import string
import time
from typing import TYPE_CHECKING

from . import directory as d
from .state import SlackError

if TYPE_CHECKING:
    from .server import SlackStandIn

VERIFICATION_TOKEN = "standin-verification-token"
_ALPHANUMERIC = string.ascii_uppercase + string.digits


def new_trigger_id() -> str:
    return f"{secrets.randbelow(10**10):010d}.{secrets.randbelow(10**9):09d}.{secrets.token_hex(16)}"


def new_event_id() -> str:
    return "Ev" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(10))


def now_ts() -> str:
    return f"{time.time():.6f}"


def selected_option(value: str, text: str | None = None, element_type: str = "static_select") -> dict:
    option = {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}
    return {"type": element_type, "selected_option": option}


def selected_user(user_id: str) -> dict:
    return {"type": "users_select", "selected_user": user_id}


def form_values(values: dict[str, object]) -> dict:
    """view.state.values from {"block_id" or "block_id/action_id": value}.

    A str (or None) becomes a plain_text_input value; a dict (e.g. from
    selected_option() or selected_user()) is used as the element state as-is.
    """
    state: dict[str, dict] = {}
    for key, value in values.items():
        block_id, _, action_id = key.partition("/")
        element = value if isinstance(value, dict) else {"type": "plain_text_input", "value": value}
        state.setdefault(block_id, {})[action_id or block_id] = element
    return state


class Payloads:
    def __init__(self, standin: "SlackStandIn"):
        self.standin = standin

    # -- who and where -----------------------------------------------------------

    def _user_name(self, user_id: str) -> str:
        user = self.standin.workspace.users.get(user_id)
        return user.name if user else user_id

    def _channel_name(self, channel_id: str) -> str:
        channel = self.standin.workspace.channels.get(channel_id)
        if channel is None:
            return channel_id
        return "directmessage" if channel.is_im else channel.name

    def _user(self, user_id: str) -> dict:
        name = self._user_name(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": d.TEAM_ID}

    def _channel(self, channel_id: str) -> dict:
        return {"id": channel_id, "name": self._channel_name(channel_id)}

    def _interaction_base(self, kind: str, user: str, trigger_id: str | None) -> dict:
        return {
            "type": kind,
            "token": VERIFICATION_TOKEN,
            "team": {"id": d.TEAM_ID, "domain": d.TEAM_DOMAIN},
            "user": self._user(user),
            "api_app_id": d.APP_ID,
            "trigger_id": trigger_id or new_trigger_id(),
            "is_enterprise_install": False,
            "enterprise": None,
        }

    # -- slash commands and events -------------------------------------------------

    def command(self, text: str, *, command: str, user: str, channel: str, trigger_id: str | None,
                response_url: str | None) -> dict[str, str]:
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": d.TEAM_ID,
            "team_domain": d.TEAM_DOMAIN,
            "channel_id": channel,
            "channel_name": self._channel_name(channel),
            "user_id": user,
            "user_name": self._user_name(user),
            "command": command,
            "text": text,
            "api_app_id": d.APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url or self.standin.new_response_url(channel=channel, user=user),
            "trigger_id": trigger_id or new_trigger_id(),
        }

    def event_callback(self, event: dict, *, event_id: str | None = None) -> dict:
        event = {**event}
        event.setdefault("event_ts", now_ts())
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": d.TEAM_ID,
            "context_team_id": d.TEAM_ID,
            "context_enterprise_id": None,
            "api_app_id": d.APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or new_event_id(),
            "event_time": int(time.time()),
            "authorizations": [{
                "enterprise_id": None, "team_id": d.TEAM_ID, "user_id": d.BOT_USER_ID,
                "is_bot": True, "is_enterprise_install": False,
            }],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_urlsafe(48),
        }

    def reaction_added(self, channel: str, ts: str, *, reaction: str, user: str) -> dict:
        item_user = self._stored_message(channel, ts).get("user")
        event = {
            "type": "reaction_added",
            "user": user,
            "reaction": reaction,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": now_ts(),
        }
        if item_user:
            event["item_user"] = item_user
        return event

    def message_posted(self, channel: str, ts: str) -> dict:
        """The `message` event of a person's stored message (a thread reply carries thread_ts)."""
        message = self._stored_message(channel, ts)
        event = {"type": "message", "channel": channel, "user": message.get("user"), "text": message.get("text", ""),
                 "ts": ts, "channel_type": self._channel_type(channel), "event_ts": ts,
                 "client_msg_id": message.get("client_msg_id")}
        if message.get("thread_ts"):
            event["thread_ts"] = message["thread_ts"]
        return event

    def message_changed(self, channel: str, before: dict, after: dict) -> dict:
        return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel,
                "channel_type": self._channel_type(channel), "ts": after["edited"]["ts"],
                "event_ts": after["edited"]["ts"], "message": _event_message(after),
                "previous_message": _event_message(before)}

    def message_deleted(self, channel: str, before: dict) -> dict:
        ts = now_ts()
        return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel,
                "channel_type": self._channel_type(channel), "ts": ts, "event_ts": ts,
                "deleted_ts": before["ts"], "previous_message": _event_message(before)}

    def _channel_type(self, channel: str) -> str:
        found = self.standin.workspace.channels.get(channel)
        if found is None or not found.is_im:
            return "group" if found is not None and found.is_private else "channel"
        return "im"

    def _stored_message(self, channel: str, ts: str) -> dict:
        try:
            return self.standin.message(channel, ts)
        except SlackError:
            return {}

    # -- interactions ------------------------------------------------------------------

    def block_actions(self, action_id: str, value: str, *, user: str, channel: str, message_ts: str | None,
                      block_id: str | None, trigger_id: str | None) -> dict:
        message, element, found_block_id, is_ephemeral = self._clicked_message(channel, message_ts, action_id, value)
        ts = message.get("ts") or message.get("message_ts") or now_ts()
        action = {
            "action_id": action_id,
            "block_id": block_id or found_block_id or "b",
            "text": (element or {}).get("text") or {"type": "plain_text", "text": action_id, "emoji": True},
            "value": value,
            "type": "button",
            "action_ts": now_ts(),
        }
        if element and element.get("style"):
            action["style"] = element["style"]
        if element and element.get("type") == "overflow":  # Slack sends the option chosen, not a value
            del action["value"], action["text"]
            action.update(type="overflow", selected_option=next(o for o in element["options"] if o["value"] == value))
        payload = self._interaction_base("block_actions", user, trigger_id)
        payload.update({
            "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": is_ephemeral},
            "channel": self._channel(channel),
            "state": {"values": {}},
            "response_url": self.standin.new_response_url(channel=channel, user=user, message_ts=ts),
            "actions": [action],
        })
        if not is_ephemeral:
            payload["message"] = self.standin.workspace.api_message(message) if message.get("channel") else message
        return payload

    def app_home_opened(self, user: str, tab: str) -> dict:
        event = {"type": "app_home_opened", "user": user, "channel": self.standin.workspace.im_channel(user).id, "tab": tab}
        home = self.standin.home(user)
        if home and tab == "home":
            event["view"] = home
        return event

    def home_block_actions(self, action_id: str, value: str, *, user: str, trigger_id: str | None) -> dict:
        """A click on a button of the person's published Home."""
        home = self.standin.home(user)
        element, block_id = _find_element(home or {}, action_id, value)
        if element is None:
            raise LookupError(f"{user}'s Home has no element with action_id {action_id!r} and value {value!r}")
        action = {"action_id": action_id, "block_id": block_id or "b", "text": element["text"], "value": value,
                  "type": "button", "action_ts": now_ts()}
        payload = self._interaction_base("block_actions", user, trigger_id)
        payload.update({"container": {"type": "view", "view_id": home["id"]}, "view": home,
                        "state": {"values": {}}, "actions": [action]})
        return payload

    def _clicked_message(self, channel: str, message_ts: str | None, action_id: str, value: str):
        """The message holding the button: the given one, else the newest (ephemeral or not) that has it."""
        if message_ts:
            message = self._stored_message(channel, message_ts)
            ephemeral = next((e for e in self.standin.ephemerals if e.get("message_ts") == message_ts), None)
            if not message and ephemeral:
                return (ephemeral, *_find_element(ephemeral, action_id, value), True)
            message = message or {"type": "message", "ts": message_ts, "text": ""}
            return (message, *_find_element(message, action_id, value), False)
        for message in reversed(self.standin.messages(channel)):
            element, block_id = _find_element(message, action_id, value)
            if element:
                return message, element, block_id, False
        for ephemeral in reversed(self.standin.ephemerals):
            element, block_id = _find_element(ephemeral, action_id, value)
            if element and ephemeral.get("channel") in (channel, None):
                return ephemeral, element, block_id, True
        raise LookupError(f"no message in {channel} has an element with action_id {action_id!r}")

    def message_shortcut(self, callback_id: str, *, channel: str, message_ts: str, user: str,
                         trigger_id: str | None) -> dict:
        message = self.standin.workspace.api_message(self.standin.workspace.message(channel, message_ts))
        payload = self._interaction_base("message_action", user, trigger_id)
        payload.update({
            "action_ts": now_ts(),
            "callback_id": callback_id,
            "channel": self._channel(channel),
            "message_ts": message_ts,
            "message": message,
            "response_url": self.standin.new_response_url(channel=channel, user=user, message_ts=message_ts),
        })
        return payload

    def view_submission(self, view: dict | None, values: dict, *, user: str, trigger_id: str | None) -> dict:
        opened = self._opened_view(view)
        payload = self._interaction_base("view_submission", user, trigger_id)
        payload.update({
            "view": {**opened, "state": {"values": values}},
            "response_urls": [],
        })
        return payload

    def _opened_view(self, view: dict | None) -> dict:
        """The stored view (with its id) for a view as the bot sent it to views.open."""
        if view and view.get("id"):
            return view
        stored = self.standin.last_view((view or {}).get("callback_id"))
        if stored is None:
            raise LookupError("the bot has not opened a view to submit")
        return stored


def _event_message(message: dict) -> dict:
    """A stored message as events carry it: no channel, no empty fields."""
    return {k: v for k, v in message.items() if v not in (None, [], "") and k != "channel"}


def _offers(element: dict, value: str) -> bool:
    return element.get("type") != "overflow" or any(option["value"] == value for option in element["options"])


def _find_element(message: dict, action_id: str, value: str) -> tuple[dict | None, str | None]:
    """The element with `action_id`; for an overflow menu, the one offering `value`."""
    for block in message.get("blocks") or []:
        elements = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        for element in elements:
            if isinstance(element, dict) and element.get("action_id") == action_id and _offers(element, value):
                return element, block.get("block_id")
    return None, None
