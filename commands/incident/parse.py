"""`/incident` text to a typed request. Pure: no Slack calls, no storage."""

import re
from dataclasses import dataclass

from commands.text import as_code, one_line, plain_text
from storage.errors import UsageError
from storage.incident_model import UPDATE_STATUSES, IncidentStatus

USAGE = {
    "draft": "/incident draft <title>",
    "preview": "/incident preview INC-3",
    "broadcast": "/incident broadcast INC-3",
    "update": "/incident update INC-3 [identified|monitoring]",
    "resolve": "/incident resolve INC-3 [resolution]",
    "list": "/incident list",
    "help": "/incident help",
}
INCIDENT_ID = re.compile(r"^(?:inc-)?([1-9][0-9]{0,8})$", re.IGNORECASE)
TITLE_LIMIT = 150


@dataclass(frozen=True)
class Draft:
    title: str


@dataclass(frozen=True)
class OneIncident:
    incident_id: int


class Preview(OneIncident):
    pass


class Broadcast(OneIncident):
    pass


@dataclass(frozen=True)
class Update:
    incident_id: int
    status: IncidentStatus | None


@dataclass(frozen=True)
class Resolve:
    incident_id: int
    text: str | None


@dataclass(frozen=True)
class List:
    pass


@dataclass(frozen=True)
class Help:
    pass


Request = Draft | Preview | Broadcast | Update | Resolve | List | Help


def parse(text: str) -> Request:
    verb, _, rest = text.strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    match verb:
        case "" | "help":
            return Help()
        case "list":
            return List()
        case "draft":
            return _draft(rest)
        case "preview":
            return Preview(_incident_id(rest, "preview"))
        case "broadcast":
            return Broadcast(_incident_id(rest, "broadcast"))
        case "update":
            return _update(rest)
        case "resolve":
            key, _, resolution = rest.partition(" ")
            return Resolve(_incident_id(key, "resolve"), plain_text(resolution).strip() or None)
    raise UsageError(f"`/incident {as_code(verb)}` is not a command I know.", "See them all with `/incident help`.")


def _draft(rest: str) -> Draft:
    title = one_line(plain_text(rest), TITLE_LIMIT)
    if not title:
        raise UsageError("Give the incident a title.", f"Usage: `{USAGE['draft']}`")
    return Draft(title)


def _update(rest: str) -> Update:
    key, _, status_word = rest.partition(" ")
    status_word = status_word.strip().lower()
    allowed = {str(status): status for status in UPDATE_STATUSES}
    if status_word and status_word not in allowed:
        raise UsageError(f"`{as_code(status_word)}` is not a status an update can set.",
                         f"Use one of {', '.join(allowed)}: `{USAGE['update']}`")
    return Update(_incident_id(key, "update"), allowed.get(status_word))


def _incident_id(text: str, verb: str) -> int:
    found = INCIDENT_ID.match(text.strip().split(" ")[0]) if text.strip() else None
    if not found:
        raise UsageError("Name the incident, like INC-3.", f"Usage: `{USAGE[verb]}`")
    return int(found.group(1))
