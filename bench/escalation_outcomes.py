"""Following each acknowledged command through the stand-in: its two cards, and any reply to its response_url."""

from __future__ import annotations

import time

from run_results import Sample
from signed_commands import token_pattern
from standin_process import StandIn

OUTCOME_TIMEOUT = 60.0
POLL_INTERVAL = 0.1


def attach_cards(standin: StandIn, label: str, samples: list[Sample]) -> None:
    """Poll until every acknowledged command of run `label` has its card in #help and in the queue,
    or time runs out; a card is matched to its command by the token in its text."""
    token = token_pattern(label)
    waiting = {sample.token: sample for sample in samples if sample.acked}
    deadline = time.monotonic() + OUTCOME_TIMEOUT
    seen = 0
    while waiting and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)
        cards, seen = standin.cards(seen)
        for channel, text, at in cards:
            match = token.search(text)
            sample = waiting.get(match.group(0)) if match else None
            if sample:
                sample.card_at.setdefault(channel, at)  # the first card there, should the bot post another
                if sample.both_cards_at is not None:
                    del waiting[sample.token]


def attach_problem_replies(standin: StandIn, samples: list[Sample]) -> None:
    """Once the bot has stopped calling Slack, note every post to a command's response_url."""
    standin.wait_idle()
    by_url = {sample.response_url: sample for sample in samples}
    for url, text in standin.response_posts():
        sample = by_url.get(url)
        if sample and sample.problem_reply is None:
            sample.problem_reply = text
