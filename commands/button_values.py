"""Reading back the values the bot put on its buttons.

Slack returns a button's value as the bot made it, but a signed request can still carry any
value (an old message's format, a hand-made payload): it is refused in words, not with a
traceback, and nothing changes."""

import json
import re

from storage.errors import UserError

NOT_OURS = UserError("That button does not carry a value this bot made, so nothing was changed.",
                     "Use the buttons on the bot's latest message, or the slash command.")


def numbers_in(value: str, count: int) -> tuple[int, ...]:
    """`count` whole numbers joined by ':', as in "12" or "12:3"."""
    parts = value.split(":")
    if len(parts) != count or not all(part.isascii() and part.isdigit() and len(part) < 16 for part in parts):
        raise NOT_OURS
    return tuple(int(part) for part in parts)


USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


def numbers_and_user_in(value: str, count: int) -> tuple[tuple[int, ...], str | None]:
    """`count` whole numbers joined by ':', then maybe a user ID, as in "12:3" or "12:3:U0ENG1"."""
    parts = value.split(":")
    if len(parts) == count:
        return numbers_in(value, count), None
    if len(parts) != count + 1 or not USER_ID.fullmatch(parts[-1]):
        raise NOT_OURS
    return numbers_in(":".join(parts[:-1]), count), parts[-1]


def json_numbers_in(value: str, *names: str) -> tuple[int, ...]:
    """The named whole numbers of a JSON object, as in '{"escalation_id": 1, "score": 4}'."""
    try:
        found = json.loads(value)
        numbers = tuple(found[name] for name in names)
    except (ValueError, KeyError, TypeError):
        raise NOT_OURS from None
    if not all(type(number) is int for number in numbers):
        raise NOT_OURS
    return numbers
