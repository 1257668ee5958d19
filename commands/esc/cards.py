"""Keeping every card of an escalation true: post, update in place, and tell the thread.

The escalation is already stored when this runs; a failing Slack call is logged and
reported, never allowed to undo or lose the stored change.
"""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.deps import Deps
from commands.esc.card_blocks import card_text, note_text, render_card, render_note
from commands.posting import post_joining
from storage.model import Escalation, Event, Source
from storage.queries import Card, cards_of, get_escalation, save_cards

log = logging.getLogger(__name__)
STALE_CARD_ERRORS = {"message_not_found", "cant_update_message", "edit_window_closed"}


class CardPublisher:
    def __init__(self, client: WebClient, deps: Deps):
        self.client = client
        self.deps = deps
        self.problems: list[str] = []

    def publish_new(self, esc: Escalation) -> None:
        """The first cards: in the origin thread and in the current line's queue."""
        raised_by_command = esc.source in (Source.COMMAND, Source.MODAL)
        origin = self._post(esc, esc.origin_channel, thread_ts=None if raised_by_command else esc.origin_ts)
        fresh = [origin] if origin else []
        queue = self.deps.team.line(esc.line).channel
        if queue != esc.origin_channel:
            fresh += filter(None, [self._post(esc, queue, thread_ts=None)])
        origin_ts = origin.ts if origin and raised_by_command else None
        save_cards(self._db(), esc.id, fresh, origin_ts=origin_ts)

    def publish_change(self, escalation_id: int, events: tuple[Event, ...]) -> None:
        """Bring every card up to date (reading the latest state, not a snapshot) and note the change."""
        esc = get_escalation(self._db(), escalation_id)
        cards = cards_of(self._db(), esc.id)
        fresh = [replacement for replacement in (self._update(esc, card) for card in cards) if replacement]
        queue = self.deps.team.line(esc.line).channel
        if queue not in {card.channel for card in cards}:
            fresh += filter(None, [self._post(esc, queue, thread_ts=None)])
        if fresh:
            save_cards(self._db(), esc.id, fresh)
        for event in events:
            self._note(esc, event)

    def _post(self, esc: Escalation, channel: str, thread_ts: str | None) -> Card | None:
        try:
            response = self._post_joining(channel, thread_ts, render_card(esc, self.deps.team), card_text(esc))
        except SlackApiError as error:
            self._problem(esc, channel, error)
            return None
        return Card(channel=channel, ts=response["ts"], thread_ts=thread_ts)

    def _post_joining(self, channel: str, thread_ts: str | None, blocks: list[dict], text: str):
        return post_joining(self.client, channel, thread_ts=thread_ts, blocks=blocks, text=text)

    def _update(self, esc: Escalation, card: Card) -> Card | None:
        """Edit the card in place; returns a replacement card when Slack no longer lets us edit it."""
        try:
            self.client.chat_update(channel=card.channel, ts=card.ts, blocks=render_card(esc, self.deps.team), text=card_text(esc))
            return None
        except SlackApiError as error:
            if error.response.get("error") not in STALE_CARD_ERRORS:
                self._problem(esc, card.channel, error)
                return None
            log.info("card of %s in %s can no longer be edited (%s): posting a fresh one",
                     esc.key, card.channel, error.response.get("error"))
            return self._post(esc, card.channel, card.thread_ts)

    def _note(self, esc: Escalation, event: Event) -> None:
        if not esc.origin_ts:
            return
        text = note_text(event, esc, self.deps.team)
        try:
            self._post_joining(esc.origin_channel, esc.origin_ts, render_note(text), text)
        except SlackApiError as error:
            self._problem(esc, esc.origin_channel, error)

    def _problem(self, esc: Escalation, channel: str, error: SlackApiError) -> None:
        reason = error.response.get("error", "unknown_error")
        log.warning("Slack refused a card of %s in %s: %s", esc.key, channel, reason)
        self.problems.append(f"<#{channel}>: `{reason}`")

    def _db(self):
        return self.deps.store.db()
