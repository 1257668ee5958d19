"""Ephemeral replies to one person: lists, timelines, help, confirmations and refusals."""

from bot.config import TeamConfig
from commands.esc.card_blocks import PRIORITY_BADGE, card_title, line_label, note_text
from commands.block_kit import button
from commands.esc import ids
from commands.esc.parse import USAGE, next_page_value
from commands.text import clip, escape, mention, one_line, slack_date
from storage.backlog import Page
from storage.model import Escalation, Event

LIST_TITLES = {
    "open": "Open escalations",
    "mine": "Your open escalations",
    "unowned": "Open escalations nobody owns on their line",
    "L1": "Open on line 1",
    "L2": "Open on line 2",
    "L3": "Open on line 3",
}
HELP_LINES = {
    "new": "raise one (no text: open the form)",
    "take": "own it on its current line",
    "ack": "acknowledge it on line 3 (engineers)",
    "assign": "give it to someone on its current line",
    "up": "move it to the next line",
    "down": "send it back a line",
    "resolve": "close it",
    "reopen": "open a resolved one again",
    "list": "open escalations, oldest first",
    "show": "the full ownership timeline",
    "handoff": "give all your open escalations to a teammate",
    "help": "this list",
}


def render_list(page: Page, team: TeamConfig) -> list[dict]:
    """One page: a header with the view's total, up to PAGE_SIZE rows (43 blocks at most), where
    the page sits in the list, and a "Next page" button while more follow."""
    title = f"{LIST_TITLES[page.view]} ({page.total:,})"
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": _list_row(esc, team)}} for esc in page.escalations]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _whereabouts(page)}]})
    if page.next_after:
        value = next_page_value(page.view, page.next_after)
        blocks.append({"type": "actions", "elements": [button("Next page", ids.ACTION_NEXT_PAGE, value)]})
    return blocks


def _whereabouts(page: Page) -> str:
    if not page.total:
        return "Nothing here. 🎉"
    if not page.escalations:
        return f"Nothing after the last page; the list has {page.total:,}. Start again with `{USAGE['list']}`."
    first = page.shown_before + 1
    return f"{first:,}–{first + len(page.escalations) - 1:,} of {page.total:,}, oldest first."


def _list_row(esc: Escalation, team: TeamConfig) -> str:
    return (
        f"*{esc.key}* · {PRIORITY_BADGE[esc.priority]} · {line_label(team, esc.line)} · "
        f"{mention(esc.current_owner)} · opened {slack_date(esc.created_at, '{ago}')}\n"
        f"{escape(one_line(esc.summary, 200))}"
    )


def render_timeline(esc: Escalation, events: list[Event], team: TeamConfig) -> list[dict]:
    owners = " · ".join(f"L{level}: {mention(user)}" for level, user in sorted(esc.owners.items())) or "nobody yet"
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": card_title(esc)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{esc.status.value.title()}* on {line_label(team, esc.line)} · owners {owners}"}},
        {"type": "divider"},
    ]
    rows = [f"{slack_date(event.at, '{date_short} {time}')} — {note_text(event, esc, team)}" for event in events]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in _chunks(rows, 2900)][:45]
    return blocks


def _chunks(rows: list[str], limit: int) -> list[str]:
    chunks, current = [], ""
    for row in rows:
        if current and len(current) + len(row) + 1 > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n{row}" if current else clip(row, limit)
    return chunks + ([current] if current else [])


def render_help() -> list[dict]:
    rows = "\n".join(f"`{USAGE[verb]}` — {words}" for verb, words in HELP_LINES.items())
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Escalations with /esc"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": rows}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "IDs work as ESC-12, esc-12 or 12. Cards have Take, Escalate and Resolve buttons too."}]},
    ]
