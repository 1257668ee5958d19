"""The load: signed `/esc new` slash commands from #help, form-encoded as Slack sends them.

Every command's summary ends with a token unique to it (`bench-<run label>-<index>`); the bot
puts the summary in its cards' text, which is how a card is matched to the command that raised it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from standin import directory as slack_directory
from standin.payloads import VERIFICATION_TOKEN, new_trigger_id

from slack_workspace import ORIGIN_CHANNEL, REQUESTER, SIGNING_SECRET

EVENTS_PATH = "/slack/events"


@dataclass
class Command:
    token: str
    response_url: str
    body: bytes
    headers: dict[str, str]


def esc_new_commands(label: str, response_urls: list[str]) -> list[Command]:
    """One command per response_url, tokens numbered in order."""
    return [esc_new_command(f"bench-{label}-{index:05d}", url) for index, url in enumerate(response_urls)]


def token_pattern(label: str) -> re.Pattern[str]:
    """Finds the token of a command of run `label` in a text."""
    return re.compile(rf"\bbench-{re.escape(label)}-\d+\b")


def esc_new_command(token: str, response_url: str) -> Command:
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": slack_directory.TEAM_ID,
        "team_domain": slack_directory.TEAM_DOMAIN,
        "channel_id": ORIGIN_CHANNEL[0],
        "channel_name": ORIGIN_CHANNEL[1],
        "user_id": REQUESTER[0],
        "user_name": REQUESTER[1],
        "command": "/esc",
        "text": f"new Checkout fails under load {token}",
        "api_app_id": slack_directory.APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": new_trigger_id(),
    }
    body = urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **slack_signature_headers(body)}
    return Command(token, response_url, body, headers)


def slack_signature_headers(body: bytes) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
