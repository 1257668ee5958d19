"""The response_url sink: what the bot posts to the URLs handed out with commands and actions."""

from __future__ import annotations

import json
import secrets
import threading
import time

from . import directory as d
from .api_common import checked_blocks
from .recorder import Faults, Journal
from .state import SlackError, Workspace

RESPONSE_URL_FAULT_KEY = "response_url"


def response_kind(body: dict) -> str:
    """What Slack does with a response_url body: delete, replace, in_channel or ephemeral."""
    if body.get("delete_original"):
        return "delete"
    if body.get("replace_original") and body.get("response_type") != "ephemeral":
        return "replace"
    if body.get("response_type") == "in_channel":
        return "in_channel"
    return "ephemeral"


class ResponseUrls:
    def __init__(self, workspace: Workspace, ephemerals: Journal, faults: Faults):
        self._workspace = workspace
        self._ephemerals = ephemerals
        self._faults = faults
        self._lock = threading.Lock()
        self._contexts: dict[str, dict] = {}
        self.journal: Journal = Journal()

    def new(self, base_url: str, *, channel: str | None = None, user: str | None = None,
            message_ts: str | None = None) -> str:
        response_id = f"{d.TEAM_ID}/{int(time.time())}/{secrets.token_hex(12)}"
        with self._lock:
            self._contexts[response_id] = {"channel": channel, "user": user, "message_ts": message_ts}
        return f"{base_url}/response/{response_id}"

    def receive(self, url: str, response_id: str, raw_body: bytes) -> tuple[int, dict, dict]:
        pause = self._faults.delay_for(RESPONSE_URL_FAULT_KEY)
        if pause:
            time.sleep(pause)
        fault = self._faults.next_fault(RESPONSE_URL_FAULT_KEY)
        if fault is not None:
            headers = {"Retry-After": str(int(fault.retry_after))} if fault.retry_after is not None else {}
            return fault.status, {"ok": False, "error": fault.error}, headers
        try:
            body = json.loads(raw_body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return 400, {"ok": False, "error": "invalid_payload"}, {}
        if not isinstance(body, dict):
            return 400, {"ok": False, "error": "invalid_payload"}, {}
        try:
            checked_blocks(body.get("blocks"))
        except SlackError as error:
            return 400, {"ok": False, "error": error.error}, {}
        with self._lock:
            context = dict(self._contexts.get(response_id, {}))
        kind = response_kind(body)
        self._apply(kind, body, context)
        self.journal.append({"url": url, "body": body, "kind": kind, **context, "at": time.time()})
        return 200, {"ok": True}, {}

    def _apply(self, kind: str, body: dict, context: dict) -> None:
        channel, message_ts = context.get("channel"), context.get("message_ts")
        content = {"text": str(body.get("text") or ""), "blocks": body.get("blocks") or []}
        try:
            if kind == "ephemeral":
                self._ephemerals.append({"channel": channel, "user": context.get("user"), **content,
                                         "source": "response_url", "thread_ts": body.get("thread_ts")})
            elif kind == "in_channel" and channel:
                fields = {"user": d.BOT_USER_ID, "bot_id": d.BOT_ID, "app_id": d.APP_ID, **content}
                channel_id = self._workspace.channel(channel).id
                self._workspace.add_message(channel_id, fields, thread_ts=body.get("thread_ts"))
            elif kind == "replace" and channel and message_ts:
                self._workspace.replace_message(channel, message_ts, content)
            elif kind == "delete" and channel and message_ts:
                self._workspace.delete_message(channel, message_ts)
        except SlackError:
            pass  # the original is gone or never was a stored message; the post is still recorded
