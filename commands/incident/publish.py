"""Keeping every copy of a notice true: the draft card, the copies, the follow-ups.

The change is already stored when this runs; a failing Slack call is recorded and reported
to the person who sent the notice, never allowed to undo the stored change.
"""

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Iterator

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.deps import Deps
from commands.incident.card_blocks import (card_text, copy_text, note_notification, note_text, render_card, render_copy,
                                          render_note)
from commands.incident.fanout import FanOut, Pacer, Send
from commands.incident.failure_blocks import failures_text, render_failures
from commands.message_search import find_by_metadata, message_metadata
from commands.posting import post_direct, post_joining, post_message
from storage import incident_records as ir
from storage import incidents as core
from storage.fan_out_leases import give_back_lease, take_lease
from storage.incident_model import Incident, Step

log = logging.getLogger(__name__)
POST_EVENT = "supportbot_incident_post"
FAN_OUTS = Pacer(interval=0)  # one fan-out of an incident at a time: its steps and edits land in order
LEASE_POLL_SECONDS = 0.1


def post_metadata(incident_id: int, step: int, channel: str) -> dict:
    """Slack message metadata naming the incident, step and channel of a copy or follow-up, so one
    posted just before a crash is found again instead of posted twice."""
    return message_metadata(POST_EVENT, incident_id=incident_id, step=step, channel=channel)


@dataclass(frozen=True)
class Delivery:
    """What a step left undone: {channel: Slack's error} for channels it could not be posted in,
    and for copies Slack would not edit to the current status."""
    unreached: dict[str, str] = field(default_factory=dict)
    out_of_step: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.unreached and not self.out_of_step


class NoticePublisher:
    def __init__(self, client: WebClient, deps: Deps, actor: str):
        self.client = client
        self.deps = deps
        self.actor = actor
        self.fanout = FanOut(client, deps, actor)

    def post_card(self, incident: Incident) -> None:
        posted = post_joining(self.client, incident.card_channel, blocks=render_card(incident), text=card_text(incident),
                              metadata=message_metadata("supportbot_incident_card", incident_id=incident.id))
        core.attach_card(self._db(), incident.id, posted["ts"])

    def refresh_card(self, incident_id: int) -> None:
        incident = ir.load_incident(self._db(), incident_id)
        try:
            self.client.chat_update(channel=incident.card_channel, ts=incident.card_ts,
                                    blocks=render_card(incident), text=card_text(incident))
        except SlackApiError as error:
            log.warning("could not update the card of %s: %s", incident.key, error.response.get("error"))

    def send(self, step: Step, retry: bool = False) -> Delivery:
        """Post `step` everywhere it is due and bring every copy up to date; with `retry`, post
        only where it failed and edit only the copies left out of step."""
        with self._one_fan_out_at_a_time(step.incident_id):
            if not retry:
                self._post_earlier_steps(step)
            incident = ir.load_incident(self._db(), step.incident_id)
            channels = self._failed(incident, step) if retry else self._targets(incident, step)
            failures = self.fanout.post_step(incident.id, step.number, channels, self._sender(incident, step), retry)
            return self._settle(incident, step, failures, edit_every_copy=bool(step.number) and not retry)

    def resume(self, step: Step) -> Delivery:
        """Finish a step a process left half done: a channel it claimed gets the post Slack already
        has (found by its metadata) or else a fresh one, a channel it never reached is posted."""
        with self._one_fan_out_at_a_time(step.incident_id):
            incident = ir.load_incident(self._db(), step.incident_id)
            send = self._sender(incident, step)
            left = ir.unfinished_channels(self._db(), self.deps.clock(), incident.id, step.number)
            failures = self.fanout.take_over(incident.id, step.number, left, self._looking_first(incident, step, send))
            failures |= self.fanout.post_step(incident.id, step.number, self._targets(incident, step), send)
            return self._settle(incident, step, failures, edit_every_copy=bool(step.number))

    @contextmanager
    def _one_fan_out_at_a_time(self, incident_id: int) -> Iterator[None]:
        """One thread of this process, then one process on the database (storage/fan_out_leases.py)."""
        with FAN_OUTS.turn(incident_id):
            while not take_lease(self._db(), self.deps.clock(), incident_id, self.deps.boot_id):
                time.sleep(LEASE_POLL_SECONDS)
            try:
                yield
            finally:
                give_back_lease(self._db(), incident_id, self.deps.boot_id)

    def _post_earlier_steps(self, step: Step) -> None:
        """An update and the resolution sent seconds apart are handled side by side; whichever
        runs first posts the earlier one where it has not been claimed yet, so no thread shows
        the resolution above the update it followed. Each post is still claimed once."""
        for earlier in ir.load_steps(self._db(), step.incident_id)[1:step.number]:
            channels = ir.unclaimed_channels(self._db(), earlier)
            if channels:
                incident = ir.load_incident(self._db(), step.incident_id)
                unreached = self.fanout.post_step(incident.id, earlier.number, channels, self._sender(incident, earlier))
                if unreached:
                    self._report(incident, earlier, Delivery(unreached))

    def _settle(self, incident: Incident, step: Step, unreached: dict[str, str], edit_every_copy: bool) -> Delivery:
        """Edit the copies (every one after a new status, else those left out of step) and tell
        the broadcaster what is still undone."""
        copies = ir.copies_of(self._db(), incident.id) if edit_every_copy else ir.copies_out_of_step(self._db(),
                                                                                                   incident.id)
        out_of_step = self.fanout.edit_copies(incident.id, {copy.channel: copy.ts for copy in copies},
                                             partial(self._edit_copy, incident.id))
        self.refresh_card(incident.id)
        delivery = Delivery(unreached, out_of_step)
        if not delivery.complete:
            self._report(incident, step, delivery)
        return delivery

    def _targets(self, incident: Incident, step: Step) -> list[str]:
        """The broadcast goes to the chosen channels, every later step to the copies' threads."""
        return list(incident.channels) if step.number == 0 else list(self._threads(incident))

    def _threads(self, incident: Incident) -> dict[str, str]:
        return {copy.channel: copy.ts for copy in ir.copies_of(self._db(), incident.id)}

    def _sender(self, incident: Incident, step: Step) -> Send:
        """Posts `step` in one channel and returns its ts: the copy itself, or a follow-up in its thread."""
        if step.number == 0:
            words = ir.latest_words(self._db(), incident.id)  # a copy retried after an update shows the update
            blocks, text = render_copy(incident, words, self.deps.clock()), copy_text(incident, incident.status)
            return lambda channel: post_joining(self.client, channel, blocks=blocks, text=text,
                                                metadata=post_metadata(incident.id, 0, channel))["ts"]
        threads, blocks, text = self._threads(incident), render_note(note_text(incident, step)), note_notification(
            incident, step)
        return lambda channel: post_message(
            self.client, channel, thread_ts=threads[channel], blocks=blocks, text=text,
            metadata=post_metadata(incident.id, step.number, channel))["ts"]

    def _looking_first(self, incident: Incident, step: Step, send: Send) -> Send:
        """`send`, unless Slack already has the post: the process that claimed it died before saving its ts."""
        threads = self._threads(incident) if step.number else {}

        def adopt_or_send(channel: str) -> str:
            metadata = post_metadata(incident.id, step.number, channel)
            found = find_by_metadata(self.client, channel, metadata, step.at, threads.get(channel))
            if found:
                log.info("%s step %s was already in %s: adopted", incident.key, step.number, channel)
            return found or send(channel)

        return adopt_or_send

    def _edit_copy(self, incident_id: int, channel: str, ts: str) -> None:
        """The copy in `channel` shows the incident as stored now, not as it was when this step began."""
        incident = ir.load_incident(self._db(), incident_id)
        notice = ir.latest_words(self._db(), incident_id)
        self.client.chat_update(channel=channel, ts=ts, blocks=render_copy(incident, notice, self.deps.clock()),
                                text=copy_text(incident, incident.status))

    def _failed(self, incident: Incident, step: Step) -> list[str]:
        return [post.channel for post in ir.posts_of(self._db(), incident.id, step.number) if post.error]

    def _report(self, incident: Incident, step: Step, delivery: Delivery) -> None:
        """Only the broadcaster sees it, beside the card; one who is not in the card's channel
        (who broadcast from elsewhere, or whose scheduled notice went out later) gets a direct message."""
        blocks = render_failures(incident, step.number, delivery.unreached, delivery.out_of_step)
        text = failures_text(incident, delivery.unreached, delivery.out_of_step)
        try:
            self.client.chat_postEphemeral(channel=incident.card_channel, user=self.actor, blocks=blocks, text=text)
            return
        except SlackApiError as error:
            log.info("%s: no ephemeral for %s (%s), sending a direct message", incident.key, self.actor,
                     error.response.get("error"))
        try:
            post_direct(self.client, self.actor, blocks=blocks, text=text,
                        metadata=message_metadata("supportbot_failure_report", incident_id=incident.id, step=step.number))
        except SlackApiError as error:
            log.warning("could not tell %s which channels %s missed: %s", self.actor, incident.key,
                        error.response.get("error"))

    def _db(self):
        return self.deps.store.db()
