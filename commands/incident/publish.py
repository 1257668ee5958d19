"""Carrying out one step of a notice: the copies or the follow-ups, then every copy brought up to date.

Runs for the step's outbox row (commands/incident/deliveries.py), so the incident's steps go out
one at a time, in order, across processes. The change is already stored; a Slack refusal is
recorded and reported to the person who sent the notice, never allowed to undo the change. A
post Slack failed for now backs the row off (commands/incident/fanout.py), and the person
hears when the row ends: what is still undone, or, since the request that sent the step could
not say so, that it reached every channel.
"""

import logging
from functools import partial

from slack_sdk.errors import SlackApiError

from bot.delivery import Delivery, transient
from commands.incident.card_blocks import copy_text, note_notification, note_text, render_copy, render_note
from commands.incident.card_posts import refresh_card
from commands.incident.fanout import FanOut, Send
from commands.incident.failure_blocks import failures_text, render_failures
from commands.incident.receipts import step_receipt
from commands.message_search import find_by_metadata, message_metadata
from commands.posting import direct_channel, post_joining, send_once
from commands.replies import render_confirmation
from storage import incident_records as ir
from storage.incident_model import Incident, Step

log = logging.getLogger(__name__)
POST_EVENT = "supportbot_incident_post"
REPORT_EVENT = "supportbot_failure_report"


def post_metadata(incident_id: int, step: int, channel: str) -> dict:
    """Slack message metadata naming the incident, step and channel of a copy or follow-up, so one
    posted just before a crash is found again instead of posted twice."""
    return message_metadata(POST_EVENT, incident_id=incident_id, step=step, channel=channel)


class NoticePublisher:
    def __init__(self, job: Delivery, actor: str):
        self.job = job
        self.client = job.client
        self.deps = job.deps
        self.actor = actor
        self.fanout = FanOut(job, actor)

    def send(self, step: Step, retry: bool = False) -> None:
        """Post `step` everywhere it is due and bring every copy up to date; with `retry`, post
        only where it failed and edit only the copies left out of step. A failure on a row's
        last try may have reached Slack all the same, so a retried channel is looked at first."""
        incident = ir.load_incident(self._db(), step.incident_id)
        send = self._sender(incident, step)
        if retry:
            self.fanout.post_step(incident.id, step.number, self._failed(incident, step),
                                  self._looking_first(incident, step, send), retry=True)
        else:
            self.fanout.post_step(incident.id, step.number, self._targets(incident, step), send)
        self._settle(incident, step, edit_every_copy=bool(step.number) and not retry)

    def resume(self, step: Step) -> None:
        """Finish a step an earlier try of its row left half done: a channel it claimed gets the
        post Slack already has (found by its metadata) or else a fresh one, a channel it never
        reached is posted."""
        incident = ir.load_incident(self._db(), step.incident_id)
        send = self._sender(incident, step)
        left = ir.unfinished_channels(self._db(), incident.id, step.number)
        self.fanout.take_over(incident.id, step.number, left, self._looking_first(incident, step, send))
        self.fanout.post_step(incident.id, step.number, self._targets(incident, step), send)
        self._settle(incident, step, edit_every_copy=bool(step.number))

    def _settle(self, incident: Incident, step: Step, edit_every_copy: bool) -> None:
        """Once every channel has the post or Slack's refusal: edit the copies (every one after a
        new status, else those left out of step) and tell the broadcaster what is still undone,
        or that nothing is: after the row was tried again, or when a person's request sent it and
        a thread other than that request's delivered it (the request then has nothing to say)."""
        self.fanout.back_off_if_posts_left()
        copies = ir.copies_of(self._db(), incident.id) if edit_every_copy else ir.copies_out_of_step(self._db(),
                                                                                                   incident.id)
        out_of_step = self.fanout.edit_copies(incident.id, {copy.channel: copy.ts for copy in copies},
                                             partial(self._edit_copy, incident.id))
        self.job.still_mine()
        refresh_card(self.client, self.deps, incident.id)
        unreached = ir.post_errors(self._db(), incident.id, step.number)
        if unreached or out_of_step:
            self._tell(incident, step, render_failures(incident, step.number, unreached, out_of_step),
                       failures_text(incident, unreached, out_of_step))
        elif self.job.retried or (self.job.payload.get("receipt") and not self.job.by_requester):
            shown, plain = step_receipt(incident, step, retry=self.job.payload.get("retry", False))
            self._tell(incident, step, render_confirmation(shown), plain)

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
        return lambda channel: send_once(
            self.client, channel, thread_ts=threads[channel], blocks=blocks, text=text,
            metadata=post_metadata(incident.id, step.number, channel))["ts"]

    def _looking_first(self, incident: Incident, step: Step, send: Send) -> Send:
        """`send`, unless Slack already has the post: an earlier try claimed the channel and died
        before saving its ts, or Slack failed to answer it."""
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
        return list(ir.post_errors(self._db(), incident.id, step.number))

    def _tell(self, incident: Incident, step: Step, blocks: list[dict], text: str) -> None:
        """Only the broadcaster sees it, beside the card; one who is not in the card's channel (who
        broadcast from elsewhere, or whose scheduled notice went out later) gets a direct message."""
        try:
            self.client.chat_postEphemeral(channel=incident.card_channel, user=self.actor, blocks=blocks, text=text)
            return
        except SlackApiError as error:
            log.info("%s: no ephemeral for %s (%s), sending a direct message", incident.key, self.actor,
                     error.response.get("error"))
        self._tell_directly(incident, step, blocks, text)

    def _tell_directly(self, incident: Incident, step: Step, blocks: list[dict], text: str) -> None:
        """Sent once per row: one Slack failed for now backs the row off, and its next try looks
        for it before sending it again."""
        channel = direct_channel(self.client, self.actor)
        metadata = message_metadata(REPORT_EVENT, incident_id=incident.id, step=step.number, row=self.job.claim.id)
        if self.job.retried and find_by_metadata(self.client, channel, metadata, step.at):
            return
        self.job.still_mine()
        try:
            send_once(self.client, channel, blocks=blocks, text=text, metadata=metadata)
        except (SlackApiError, OSError) as error:
            if transient(error) and not self.job.last_try:
                raise
            log.warning("could not tell %s how %s went: %s", self.actor, incident.key, error)

    def _db(self):
        return self.deps.store.db()
