"""Keeping every card of an escalation true: post, update in place, and tell the thread.

The escalation is already stored when this runs; a failing Slack call is logged and
reported, never allowed to undo or lose the stored change.
"""

import logging
import threading
from contextlib import contextmanager

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.deps import Deps
from commands.esc.card_blocks import CardState, awaits_ack, card_role, card_text, render_card
from commands.esc.note_blocks import thread_note
from commands.message_search import find_by_metadata, message_metadata
from commands.people import mentions
from commands.posting import post_joining
from storage.model import Escalation, Event, Source
from storage.queries import Card, arrival_reason, cards_of, get_escalation, save_cards
from storage.sla import ACK_LINE, Clock, running_clock

log = logging.getLogger(__name__)
STALE_CARD_ERRORS = {"message_not_found", "cant_update_message", "edit_window_closed"}
CARD_EVENT = "supportbot_card"
_ESCALATION_LOCKS = [threading.RLock() for _ in range(64)]


@contextmanager
def one_publisher_at_a_time(escalation_id: int):
    """Cards of one escalation are posted or edited by one thread at a time. Otherwise a change
    arriving while the first cards are still being posted (a click on the origin card, an SLA
    reminder, a slow Slack) finds the queue card not yet recorded and posts a second one."""
    with _ESCALATION_LOCKS[escalation_id % len(_ESCALATION_LOCKS)]:
        yield


def card_metadata(esc: Escalation, channel: str) -> dict:
    """Slack message metadata naming the card's escalation and channel, so a card posted just
    before a crash can be found again instead of posted twice."""
    return message_metadata(CARD_EVENT, escalation_id=esc.id, channel=channel)


def note_metadata(event: Event) -> dict:
    """Names the change a thread note tells of, so one Slack stored but answered with an error is
    not posted twice."""
    return message_metadata("supportbot_note", escalation_id=event.escalation_id, action=event.action.value,
                            at=event.at.isoformat())


class CardPublisher:
    def __init__(self, client: WebClient, deps: Deps):
        self.client = client
        self.deps = deps
        self.problems: list[str] = []
        self._clocks: dict[int, Clock | None] = {}  # read once per escalation: every card shows the same

    def publish_new(self, esc: Escalation) -> None:
        """The first cards: in the origin thread and in the current line's queue. A change that
        came first has already posted its queue card and shows the latest state, so only what is
        still missing is posted, from the state as it is now."""
        with one_publisher_at_a_time(esc.id):
            self._post_first(esc, adopt=False)

    def repair(self, esc: Escalation) -> None:
        """The first cards of an escalation whose process died while posting them: a card Slack
        already has (found by its metadata) is adopted, only a missing one is posted."""
        with one_publisher_at_a_time(esc.id):
            self._post_first(esc, adopt=True)
            self._bring_up_to_date(esc.id, ())  # an adopted card shows what was true when it was posted

    def _post_first(self, esc: Escalation, adopt: bool) -> None:
        recorded = {card.channel for card in cards_of(self._db(), esc.id)}
        if recorded:  # a change came first: what it did shows on the rest too
            esc = get_escalation(self._db(), esc.id)
        fresh = [
            (adopt and self._find_posted(esc, channel, thread_ts)) or self._post(esc, channel, thread_ts)
            for channel, thread_ts in self._first_places(esc) if channel not in recorded
        ]
        self._save_first(esc, [card for card in fresh if card])

    def _first_places(self, esc: Escalation) -> list[tuple[str, str | None]]:
        """(channel, thread) of the first cards: where it was raised (in the message's thread for a
        reaction or shortcut), then the current line's queue."""
        raised_by_command = esc.source in (Source.COMMAND, Source.MODAL)
        places = [(esc.origin_channel, None if raised_by_command else esc.origin_ts)]
        queue = self.deps.team.line(esc.line).channel
        return places + ([(queue, None)] if queue != esc.origin_channel else [])

    def _save_first(self, esc: Escalation, fresh: list[Card]) -> None:
        """A command's escalation lives in the thread of its first card, known once it is posted."""
        raised_by_command = esc.source in (Source.COMMAND, Source.MODAL)
        origin = next((card for card in fresh if card.channel == esc.origin_channel), None)
        save_cards(self._db(), esc.id, fresh, origin_ts=origin.ts if origin and raised_by_command else None)

    def _find_posted(self, esc: Escalation, channel: str, thread_ts: str | None) -> Card | None:
        ts = find_by_metadata(self.client, channel, card_metadata(esc, channel), esc.created_at, thread_ts)
        return Card(channel=channel, ts=ts, thread_ts=thread_ts) if ts else None

    def publish_change(self, escalation_id: int, events: tuple[Event, ...]) -> None:
        """Bring every card up to date (reading the latest state, not a snapshot) and note the change."""
        with one_publisher_at_a_time(escalation_id):
            self._bring_up_to_date(escalation_id, events)

    def _bring_up_to_date(self, escalation_id: int, events: tuple[Event, ...]) -> None:
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
            state = self._state(esc, channel)
            response = self._post_joining(channel, thread_ts, render_card(esc, self.deps.team, state),
                                          self._text(esc, state), metadata=card_metadata(esc, channel))
        except SlackApiError as error:
            self._problem(esc, channel, error)
            return None
        return Card(channel=channel, ts=response["ts"], thread_ts=thread_ts)

    def _post_joining(self, channel: str, thread_ts: str | None, blocks: list[dict], text: str,
                      metadata: dict | None = None):
        return post_joining(self.client, channel, thread_ts=thread_ts, blocks=blocks, text=text, metadata=metadata)

    def _update(self, esc: Escalation, card: Card) -> Card | None:
        """Edit the card in place; returns a replacement card when Slack no longer lets us edit it."""
        try:
            state = self._state(esc, card.channel)
            self.client.chat_update(channel=card.channel, ts=card.ts, blocks=render_card(esc, self.deps.team, state),
                                    text=self._text(esc, state))
            return None
        except SlackApiError as error:
            if error.response.get("error") not in STALE_CARD_ERRORS:
                self._problem(esc, card.channel, error)
                return None
            log.info("card of %s in %s can no longer be edited (%s): posting a fresh one",
                     esc.key, card.channel, error.response.get("error"))
            return self._post(esc, card.channel, card.thread_ts)

    def _state(self, esc: Escalation, channel: str) -> CardState:
        if esc.id not in self._clocks:
            self._clocks[esc.id] = running_clock(self._db(), esc.id)
        return CardState(now=self.deps.clock(), clock=self._clocks[esc.id], role=card_role(esc, channel, self.deps.team),
                         reason=arrival_reason(self._db(), esc))

    def _text(self, esc: Escalation, state: CardState) -> str:
        """The notification text: on the line-3 queue's card it calls the responders."""
        if not (state.asks_ack and awaits_ack(esc)):
            return card_text(esc)
        responders = mentions(self.deps.team.line(ACK_LINE).responders)
        ask = f"{responders} please acknowledge" if responders else "please acknowledge"
        return f"{card_text(esc)}: {ask}"

    def _note(self, esc: Escalation, event: Event) -> None:
        if not esc.origin_ts:
            return
        blocks, text = thread_note(event, esc, self.deps.team)
        try:
            self._post_joining(esc.origin_channel, esc.origin_ts, blocks, text, metadata=note_metadata(event))
        except SlackApiError as error:
            self._problem(esc, esc.origin_channel, error)

    def _problem(self, esc: Escalation, channel: str, error: SlackApiError) -> None:
        reason = error.response.get("error", "unknown_error")
        log.warning("Slack refused a card of %s in %s: %s", esc.key, channel, reason)
        self.problems.append(f"<#{channel}>: `{reason}`")

    def _db(self):
        return self.deps.store.db()
