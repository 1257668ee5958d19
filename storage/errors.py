"""Typed errors a person can fix: each carries what went wrong and how to do it right."""


class UserError(Exception):
    """A refusal shown to the person who asked; nothing was changed."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(UserError):
    """The escalation (or person) named does not exist."""


class InvalidTransition(UserError):
    """The escalation exists but its current state does not allow the change."""


class UsageError(UserError):
    """The command text could not be understood."""
