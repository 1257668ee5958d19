"""One delivery from Slack (a command, click, form, event or shortcut) as the handlers see it."""

import logging
import secrets
from dataclasses import dataclass
from typing import Callable

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.deps import Deps
from commands.modals import open_modal
from commands.replies import error_text, render_error, render_failure, render_reply_modal
from storage.db import DATABASE_ERRORS, database_full, database_unavailable
from storage.errors import UserError
from storage.inbox import done as drop_from_inbox
from storage.records import request_handled

log = logging.getLogger(__name__)


@dataclass
class Turn:
    body: dict
    client: WebClient
    respond: Respond
    user: str
    channel: str | None
    request_key: str

    @classmethod
    def from_body(cls, body: dict, client: WebClient, respond: Respond) -> "Turn":
        user, channel, key = _who_where_which(body)
        return cls(body=body, client=client, respond=respond, user=user, channel=channel, request_key=key)

    @property
    def kind(self) -> str:
        """Slack's type of request: command, event, view, block_actions, message_action…"""
        return self.request_key.split(":", 1)[0]

    @property
    def is_command(self) -> bool:
        return "command" in self.body

    def reply(self, blocks: list[dict], text: str) -> None:
        """Tell only the person who asked; nobody else sees refusals or no-ops.

        The response_url works in any conversation but expires (30 minutes, five uses);
        when it fails, chat.postEphemeral takes over. A click on Home, or a form opened there,
        has neither: its trigger opens a small modal instead."""
        if self.body.get("response_url") and self._respond_ephemeral(blocks, text):
            return
        if self.channel:
            thread_ts = self.body.get("event", {}).get("thread_ts")
            self.client.chat_postEphemeral(channel=self.channel, user=self.user, blocks=blocks, text=text,
                                           thread_ts=thread_ts)
        elif self.body.get("trigger_id"):
            open_modal(self.client, self.body["trigger_id"], render_reply_modal(blocks))

    def _respond_ephemeral(self, blocks: list[dict], text: str) -> bool:
        try:
            sent = self.respond(blocks=blocks, text=text, response_type="ephemeral", replace_original=False)
        except OSError as error:
            log.warning("response_url unreachable (%s); answering with chat.postEphemeral", error)
            return False
        if sent.status_code != 200:
            log.warning("response_url answered %s; answering with chat.postEphemeral", sent.status_code)
        return sent.status_code == 200


def _who_where_which(body: dict) -> tuple[str, str | None, str]:
    if "command" in body:
        return body["user_id"], body.get("channel_id"), f"command:{body['trigger_id']}"
    if body.get("type") == "event_callback":
        event = body["event"]
        return event.get("user", ""), event.get("item", {}).get("channel") or event.get("channel"), f"event:{body['event_id']}"
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if body.get("type") == "view_submission":
        return body["user"]["id"], channel, f"view:{body['view']['id']}"
    return body["user"]["id"], channel, f"{body.get('type')}:{body.get('trigger_id')}"


def answering_errors(handler: Callable[[Turn], None], deps: Deps) -> Callable[[Turn], None]:
    """The one place a failure becomes a reply: a UserError says what to fix; anything else
    is logged with a short reference the person can quote."""

    def run(turn: Turn) -> None:
        try:
            handler(turn)
        except UserError as error:
            metrics.REQUEST_ERRORS.labels(turn.kind, "refused").inc()
            turn.reply(render_error(error), error_text(error))
        except Exception as error:  # noqa: BLE001 - the boundary of one delivery
            if database_unavailable(error):
                metrics.REQUEST_ERRORS.labels(turn.kind, "database_unavailable").inc()
                metrics.count_database_error(error)
                _answer_busy(turn, deps, error)
                return
            metrics.REQUEST_ERRORS.labels(turn.kind, "unexpected").inc()
            reference = secrets.token_hex(3)
            log.exception("failed handling %s (ref %s)", turn.request_key, reference)
            detail = error.response["error"] if isinstance(error, SlackApiError) else type(error).__name__
            try:
                turn.reply(render_failure(reference, detail), f"Something went wrong (ref {reference}).")
            except SlackApiError:
                log.exception("could not tell %s about ref %s", turn.user, reference)

    return run


DATABASE_BUSY = UserError("The database was busy for too long, so this was not stored.",
                          "Nothing changed. Please try again in a moment.")
DATABASE_FULL = UserError("The database could not write (its disk is full or failing), so this was not stored.",
                          "Nothing changed. Please try again later; your admin will find the cause in the bot's log.")
MAYBE_STORED = UserError("The database is failing, so this may or may not have been stored.",
                         "Look for it with `/esc list` in a few minutes before sending it again.")
BUSY_AFTER_STORING = UserError("This was stored, but the database was too busy to finish the rest.",
                               "Please do not send it again; its card or notice may be late.")


def _answer_busy(turn: Turn, deps: Deps, error: Exception) -> None:
    """A person told "not stored" tries again, so the request leaves the inbox before they are
    told: kept, a restart would replay it and store it beside their retry. If the lock only
    came after the change committed (its delivery key is claimed), saying "not stored" would
    invite that double too."""
    try:
        drop_from_inbox(deps.store.inbox_db(), turn.request_key)
        stored = request_handled(deps.store.db(), turn.request_key)
    except DATABASE_ERRORS as failing:
        metrics.count_database_error(failing)
        log.warning("could not tell whether %s was stored: %s", turn.request_key, failing)
        turn.reply(render_error(MAYBE_STORED), error_text(MAYBE_STORED))
        return
    log.warning("database could not write while handling %s (%s): %s", turn.request_key, error,
                "stored before" if stored else "nothing stored")
    answer = BUSY_AFTER_STORING if stored else DATABASE_FULL if database_full(error) else DATABASE_BUSY
    turn.reply(render_error(answer), error_text(answer))
