"""Keeping every card of an escalation true, and telling its thread: the outbox's escalation rows.

A change commits its outbox rows with it (storage/escalation_effects.py); the delivery loop
(bot/delivery.py) hands them here one at a time per escalation, across processes. A cards row
renders the escalation as it is when delivered, so edits never land out of order and changes
made in a row need one edit. A card is posted only where none is recorded, by the one process
holding the row, after looking for it by its metadata when an earlier try may have reached Slack.
"""

import logging

from slack_sdk.errors import SlackApiError

from bot.delivery import Delivery, transient
from commands.esc.card_blocks import CardState, awaits_ack, card_role, card_text, render_card
from commands.esc.note_blocks import thread_note
from commands.message_search import find_by_metadata, message_metadata
from commands.people import mentions
from commands.posting import post_joining, refused_where
from commands.replies import render_confirmation
from commands.webhooks import tell_privately
from storage import escalation_effects as effects
from storage.model import Escalation, Event, Source
from storage.queries import Card, card_facts, get_escalation, record_cards
from storage.records import load_event
from storage.sla import ACK_LINE

log = logging.getLogger(__name__)
STALE_CARD_ERRORS = {"message_not_found", "cant_update_message", "edit_window_closed"}
CARD_EVENT = "supportbot_card"


def card_metadata(esc: Escalation, channel: str) -> dict:
    """Slack message metadata naming the card's escalation and channel, so a card posted just
    before a crash can be found again instead of posted twice."""
    return message_metadata(CARD_EVENT, escalation_id=esc.id, channel=channel)


def note_metadata(event: Event) -> dict:
    """Names the change a thread note tells of, so one Slack stored but answered with an error is
    not posted twice."""
    return message_metadata("supportbot_note", escalation_id=event.escalation_id, action=event.action.value,
                            at=event.at.isoformat())


def deliver_cards(job: Delivery) -> None:
    cards = CardDelivery(job)
    cards.bring_up_to_date(job.payload["escalation_id"])
    if cards.problems and job.payload.get("reply_to"):
        text = "⚠️ Saved, but Slack refused the card in " + "; ".join(cards.problems) + "."
        tell_privately(job.client, job.payload["reply_to"], render_confirmation(text), text)


def deliver_note(job: Delivery) -> None:
    """One short line in the escalation's thread. Its thread is known once the first cards are
    out, and they are: the cards row of the change that made the escalation comes first."""
    esc = get_escalation(job.db(), job.payload["escalation_id"])
    event = load_event(job.db(), job.payload["event_id"])
    if not esc.origin_ts:
        log.warning("%s has no thread (its first card was refused): its note is not posted", esc.key)
        return
    metadata = note_metadata(event)
    if job.retried and find_by_metadata(job.client, esc.origin_channel, metadata, event.at, esc.origin_ts):
        return
    blocks, text = thread_note(event, esc, job.deps.team)
    job.still_mine()
    post_joining(job.client, esc.origin_channel, thread_ts=esc.origin_ts, blocks=blocks,
                 text=text, metadata=metadata)


def _starting_thread(esc: Escalation, cards: list[Card]) -> Card | None:
    if esc.source not in (Source.COMMAND, Source.MODAL):
        return None
    return next((card for card in cards if card.channel == esc.origin_channel), None)


DELIVERIES = {effects.CARDS: deliver_cards, effects.NOTE: deliver_note}


class CardDelivery:
    def __init__(self, job: Delivery):
        self.job = job
        self.deps = job.deps
        self.problems: list[str] = []
        self._posted: list[Card] = []

    def bring_up_to_date(self, escalation_id: int) -> None:
        """Edit every recorded card, then post the ones the escalation needs and has not got:
        where it was raised (in the message's thread for a reaction or shortcut) and its
        current line's queue."""
        facts = card_facts(self.job.db(), escalation_id)
        esc, cards, self._clock, self._reason = facts.escalation, facts.cards, facts.clock, facts.reason
        for card in cards:
            self._update(esc, card)
        recorded = {card.channel for card in cards}
        for channel, thread_ts in self._places(esc):
            if channel not in recorded:
                self._post(esc, channel, thread_ts)

    def _places(self, esc: Escalation) -> list[tuple[str, str | None]]:
        raised_by_command = esc.source in (Source.COMMAND, Source.MODAL)
        places = [(esc.origin_channel, None if raised_by_command else esc.origin_ts)]
        queue = self.deps.team.line(esc.line).channel
        return places + ([(queue, None)] if queue != esc.origin_channel else [])

    def _post(self, esc: Escalation, channel: str, thread_ts: str | None) -> None:
        metadata = card_metadata(esc, channel)
        ts = self.job.retried and find_by_metadata(self.job.client, channel, metadata, esc.created_at, thread_ts)
        if not ts:
            state = self._state(esc, channel)
            self.job.still_mine()
            try:
                ts = post_joining(self.job.client, channel, thread_ts=thread_ts,
                                  blocks=render_card(esc, self.deps.team, state), text=self._text(esc, state),
                                  metadata=metadata)["ts"]
            except SlackApiError as error:
                self._refused(esc, channel, error)
                return
        self._record(esc, Card(channel=channel, ts=ts, thread_ts=thread_ts))

    def _record(self, esc: Escalation, card: Card) -> None:
        """The cards this delivery posts are recorded by one write, holding every card posted by
        the time the row ends or backs off. A command's escalation lives in the thread of its
        first card, known once it is posted."""
        if not self._posted:
            self.job.record(lambda db: record_cards(db, esc.id, self._posted, _starting_thread(esc, self._posted)),
                            guarded=True)
        self._posted.append(card)

    def _update(self, esc: Escalation, card: Card) -> None:
        """Edit the card in place, or post a fresh one where Slack no longer lets us edit it."""
        state = self._state(esc, card.channel)
        self.job.still_mine()
        try:
            self.job.client.chat_update(channel=card.channel, ts=card.ts, blocks=render_card(esc, self.deps.team, state),
                                        text=self._text(esc, state))
        except SlackApiError as error:
            if error.response.get("error") not in STALE_CARD_ERRORS:
                self._refused(esc, card.channel, error)
                return
            log.info("card of %s in %s can no longer be edited (%s): posting a fresh one",
                     esc.key, card.channel, error.response.get("error"))
            self._post(esc, card.channel, card.thread_ts)

    def _refused(self, esc: Escalation, channel: str, error: SlackApiError) -> None:
        """Slack failing (429, 5xx) is tried again later; a refusal, or failing on the last try, is said."""
        if transient(error) and not self.job.last_try:
            raise error
        reason = error.response.get("error", "unknown_error")
        log.warning("Slack refused a card of %s in %s: %s", esc.key, channel, reason)
        self.problems.append(refused_where(channel, reason))

    def _state(self, esc: Escalation, channel: str) -> CardState:
        return CardState(now=self.deps.clock(), clock=self._clock, role=card_role(esc, channel, self.deps.team),
                         reason=self._reason)

    def _text(self, esc: Escalation, state: CardState) -> str:
        """The notification text: on the line-3 queue's card it calls the responders."""
        if not (state.asks_ack and awaits_ack(esc)):
            return card_text(esc)
        responders = mentions(self.deps.team.line(ACK_LINE).responders)
        ask = f"{responders} please acknowledge" if responders else "please acknowledge"
        return f"{card_text(esc)}: {ask}"
