"""The ceiling: the same stand-in absorbing the same two card posts per escalation, sent by a
bare slack_sdk client from as many threads as the bot has workers. No HTTP front, no
database, no rules: what posting the cards alone allows on this machine."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from slack_workspace import CARD_CHANNELS

from bot.config import load_team_config
from bot.runner import WORKERS
from bot.slack_client import make_client
from commands.esc.card_blocks import card_text, render_card
from servers_under_test import REPO
from storage.model import Escalation, Source, Status


def ceiling_escalations_per_second(api_url: str, bot_token: str, count: int) -> float:
    client = make_client(bot_token, api_url)
    team = load_team_config(REPO / "app.yaml")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(lambda n: _post_both_cards(client, team, n), range(count)))
    return count / (time.monotonic() - started)


def _post_both_cards(client, team, number: int) -> None:
    esc = Escalation(id=number + 1, summary=f"Checkout fails under load ceiling-{number}", priority="P3", category=None,
                     customer_ref=None, requester="U0AGENT1", source=Source.COMMAND, origin_channel="C0HELP",
                     origin_ts=None, status=Status.OPEN, line=1, created_at=datetime.now(timezone.utc), resolved_at=None)
    for channel, _ in CARD_CHANNELS:
        client.chat_postMessage(channel=channel, blocks=render_card(esc, team), text=card_text(esc))
