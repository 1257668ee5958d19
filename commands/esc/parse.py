"""`/esc` text to a typed request. Pure: no Slack calls, no storage."""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from commands.text import as_code, plain_text
from storage.backlog import FIRST_PAGE, LIST_VIEWS, Bookmark
from storage.errors import UsageError
from storage.model import DEFAULT_PRIORITY, PRIORITIES

USAGE = {
    "new": "/esc new [P1-P4] [L1|L2|L3] <summary>",
    "take": "/esc take ESC-12",
    "ack": "/esc ack ESC-12",
    "assign": "/esc assign ESC-12 @person",
    "up": "/esc up ESC-12 [reason]",
    "down": "/esc down ESC-12 [reason]",
    "resolve": "/esc resolve ESC-12 [note]",
    "reopen": "/esc reopen ESC-12",
    "release": "/esc release ESC-12",
    "wait": "/esc wait ESC-12 [reason]",
    "resume": "/esc resume ESC-12",
    "edit": "/esc edit ESC-12",
    "list": "/esc list [mine|unowned|open|L1|L2|L3]",
    "show": "/esc show ESC-12",
    "handoff": "/esc handoff @person",
    "help": "/esc help",
}
ESCALATION_ID = re.compile(r"^(?:esc-)?([1-9][0-9]{0,8})$", re.IGNORECASE)
USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
BARE_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
SUMMARY_LIMIT = 3000
WAIT_REASON_LIMIT = 500
ROW_CHOICES = ("take", "assign", "show")  # each row of /esc list offers these


@dataclass(frozen=True)
class OpenModal:
    pass


@dataclass(frozen=True)
class New:
    summary: str
    priority: str = DEFAULT_PRIORITY
    line: int = 1


@dataclass(frozen=True)
class Take:
    escalation_id: int


@dataclass(frozen=True)
class Ack:
    escalation_id: int


@dataclass(frozen=True)
class Assign:
    escalation_id: int
    user: str


@dataclass(frozen=True)
class Move:
    escalation_id: int
    step: int
    reason: str | None


@dataclass(frozen=True)
class Resolve:
    escalation_id: int
    note: str | None


@dataclass(frozen=True)
class Reopen:
    escalation_id: int


@dataclass(frozen=True)
class Release:
    escalation_id: int


@dataclass(frozen=True)
class Wait:
    escalation_id: int
    reason: str | None


@dataclass(frozen=True)
class Resume:
    escalation_id: int


@dataclass(frozen=True)
class Edit:
    escalation_id: int


@dataclass(frozen=True)
class List:
    view: str
    after: Bookmark = FIRST_PAGE


@dataclass(frozen=True)
class Show:
    escalation_id: int


@dataclass(frozen=True)
class Handoff:
    user: str


@dataclass(frozen=True)
class Help:
    pass


def parse(text: str):
    words = text.split()
    if not words:
        return OpenModal()
    verb, args = words[0].lower(), words[1:]
    parser = PARSERS.get(verb)
    if parser is None:
        raise UsageError(f"`{as_code(words[0])}` is not an /esc command.", _did_you_mean(verb, args))
    return parser(args)


def next_page_value(view: str, last_shown: Bookmark) -> str:
    """A "Next page" button's value: the view and the last row shown, all the next page needs."""
    part = "due" if last_shown.clocked else "rest"
    return "|".join([view, part, last_shown.first, last_shown.second, str(last_shown.id)])


def parse_next_page(value: str) -> List:
    """A button value made by next_page_value; anything else (an old format, a forged click) is refused."""
    fields = value.split("|")
    if len(fields) == 5 and _is_bookmark(*fields):
        view, part, first, second, last_id = fields
        return List(view, Bookmark(part == "due", first, second, int(last_id)))
    raise UsageError("That page button is out of date, so I cannot tell where the list stopped.",
                     f"Start again with `{USAGE['list']}`.")


def row_choice_value(verb: str, escalation_id: int) -> str:
    """An option of a list row's menu: what to do and with which escalation."""
    return f"{verb}|{escalation_id}"


def parse_row_choice(value: str) -> tuple[str, int]:
    verb, _, escalation_id = value.partition("|")
    found = ESCALATION_ID.match(escalation_id) if verb in ROW_CHOICES else None
    if not found:
        raise UsageError("That menu is out of date.", f"Open the list again with `{USAGE['list']}`.")
    return verb, int(found.group(1))


def _is_bookmark(view: str, part: str, first: str, second: str, last_id: str) -> bool:
    """Rows with a running clock stop at (due time, priority, id); the rest at (priority, created, id)."""
    due, priority = (first, second) if part == "due" else (second, first)
    return (view in LIST_VIEWS and part in ("due", "rest") and priority in PRIORITIES and _is_timestamp(due)
            and last_id.isdigit())


def _is_timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_escalation_id(word: str, usage: str) -> int:
    match = ESCALATION_ID.match(word)
    if not match:
        raise UsageError(f"`{as_code(word)}` is not an escalation ID.", f"IDs look like ESC-12, esc-12 or 12. Usage: `{usage}`")
    return int(match.group(1))


def parse_user(word: str, usage: str) -> str:
    if match := USER_MENTION.match(word):
        return match.group(1)
    if BARE_USER_ID.match(word):
        return word
    raise UsageError(f"`{as_code(plain_text(word))}` is not a person.", f"Mention someone with @. Usage: `{usage}`")


def _did_you_mean(verb: str, args: list[str]) -> str:
    """The closest verbs (or the usual word for it) with the person's own arguments, e.g.
    "Did you mean `/esc up ESC-12`?" for `/esc upp ESC-12`."""
    close = difflib.get_close_matches(verb, [*PARSERS, *SYNONYMS], n=3, cutoff=0.6)
    verbs = list(dict.fromkeys(SYNONYMS.get(word, word) for word in close))
    if not verbs:
        return f"See every command with `{USAGE['help']}`."
    rest = as_code(" ".join(args))
    tries = [f"`/esc {verb} {rest}`" if rest else f"`{USAGE[verb]}`" for verb in verbs]
    return f"Did you mean {' or '.join(tries)}? Every command: `{USAGE['help']}`."


def _id_and_rest(verb: str, args: list[str]) -> tuple[int, str | None]:
    if not args:
        raise UsageError(f"`{verb}` needs an escalation ID.", f"Usage: `{USAGE[verb]}`")
    rest = plain_text(" ".join(args[1:])).strip()
    return parse_escalation_id(args[0], USAGE[verb]), rest or None


def _id_only(verb: str, args: list[str]) -> int:
    escalation_id, rest = _id_and_rest(verb, args)
    if rest:
        raise UsageError(f"`{verb}` takes only an escalation ID.", f"Usage: `{USAGE[verb]}`")
    return escalation_id


def _new(args: list[str]) -> New:
    priority, line = DEFAULT_PRIORITY, 1
    if args and args[0].upper() in PRIORITIES:
        priority, args = args[0].upper(), args[1:]
    if args and re.fullmatch(r"[Ll][123]", args[0]):
        line, args = int(args[0][1]), args[1:]
    summary = plain_text(" ".join(args)).strip()
    if not summary:
        raise UsageError("An escalation needs a summary.", f"Usage: `{USAGE['new']}`, e.g. `/esc new P1 L2 Checkout fails for EU cards`")
    if len(summary) > SUMMARY_LIMIT:
        raise UsageError(f"The summary is {len(summary)} characters; the limit is {SUMMARY_LIMIT}.", "Put the details in the thread.")
    return New(summary=summary, priority=priority, line=line)


def _assign(args: list[str]) -> Assign:
    if len(args) != 2:
        raise UsageError("`assign` needs an escalation ID and a person.", f"Usage: `{USAGE['assign']}`")
    return Assign(parse_escalation_id(args[0], USAGE["assign"]), parse_user(args[1], USAGE["assign"]))


def _move(step: int):
    verb = "up" if step > 0 else "down"

    def parser(args: list[str]) -> Move:
        escalation_id, reason = _id_and_rest(verb, args)
        return Move(escalation_id, step, reason)

    return parser


def _resolve(args: list[str]) -> Resolve:
    return Resolve(*_id_and_rest("resolve", args))


def _wait(args: list[str]) -> Wait:
    escalation_id, reason = _id_and_rest("wait", args)
    if reason and len(reason) > WAIT_REASON_LIMIT:
        raise UsageError(f"The reason is {len(reason)} characters; the limit is {WAIT_REASON_LIMIT}.",
                         f"Say it shortly and put the rest in the thread. Usage: `{USAGE['wait']}`")
    return Wait(escalation_id, reason)


def _list(args: list[str]) -> List:
    views = {view.lower(): view for view in LIST_VIEWS}
    if not args:
        return List("open")
    if len(args) > 1 or args[0].lower() not in views:
        raise UsageError(f"`{as_code(' '.join(args))}` is not a list view.", f"Usage: `{USAGE['list']}`")
    return List(views[args[0].lower()])


def _handoff(args: list[str]) -> Handoff:
    if len(args) != 1:
        raise UsageError("`handoff` needs the one person who takes over.", f"Usage: `{USAGE['handoff']}`")
    return Handoff(parse_user(args[0], USAGE["handoff"]))


def _help(args: list[str]) -> Help:
    return Help()


SYNONYMS = {"escalate": "up", "close": "resolve", "acknowledge": "ack", "claim": "take", "raise": "new",
            "timeline": "show", "reassign": "assign", "unassign": "release", "hold": "wait", "pause": "wait",
            "unpause": "resume", "continue": "resume", "change": "edit"}
PARSERS = {
    "new": _new,
    "take": lambda args: Take(_id_only("take", args)),
    "ack": lambda args: Ack(_id_only("ack", args)),
    "assign": _assign,
    "up": _move(+1),
    "down": _move(-1),
    "resolve": _resolve,
    "reopen": lambda args: Reopen(_id_only("reopen", args)),
    "release": lambda args: Release(_id_only("release", args)),
    "wait": _wait,
    "resume": lambda args: Resume(_id_only("resume", args)),
    "edit": lambda args: Edit(_id_only("edit", args)),
    "list": _list,
    "show": lambda args: Show(_id_only("show", args)),
    "handoff": _handoff,
    "help": _help,
}
