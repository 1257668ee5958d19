"""Registering Slack listeners, and remembering what was registered for the manifest.

Every listener acknowledges at once in the request thread and does its work lazily in
Bolt's worker pool, so Slack's 3-second window holds however slow the Web API is.
"""

from dataclasses import dataclass, field
from typing import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from commands.deps import Deps
from commands.turn import Turn, answering_errors

Handler = Callable[[Turn, Deps], None]


@dataclass
class Declared:
    """What the manifest must declare, collected as features register."""

    commands: list[dict] = field(default_factory=list)
    shortcuts: list[dict] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    scopes: set[str] = field(default_factory=set)


def _ack_now(ack: Ack) -> None:
    ack()


class SlackSurface:
    def __init__(self, app: App, deps: Deps):
        self.app = app
        self.deps = deps
        self.declared = Declared()

    def command(self, name: str, handler: Handler, *, description: str, usage_hint: str) -> None:
        self.declared.commands.append({"command": name, "description": description,
                                       "usage_hint": usage_hint, "should_escape": True})
        self.needs("commands")
        self.app.command(name)(ack=_ack_now, lazy=[self._lazy(handler)])

    def event(self, event_type: str, handler: Handler) -> None:
        self.declared.events.append(event_type)
        self.app.event(event_type)(ack=_ack_now, lazy=[self._lazy(handler)])

    def message_shortcut(self, callback_id: str, handler: Handler, *, name: str, description: str) -> None:
        self.declared.shortcuts.append({"name": name, "type": "message", "callback_id": callback_id,
                                        "description": description})
        self.needs("commands")
        self.app.message_shortcut(callback_id)(ack=_ack_now, lazy=[self._lazy(handler)])

    def action(self, action_id: str, handler: Handler) -> None:
        self.app.action(action_id)(ack=_ack_now, lazy=[self._lazy(handler)])

    def view_submission(self, callback_id: str, handler: Handler, *, check: Callable[[dict, Deps], dict]) -> None:
        """`check` runs before the ack so field errors show in the form itself."""
        deps = self.deps

        def ack_form(ack: Ack, body: dict) -> None:
            errors = check(body, deps)
            if errors:
                ack(response_action="errors", errors=errors)
            else:
                ack()

        self.app.view_submission(callback_id)(ack=ack_form, lazy=[self._lazy(handler)])

    def needs(self, *scopes: str) -> None:
        self.declared.scopes.update(scopes)

    def _lazy(self, handler: Handler) -> Callable[..., None]:
        deps = self.deps

        def run_after_ack(body: dict, client: WebClient, respond: Respond) -> None:
            answering_errors(lambda turn: handler(turn, deps))(Turn.from_body(body, client, respond))

        return run_after_ack
