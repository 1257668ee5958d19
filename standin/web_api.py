"""Web API front door: request parsing, token checks, planned faults, recording."""

from __future__ import annotations

import json
import time
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from . import api_directory, api_files, api_messages
from .api_common import ApiContext
from .directory import BOT_SCOPES
from .rate_limits import ChannelRateLimit
from .recorder import ApiCall, Faults, Journal
from .state import SlackError

JSON_STRING_FIELDS = ("blocks", "view", "attachments", "metadata")
APP_TOKEN_METHODS = {"apps.connections.open"}


def _form_fields(content_type: str, body: bytes) -> dict:
    if content_type.lower().startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        return {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True).decode()
            for part in message.iter_parts()
        }
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _decode_json_strings(args: dict) -> dict:
    for name in JSON_STRING_FIELDS:
        value = args.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                args[name] = json.loads(value)
            except json.JSONDecodeError:
                raise SlackError(f"invalid_{name}" if name == "blocks" else "invalid_arguments") from None
    return args


def parse_args(content_type: str, body: bytes, query: str = "") -> dict:
    """Arguments of a Web API request, whether sent as a query, a form or JSON."""
    args = dict(parse_qsl(query, keep_blank_values=True))
    if content_type.lower().startswith("application/json"):
        try:
            parsed = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SlackError("invalid_json") from None
        if not isinstance(parsed, dict):
            raise SlackError("invalid_json")
        args.update(parsed)
    elif body:
        try:
            args.update(_form_fields(content_type, body))
        except (UnicodeDecodeError, ValueError, AttributeError):
            raise SlackError("invalid_form_data") from None
    return _decode_json_strings(args)


def bearer_token(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class WebApi:
    def __init__(self, ctx: ApiContext, bot_token: str, app_token: str, faults: Faults, calls: Journal,
                 arrivals: Journal):
        self._ctx = ctx
        self.channel_rate_limit = ChannelRateLimit(ctx.workspace)
        self._bot_token = bot_token
        self._app_token = app_token
        self._faults = faults
        self._calls = calls
        self._arrivals = arrivals  # calls as they come in, before any delay: what is still being answered too
        self._handlers = {**api_messages.HANDLERS, **api_directory.HANDLERS, **api_files.HANDLERS}

    def handle(self, method: str, authorization: str | None, content_type: str, body: bytes,
               query: str = "") -> tuple[int, dict, dict]:
        """Answer one call: (HTTP status, JSON payload, extra headers)."""
        try:
            args = parse_args(content_type, body, query)
        except SlackError as error:
            return self._finish(ApiCall(method, {}), {"ok": False, "error": error.error})
        self._arrivals.append(ApiCall(method, args))
        pause = self._faults.delay_for(method)
        if pause:
            time.sleep(pause)
        fault = self._faults.next_fault(method, args)
        if fault is not None:
            if fault.after_doing:
                self._answer(method, bearer_token(authorization), args)
            headers = {"Retry-After": str(int(fault.retry_after))} if fault.retry_after is not None else {}
            payload = {"ok": False, "error": fault.error}
            return self._finish(ApiCall(method, args, status=fault.status), payload, headers)
        retry_after = self.channel_rate_limit.refusal(method, args)
        if retry_after is not None:
            payload = {"ok": False, "error": "ratelimited"}
            return self._finish(ApiCall(method, args, status=429), payload, {"Retry-After": str(retry_after)})
        return self._finish(ApiCall(method, args), self._answer(method, bearer_token(authorization), args))

    def _answer(self, method: str, token: str | None, args: dict) -> dict:
        handler = self._handlers.get(method)
        try:
            if handler is None:
                raise SlackError("unknown_method")
            self._check_token(method, token)
            return {"ok": True, **handler(self._ctx, args)}
        except SlackError as error:
            return {"ok": False, "error": error.error, **({"errors": [error.detail]} if error.detail else {})}

    def _check_token(self, method: str, token: str | None) -> None:
        wants_app_token = method in APP_TOKEN_METHODS
        if token == (self._app_token if wants_app_token else self._bot_token):
            return
        if token in (self._app_token, self._bot_token):
            raise SlackError("not_allowed_token_type")
        raise SlackError("invalid_auth")

    def _finish(self, call: ApiCall, payload: dict, headers: dict | None = None) -> tuple[int, dict, dict]:
        call.response = payload
        call.failed = not payload.get("ok")
        self._calls.append(call)
        return call.status, payload, {"X-OAuth-Scopes": BOT_SCOPES, **(headers or {})}
