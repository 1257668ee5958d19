"""Modal views opened, pushed and updated by the bot, and each person's published Home."""

from __future__ import annotations

import secrets
import string
import threading
import time

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

from . import directory as d
from .state import SlackError

_ID_ALPHABET = string.ascii_uppercase + string.digits


def _new_view_id() -> str:
    return "V0" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(9))


def _new_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


def _render(view_input: dict, view_id: str, root_id: str, previous_id: str | None) -> dict:
    return {
        "id": view_id,
        "team_id": d.TEAM_ID,
        "type": view_input["type"],
        "blocks": view_input.get("blocks", []),
        "private_metadata": view_input.get("private_metadata", ""),
        "callback_id": view_input.get("callback_id", ""),
        "state": {"values": {}},
        "hash": _new_hash(),
        "title": view_input.get("title"),
        "clear_on_close": bool(view_input.get("clear_on_close", False)),
        "notify_on_close": bool(view_input.get("notify_on_close", False)),
        "close": view_input.get("close"),
        "submit": view_input.get("submit"),
        "previous_view_id": previous_id,
        "root_view_id": root_id,
        "app_id": d.APP_ID,
        "external_id": view_input.get("external_id", ""),
        "app_installed_team_id": d.TEAM_ID,
        "bot_id": d.BOT_ID,
    }


def _checked(view_input: object) -> dict:
    if not isinstance(view_input, dict) or view_input.get("type") not in ("modal", "home"):
        raise SlackError("invalid_arguments")
    try:
        View(**view_input).to_dict()
    except (SlackObjectFormationError, TypeError):
        raise SlackError("invalid_arguments") from None
    return view_input


class ViewStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._views: dict[str, dict] = {}
        self._used_triggers: set[str] = set()
        self._homes: dict[str, dict] = {}

    def publish(self, view_input: object, user_id: str) -> dict:
        """views.publish: the person's Home tab now shows this view (one Home per person, its id kept)."""
        view_input = _checked(view_input)
        if view_input["type"] != "home":
            raise SlackError("invalid_arguments")
        with self._lock:
            current = self._homes.get(user_id)
            view_id = current["id"] if current else _new_view_id()
            self._homes[user_id] = _render(view_input, view_id, view_id, None)
            return self._homes[user_id]

    def home(self, user_id: str) -> dict | None:
        with self._lock:
            return self._homes.get(user_id)

    def open(self, view_input: object, trigger_id: str, previous_view_id: str | None = None) -> dict:
        """A trigger opens one view: Slack answers a second use with `exchanged_trigger_id`."""
        view_input = _checked(view_input)
        view_id = _new_view_id()
        with self._lock:
            if trigger_id in self._used_triggers:
                raise SlackError("exchanged_trigger_id")
            self._used_triggers.add(trigger_id)
            previous = self._views.get(previous_view_id or "")
            root_id = previous["root_view_id"] if previous else view_id
            view = _render(view_input, view_id, root_id, previous_view_id if previous else None)
            self._views[view_id] = view
        return view

    def update(self, view_input: object, view_id: str = "", external_id: str = "", hash_: str = "") -> dict:
        view_input = _checked(view_input)
        with self._lock:
            current = self._find(view_id, external_id)
            if hash_ and hash_ != current["hash"]:
                raise SlackError("hash_conflict")
            view = _render(view_input, current["id"], current["root_view_id"], current["previous_view_id"])
            del self._views[current["id"]]  # re-inserted last: latest() means most recently touched
            self._views[current["id"]] = view
        return view

    def _find(self, view_id: str, external_id: str) -> dict:
        if view_id in self._views:
            return self._views[view_id]
        for view in self._views.values():
            if external_id and view["external_id"] == external_id:
                return view
        raise SlackError("not_found")

    def all(self) -> list[dict]:
        with self._lock:
            return list(self._views.values())

    def latest(self, callback_id: str | None = None) -> dict | None:
        """The most recently opened or updated view, optionally with a given callback_id."""
        with self._lock:
            views = list(self._views.values())
        if callback_id is not None:
            views = [v for v in views if v["callback_id"] == callback_id]
        return views[-1] if views else None
