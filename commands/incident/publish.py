"""Keeping every copy of a notice true: the draft card, the copies, the follow-ups.

The change is already stored when this runs; a failing Slack call is recorded and reported
to the person who sent the notice, never allowed to undo the stored change.
"""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.deps import Deps
from commands.incident.card_blocks import card_text, copy_text, note_text, render_card, render_copy, render_note
from commands.incident.fanout import FanOut
from commands.incident.reply_blocks import render_failures
from commands.posting import post_joining
from storage import incident_records as ir
from storage import incidents as core
from storage.incident_model import Incident, Step

log = logging.getLogger(__name__)


class NoticePublisher:
    def __init__(self, client: WebClient, deps: Deps, actor: str):
        self.client = client
        self.deps = deps
        self.actor = actor
        self.fanout = FanOut(client, deps, actor)

    def post_card(self, incident: Incident) -> None:
        posted = post_joining(self.client, incident.card_channel, blocks=render_card(incident), text=card_text(incident))
        core.attach_card(self._db(), incident.id, posted["ts"])

    def refresh_card(self, incident_id: int) -> None:
        incident = ir.load_incident(self._db(), incident_id)
        try:
            self.client.chat_update(channel=incident.card_channel, ts=incident.card_ts,
                                    blocks=render_card(incident), text=card_text(incident))
        except SlackApiError as error:
            log.warning("could not update the card of %s: %s", incident.key, error.response.get("error"))

    def send(self, step: Step, retry: bool = False) -> dict[str, str]:
        """Post `step` everywhere it is due (with `retry`, where it failed) and bring the copies up to date."""
        incident = ir.load_incident(self._db(), step.incident_id)
        if step.number == 0:
            failures = self._broadcast(incident, step, retry)
        else:
            failures = self._follow_up(incident, step, retry)
        if step.number:
            self._edit_copies(incident)
        self.refresh_card(incident.id)
        if failures:
            self._report(incident, step, failures)
        return failures

    def _broadcast(self, incident: Incident, step: Step, retry: bool) -> dict[str, str]:
        blocks, text = render_copy(incident, step.text, self.deps.clock()), copy_text(incident, incident.status)
        channels = self._failed(incident, step) if retry else list(incident.channels)
        return self.fanout.post_step(incident.id, 0, channels, lambda channel: post_joining(
            self.client, channel, blocks=blocks, text=text)["ts"], retry)

    def _follow_up(self, incident: Incident, step: Step, retry: bool) -> dict[str, str]:
        threads = {copy.channel: copy.ts for copy in ir.copies_of(self._db(), incident.id)}
        text = note_text(incident, step)
        channels = self._failed(incident, step) if retry else list(threads)
        return self.fanout.post_step(incident.id, step.number, channels, lambda channel: self.client.chat_postMessage(
            channel=channel, thread_ts=threads[channel], blocks=render_note(text), text=text)["ts"], retry)

    def _edit_copies(self, incident: Incident) -> None:
        """Every copy shows the current status; one that cannot be edited keeps its old header."""
        notice = ir.load_step(self._db(), incident.id, 0).text
        blocks, text = render_copy(incident, notice, self.deps.clock()), copy_text(incident, incident.status)
        self.fanout.edit_everywhere({copy.channel: lambda copy=copy: self.client.chat_update(
            channel=copy.channel, ts=copy.ts, blocks=blocks, text=text) for copy in ir.copies_of(self._db(), incident.id)})

    def _failed(self, incident: Incident, step: Step) -> list[str]:
        return [post.channel for post in ir.posts_of(self._db(), incident.id, step.number) if post.error]

    def _report(self, incident: Incident, step: Step, failures: dict[str, str]) -> None:
        blocks = render_failures(incident, step.number, failures)
        try:
            self.client.chat_postEphemeral(channel=incident.card_channel, user=self.actor, blocks=blocks,
                                           text=f"{incident.key} could not reach {len(failures)} channel(s)")
        except SlackApiError as error:
            log.warning("could not tell %s which channels %s missed: %s", self.actor, incident.key,
                        error.response.get("error"))

    def _db(self):
        return self.deps.store.db()
