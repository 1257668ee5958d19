"""Drivers that play Slack's side towards the bot: over signed HTTP, or over Socket Mode."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .payloads import Payloads

if TYPE_CHECKING:
    from .server import SlackStandIn


@dataclass
class DriverResponse:
    status: int
    body_text: str
    json: dict | None
    headers: dict[str, str]


class _Driver:
    """The requests a user's actions cause; subclasses decide how they travel."""

    def __init__(self, standin: "SlackStandIn"):
        self.standin = standin
        self.payloads = Payloads(standin)

    def command(self, text: str, *, command: str = "/esc", user: str = "U0AGENT1", channel: str = "C0HELP",
                trigger_id: str | None = None, retry_num: int | None = None, response_url: str | None = None):
        fields = self.payloads.command(text, command=command, user=user, channel=channel,
                                       trigger_id=trigger_id, response_url=response_url)
        return self._send_command(fields, retry_num)

    def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None,
              retry_reason: str = "http_timeout"):
        body = self.payloads.event_callback(event, event_id=event_id)
        return self._send_event(body, retry_num, retry_reason)

    def reaction_added(self, channel: str, ts: str, *, reaction: str = "sos", user: str = "U0AGENT1",
                       event_id: str | None = None, retry_num: int | None = None):
        event = self.payloads.reaction_added(channel, ts, reaction=reaction, user=user)
        return self.event(event, event_id=event_id, retry_num=retry_num)

    def user_message(self, channel: str, text: str, *, user: str = "U0AGENT1", thread_ts: str | None = None,
                     event_id: str | None = None) -> tuple[str, object]:
        """A person posts a message (a reply when thread_ts is given): stored, then its event sent.
        Returns the message's ts and the bot's answer to the event."""
        ts = self.standin.post_user_message(channel, text, user=user, thread_ts=thread_ts)
        return ts, self.event(self.payloads.message_posted(channel, ts), event_id=event_id)

    def resend_message(self, channel: str, ts: str, *, event_id: str, retry_num: int | None = None):
        """The `message` event of an already stored message again, as Slack's retries send it."""
        return self.event(self.payloads.message_posted(channel, ts), event_id=event_id, retry_num=retry_num)

    def edit_message(self, channel: str, ts: str, text: str, *, event_id: str | None = None):
        before = self.standin.message(channel, ts)
        after = self.standin.workspace.replace_message(
            channel, ts, {"text": text, "edited": {"user": before.get("user"), "ts": self.standin.workspace.next_ts()}})
        return self.event(self.payloads.message_changed(channel, before, after), event_id=event_id)

    def delete_message(self, channel: str, ts: str, *, event_id: str | None = None):
        before = self.standin.message(channel, ts)
        self.standin.workspace.delete_message(channel, ts)
        return self.event(self.payloads.message_deleted(channel, before), event_id=event_id)

    def block_action(self, action_id: str, value: str, *, user: str = "U0AGENT1", channel: str = "C0HELP",
                      message_ts: str | None = None, block_id: str | None = None, trigger_id: str | None = None):
        """Click a button; without message_ts, on the newest message in `channel` that has it."""
        payload = self.payloads.block_actions(action_id, value, user=user, channel=channel,
                                              message_ts=message_ts, block_id=block_id, trigger_id=trigger_id)
        return self._send_interaction(payload)

    def app_home_opened(self, *, user: str = "U0AGENT1", tab: str = "home"):
        """The person opens the app's Home tab (or its Messages tab)."""
        return self.event(self.payloads.app_home_opened(user, tab))

    def home_action(self, action_id: str, value: str, *, user: str = "U0AGENT1", trigger_id: str | None = None):
        """Click a button on the person's published Home."""
        return self._send_interaction(self.payloads.home_block_actions(action_id, value, user=user,
                                                                      trigger_id=trigger_id))

    def message_shortcut(self, callback_id: str, *, channel: str, message_ts: str, user: str = "U0AGENT1",
                         trigger_id: str | None = None):
        payload = self.payloads.message_shortcut(callback_id, channel=channel, message_ts=message_ts,
                                                 user=user, trigger_id=trigger_id)
        return self._send_interaction(payload)

    def view_submission(self, view: dict | None, values: dict, *, user: str = "U0AGENT1",
                        trigger_id: str | None = None):
        """Submit a modal; `view` may be the bot's views.open argument, a stored view, or None (the latest)."""
        payload = self.payloads.view_submission(view, values, user=user, trigger_id=trigger_id)
        return self._send_interaction(payload)

    def _send_command(self, fields: dict, retry_num: int | None):
        raise NotImplementedError

    def _send_event(self, body: dict, retry_num: int | None, retry_reason: str):
        raise NotImplementedError

    def _send_interaction(self, payload: dict):
        raise NotImplementedError


class SlackDriver(_Driver):
    """Sends signed HTTP requests to the bot's request URL, as Slack does."""

    def __init__(self, bot_url: str, signing_secret: str, standin: "SlackStandIn", *, timeout: float = 10.0):
        super().__init__(standin)
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def sign(self, body: bytes, timestamp: int | str | None = None) -> dict[str, str]:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        base = b"v0:" + timestamp.encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}

    def raw(self, body: bytes, headers: dict[str, str]) -> DriverResponse:
        request = urllib.request.Request(self.bot_url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return _driver_response(response.status, response.read(), response.headers)
        except urllib.error.HTTPError as error:
            return _driver_response(error.code, error.read(), error.headers)

    def _post(self, body: bytes, content_type: str, retry_num: int | None = None,
              retry_reason: str = "http_timeout") -> DriverResponse:
        headers = {"Content-Type": content_type, **self.sign(body)}
        if retry_num is not None:
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason})
        return self.raw(body, headers)

    def _send_command(self, fields: dict, retry_num: int | None) -> DriverResponse:
        return self._post(urlencode(fields).encode(), "application/x-www-form-urlencoded", retry_num)

    def _send_event(self, body: dict, retry_num: int | None, retry_reason: str) -> DriverResponse:
        return self._post(json.dumps(body).encode(), "application/json", retry_num, retry_reason)

    def _send_interaction(self, payload: dict) -> DriverResponse:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._post(body, "application/x-www-form-urlencoded")


class SocketModeDriver(_Driver):
    """Delivers the same payloads as Socket Mode envelopes and returns the bot's ack: on the
    newest open connection, or, with `connection`, on the one at that index among those open."""

    def __init__(self, standin: "SlackStandIn", *, connection: int | None = None, timeout: float = 15.0):
        super().__init__(standin)
        self.connection = connection
        self.timeout = timeout

    def _send(self, envelope_type: str, payload: dict, retry_num: int | None = None,
              retry_reason: str | None = None) -> dict:
        return self.standin.send_envelope(envelope_type, payload, retry_attempt=retry_num or 0,
                                          retry_reason=retry_reason, connection=self.connection,
                                          timeout=self.timeout)

    def _send_command(self, fields: dict, retry_num: int | None) -> dict:
        return self._send("slash_commands", fields, retry_num)

    def _send_event(self, body: dict, retry_num: int | None, retry_reason: str) -> dict:
        return self._send("events_api", body, retry_num, retry_reason)

    def _send_interaction(self, payload: dict) -> dict:
        return self._send("interactive", payload)


def _driver_response(status: int, raw: bytes, headers) -> DriverResponse:
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        parsed = None
    return DriverResponse(status, text, parsed, {name: value for name, value in headers.items()})
