"""Registering Slack listeners, and remembering what was registered for the manifest.

Every listener acknowledges at once, in the request thread, and hands its work to the bot's
worker pool, so Slack's 3-second window holds however slow the Web API is. (Bolt's lazy
listeners would do the same but deep-copy every request on the request thread first.)
"""

import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Callable

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import metrics
from bot.delivery import Handler as DeliveryHandler
from bot.inbox_writer import InboxWriter
from bot.deps import Deps
from bot.log_format import logged_as
from commands.replies import render_error
from bot.turn import DATABASE_BUSY as NOT_KEPT
from bot.turn import Turn, answering_errors
from storage.inbox import done as drop_from_inbox

Handler = Callable[[Turn, Deps], None]
Listener = Callable[..., None]
AfterAck = Callable[[Turn, str, float], None]  # a request's turn, what its ack said, how long that took
# Which listener acknowledged it, the request's body and response_url, what its ack said, how long that took
HandOver = Callable[[int, dict, str | None, str, float], None]


@dataclass
class Declared:
    """What the manifest must declare, collected as features register."""

    commands: list[dict] = field(default_factory=list)
    shortcuts: list[dict] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    scopes: set[str] = field(default_factory=set)


class SlackSurface:
    def __init__(self, app: App, deps: Deps | None, workers: Executor | None, inbox: InboxWriter | None,
                 hand_over: HandOver | None = None):
        """`deps`, `workers` and `inbox` may be None when registering only to learn what is declared.
        With `hand_over` (the HTTP front), each request's work after its ack goes there instead
        of to `workers`, and the main process's surface takes it over (`take_over`)."""
        self.app = app
        self.deps = deps
        self.workers = workers
        self.inbox = inbox
        self.hand_over = hand_over
        self.declared = Declared()
        self.deliveries: dict[str, DeliveryHandler] = {}
        self._event_handlers: dict[str, list[Handler]] = {}
        self._after_acks: list[AfterAck] = []  # by listener, in the order the features register them

    def command(self, name: str, handler: Handler, *, description: str, usage_hint: str) -> None:
        self.declared.commands.append({"command": name, "description": description,
                                       "usage_hint": usage_hint, "should_escape": True})
        self.needs("commands")
        self.app.command(name)(self._ack_then_work(handler))

    def event(self, event_type: str, handler: Handler) -> None:
        """Several features may listen to one event type (a thread reply can be an ack and a
        draft revision): Bolt runs only the first matching listener, so one listener per type
        hands the event to every handler registered for it, each on its own."""
        handlers = self._event_handlers.setdefault(event_type, [])
        if not handlers:
            self.declared.events.append(event_type)
            self.app.event(event_type)(self._ack_then_work(lambda turn, deps: _each_handler(handlers, turn, deps)))
        handlers.append(handler)

    def message_shortcut(self, callback_id: str, handler: Handler, *, name: str, description: str) -> None:
        self.declared.shortcuts.append({"name": name, "type": "message", "callback_id": callback_id,
                                        "description": description})
        self.needs("commands")
        self.app.message_shortcut(callback_id)(self._ack_then_work(handler))

    def action(self, action_id: str, handler: Handler) -> None:
        self.app.action(action_id)(self._ack_then_work(handler))

    def view_submission(self, callback_id: str, handler: Handler, *, check: Callable[[dict, Deps], dict]) -> None:
        """`check` runs before the ack so field errors show in the form itself."""
        self.app.view_submission(callback_id)(self._ack_then_work(handler, check))

    def delivery(self, kind: str, handler: DeliveryHandler) -> None:
        """`handler` carries out the outbox rows of `kind` (bot/delivery.py)."""
        self.deliveries[kind] = handler

    def needs(self, *scopes: str) -> None:
        self.declared.scopes.update(scopes)

    def take_over(self, listener: int, body: dict, response_url: str | None, outcome: str, seconds: float) -> None:
        """A request the HTTP front acknowledged, worked on here. The front and this process
        register the same listeners in the same order, so the front names the one that matched
        by its place and Bolt need not route the request a second time."""
        client = self.app.client
        respond = Respond(response_url=response_url, proxy=client.proxy, ssl=client.ssl)
        self._after_acks[listener](Turn.from_body(body, client, respond), outcome, seconds)

    def _ack_then_work(self, handler: Handler, check: Callable[[dict, Deps], dict] | None = None) -> Listener:
        """The request is kept in the inbox before the ack and dropped once its work is done, so
        a process killed in between leaves it for another to finish (storage/inbox.py). In
        the HTTP front (bot/front.py) the work is handed to the main process, whose surface
        runs this listener's `after_ack` for it (`take_over`)."""
        deps, workers, kept, hand_over = self.deps, self.workers, self.inbox, self.hand_over
        index = len(self._after_acks)
        work = answering_errors(lambda turn: handler(turn, deps), deps)

        def finish(turn: Turn) -> None:
            with logged_as(turn.request_key):
                work(turn)
                drop_from_inbox(deps.store.inbox_db(), turn.request_key)

        def acknowledge(ack: Ack, body: dict, turn: Turn) -> str:
            errors = check(body, deps) if check else {}
            if errors:
                ack(response_action="errors", errors=errors)
                return "form_errors"
            if not kept.keep(turn.request_key, body):
                if turn.is_command:  # the refusal goes in the ack; anything else is told after it
                    ack(blocks=render_error(NOT_KEPT), text=NOT_KEPT.message, response_type="ephemeral")
                else:
                    ack()
                return "not_kept"
            ack()
            return "acknowledged"

        def after_ack(turn: Turn, outcome: str, seconds: float) -> None:
            metrics.ACK_SECONDS.observe(seconds)
            metrics.REQUESTS.labels(turn.kind, outcome).inc()
            if outcome == "acknowledged":
                workers.submit(finish, turn)
            elif outcome == "not_kept" and not turn.is_command:
                workers.submit(turn.reply, render_error(NOT_KEPT), NOT_KEPT.message)

        def listener(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
            received = time.perf_counter()
            turn = Turn.from_body(body, client, respond)
            with logged_as(turn.request_key):
                outcome = acknowledge(ack, body, turn)
            seconds = time.perf_counter() - received
            if hand_over is None:
                after_ack(turn, outcome, seconds)
            else:
                hand_over(index, body, context.response_url, outcome, seconds)

        self._after_acks.append(after_ack)
        return listener


def _each_handler(handlers: list[Handler], turn: Turn, deps: Deps) -> None:
    for handler in handlers:
        answering_errors(lambda one_turn: handler(one_turn, deps), deps)(turn)
