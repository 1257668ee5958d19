"""Typed errors a person can fix: each carries what went wrong and how to do it right."""


class UserError(Exception):
    """A refusal shown to the person who asked; nothing was changed.

    The core speaks no Slack markup: a command or a person it names is a `{field}` in the text,
    given in `commands` (e.g. {"take": "/esc take ESC-7"}) or `people` ({"owner": "U0ENG1"}), and
    the renderer shows each as Slack shows a command or a person."""

    def __init__(self, message: str, hint: str | None = None, *, commands: dict[str, str] | None = None,
                 people: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.commands = commands or {}
        self.people = people or {}


class NotFound(UserError):
    """The escalation (or person) named does not exist."""


class InvalidTransition(UserError):
    """The escalation exists but its current state does not allow the change."""


class UsageError(UserError):
    """The command text could not be understood."""
