"""Small wordings the digest and the shift summary share."""

from datetime import datetime

from commands.text import duration_words, escape, mention, one_line, slack_date
from storage.model import Escalation

SHOWN_PER_LIST = 5


def window_words(start: datetime, end: datetime) -> str:
    return f"{slack_date(start, '{date_short_pretty} {time}')} – {slack_date(end, '{date_short_pretty} {time}')}"


def age_words(esc: Escalation, now: datetime) -> str:
    return duration_words(max(0, int((now - esc.created_at).total_seconds())))


def escalation_row(esc: Escalation, now: datetime) -> str:
    return (f"• *{esc.key}* · {esc.priority} · L{esc.line} · {mention(esc.current_owner)} · {age_words(esc, now)} old"
            f" · {escape(one_line(esc.summary, 80))}")


def csat_words(count: int, average: float | None) -> str:
    return f"{average:.1f} from {count}" if average is not None else "no answers"


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def fields(pairs: list[tuple[str, object]]) -> dict:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in pairs]}


def context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}
