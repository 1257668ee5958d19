"""Ephemeral replies to one person: lists, timelines, help, confirmations and refusals."""

from bot.config import TeamConfig
from commands.block_kit import button
from commands.command_help import usage_row
from commands.csat.survey_blocks import USAGE as CSAT_USAGE
from commands.digest.parse import DIGEST_USAGE, SHIFT_USAGE
from commands.esc import ids
from commands.esc.card_blocks import PRIORITY_BADGE, card_title, line_label
from commands.esc.note_blocks import note_text
from commands.esc.parse import USAGE, next_page_value, row_choice_value
from commands.esc.priorities import priority_lines
from commands.incident.parse import USAGE as INCIDENT_USAGE
from commands.text import clip, escape, mention, one_line, slack_date
from storage.backlog import Listed, Page, Urgency
from storage.model import Escalation, Event

LIST_TITLES = {
    "open": "Open escalations",
    "mine": "Your open escalations",
    "unowned": "Open escalations nobody owns on their line",
    "L1": "Open on line 1",
    "L2": "Open on line 2",
    "L3": "Open on line 3",
}
URGENCY_HEADINGS = {
    Urgency.OVERDUE: "*Overdue*",
    Urgency.DUE_SOON: "*Due soon*",
    Urgency.UNOWNED: "*Unowned*",
    Urgency.OTHERS: "*Others*",
}
ROW_MENU = {"take": "Take", "assign": "Assign…", "show": "Show"}


def render_list(page: Page, team: TeamConfig) -> list[dict]:
    """One page: a header with the view's total, up to PAGE_SIZE rows under their urgency's
    heading (25 blocks at most), where the page sits in the list, and "Next page" while more follow."""
    title = f"{LIST_TITLES[page.view]} ({page.total:,})"
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    heading = None
    for row in page.rows:
        if row.urgency != heading:
            heading = row.urgency
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": URGENCY_HEADINGS[heading]}})
        blocks.append(_list_row(row, team))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _whereabouts(page)}]})
    if page.next_after:
        value = next_page_value(page.view, page.next_after)
        blocks.append({"type": "actions", "elements": [button("Next page", ids.ACTION_NEXT_PAGE, value)]})
    return blocks


def _whereabouts(page: Page) -> str:
    if not page.total:
        return "Nothing here. 🎉"
    if not page.rows:
        return f"Nothing after the last page; the list has {page.total:,}. Start again with `{USAGE['list']}`."
    first = page.shown_before + 1
    return f"{first:,}–{first + len(page.rows) - 1:,} of {page.total:,}, most urgent first."


def _list_row(row: Listed, team: TeamConfig) -> dict:
    esc = row.escalation
    text = (f"*{esc.key}* · {PRIORITY_BADGE[esc.priority]} · {line_label(team, esc.line)} · "
            f"{mention(esc.current_owner)} · {_deadline(row)}\n{escape(one_line(esc.summary, 200))}")
    menu = [{"text": {"type": "plain_text", "text": label}, "value": row_choice_value(verb, esc.id)}
            for verb, label in ROW_MENU.items()]
    return {"type": "section", "text": {"type": "mrkdwn", "text": text},
            "accessory": {"type": "overflow", "action_id": ids.ACTION_LIST_ROW, "options": menu}}


def _deadline(row: Listed) -> str:
    if row.due_at is None:
        return f"opened {slack_date(row.escalation.created_at, '{ago}')}"
    when = slack_date(row.due_at, "{date_short_pretty} {time}")
    return f"overdue since {when}" if row.urgency is Urgency.OVERDUE else f"due {when}"


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


WORK = [
    (USAGE["take"], "own it on its current line (or press *Take* on the card)"),
    (USAGE["assign"], "give it to someone on its current line"),
    (USAGE["release"], "give it back to its line's queue, unowned (its owner or a lead; or *Release* in the card's ⋮ menu)"),
    (USAGE["wait"], "waiting on the customer: its SLA clock pauses, no reminders (or *Wait on customer* in the ⋮ menu)"),
    (USAGE["resume"], "work it again with the time it had left; the requester's reply in its thread does it too"),
    (USAGE["edit"], "change its summary, priority, category or customer reference (or *Edit…* in the ⋮ menu)"),
    (USAGE["ack"], "acknowledge it on line 3; or reply `ack` in the card's thread, or react :eyes: (👀)"),
    (USAGE["up"], "move it to the next line (or press *Escalate*)"),
    (USAGE["down"], "send it back a line, to the owner it had there"),
    (USAGE["resolve"], "close it (or press *Resolve*)"),
    (USAGE["reopen"], "open a resolved one again"),
    (USAGE["handoff"], "give all your open escalations to a teammate"),
]
FIND = [
    (USAGE["list"], "open escalations, most urgent first; only you see the list"),
    (USAGE["show"], "the full ownership timeline"),
    (USAGE["help"], "this help"),
]
FOR_LEADS = [
    (SHIFT_USAGE, "the shift running now (or the named one), so far"),
    (DIGEST_USAGE, "volume, SLA and CSAT for a period"),
    (CSAT_USAGE, "record a customer satisfaction score by hand"),
    (INCIDENT_USAGE["draft"], f"tell users about a problem; `{INCIDENT_USAGE['help']}` shows the rest"),
]


def render_help(team: TeamConfig) -> list[dict]:
    """Every way in, by task; what P1–P4 promise comes from the team's own SLA."""
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Escalations with /esc"}},
        _section("Raise", _raise_rows(team)),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _priorities(team)}]},
        _section("Work", WORK),
        _section("Find", FIND),
        _section("For leads", FOR_LEADS),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "IDs work as ESC-12, esc-12 or 12."}]},
    ]


def _raise_rows(team: TeamConfig) -> list:
    where = ", ".join(f"<#{channel}>" for channel in team.watch_channels) or "a watched channel"
    return [
        (ids.COMMAND, "the form: summary, priority, line, category, customer reference"),
        (USAGE["new"], "raise it in one line; P3 on line 1 unless you say"),
        f"React :{team.reaction}: to a message in {where}; the escalation lives in its thread",
        f"*{ids.SHORTCUT_NAME}* in a message's ⋮ menu: the form, prefilled with the message",
    ]


def _priorities(team: TeamConfig) -> str:
    return "*What P1–P4 mean* (this team's SLA)\n" + "\n".join(priority_lines(team.sla))


def _section(title: str, rows: list) -> dict:
    """`rows` are finished lines or (usage, what it does) pairs."""
    lines = [row if isinstance(row, str) else usage_row(*row) for row in rows]
    text = f"*{title}*\n" + "\n".join(lines)
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
