"""A person's App Home as Block Kit: pure functions from the facts to a `home` view.

Its escalation buttons carry the card's values (commands/esc/card_blocks.py), so a click on Home
is checked against what the person saw exactly as a click on the card is.
"""

from dataclasses import dataclass, field
from datetime import datetime

from bot.config import TeamConfig
from commands.block_kit import button
from commands.esc.card_blocks import PRIORITY_BADGE, card_value, line_label, sla_text
from commands.home import ids
from commands.text import escape, one_line, slack_date
from storage.home_queries import Listing, Row
from storage.incident_model import Incident
from storage.model import LINES

MAX_BLOCKS = 100  # Slack's limit for a Home view
MINE_SHOWN = 10  # two blocks each
QUEUE_SHOWN = 10  # one block each
INCIDENTS_SHOWN = 5
SUMMARY_SHOWN = 80


@dataclass(frozen=True)
class HomeFacts:
    now: datetime
    mine: Listing
    queues: dict[int, Listing] = field(default_factory=dict)  # line → its unowned queue (Take)
    waiting_ack: Listing | None = None  # line 3's unacknowledged, for its responders and the leads
    incidents: list[Incident] | None = None  # for broadcasters
    card_links: dict[int, str] = field(default_factory=dict)  # escalation id → its queue card's permalink
    incident_links: dict[int, str] = field(default_factory=dict)
    team_view: list[dict] = field(default_factory=list)  # the leads' figures, already rendered


def render_home(facts: HomeFacts, team: TeamConfig) -> dict:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your support work"}},
        {"type": "actions", "elements": [button("New escalation", ids.ACTION_NEW, "new", style="primary")]},
        *_mine(facts, team),
    ]
    for line, queue in sorted(facts.queues.items()):
        title = f"Waiting for an owner on {line_label(team, line)}"
        blocks += _queue(facts, team, title, queue, "Take", ids.ACTION_TAKE, "`/esc list unowned`")
    if facts.waiting_ack is not None:
        title = f"Waiting for acknowledgement on {line_label(team, LINES[-1])}"
        blocks += _queue(facts, team, title, facts.waiting_ack, "Acknowledge", ids.ACTION_ACKNOWLEDGE, "`/esc list L3`")
    if facts.incidents is not None:
        blocks += _incidents(facts)
    blocks += facts.team_view
    return {"type": "home", "blocks": within_limit(blocks)}


def within_limit(blocks: list[dict]) -> list[dict]:
    """Slack refuses a Home of more than MAX_BLOCKS blocks: the end is cut and said so."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    cut = len(blocks) - MAX_BLOCKS + 1
    return blocks[:MAX_BLOCKS - 1] + [_context(f"…and {cut} more blocks: see `/esc list`.")]


def _mine(facts: HomeFacts, team: TeamConfig) -> list[dict]:
    blocks = [{"type": "divider"}, _section(f"*Your open escalations* ({facts.mine.total})")]
    if not facts.mine.rows:
        return blocks + [_context("Nothing is yours right now.")]
    for row in facts.mine.rows:
        blocks += [_section(_row_text(row, facts, team)),
                   {"type": "actions", "elements": _my_buttons(row)}]
    if facts.mine.more:
        blocks.append(_context(f"…and {facts.mine.more} more: see `/esc list mine`."))
    return blocks


def _queue(facts: HomeFacts, team: TeamConfig, title: str, queue: Listing, label: str, action_id: str,
           see: str) -> list[dict]:
    blocks = [{"type": "divider"}, _section(f"*{title}* ({queue.total})")]
    if not queue.rows:
        return blocks + [_context("Nobody is waiting.")]
    for row in queue.rows:
        block = _section(_row_text(row, facts, team))
        block["accessory"] = button(label, action_id, card_value(row.escalation), style="primary")
        blocks.append(block)
    if queue.more:
        blocks.append(_context(f"…and {queue.more} more: see {see}."))
    return blocks


def _incidents(facts: HomeFacts) -> list[dict]:
    incidents = facts.incidents or []
    blocks = [{"type": "divider"}, _section(f"*Active incidents* ({len(incidents)})")]
    if not incidents:
        return blocks + [_context("No incident is active.")]
    for incident in incidents[:INCIDENTS_SHOWN]:
        key = incident.key
        if link := facts.incident_links.get(incident.id):
            key = f"<{link}|{key}>"
        blocks.append(_section(f"*{key}* · {incident.status.word} · {escape(one_line(incident.title, SUMMARY_SHOWN))}"))
    if len(incidents) > INCIDENTS_SHOWN:
        blocks.append(_context(f"…and {len(incidents) - INCIDENTS_SHOWN} more: see `/incident list`."))
    return blocks


def _row_text(row: Row, facts: HomeFacts, team: TeamConfig) -> str:
    esc = row.escalation
    key = f"<{facts.card_links[esc.id]}|{esc.key}>" if esc.id in facts.card_links else esc.key
    details = [line_label(team, esc.line), f"opened {slack_date(esc.created_at, '{ago}')}"]
    if sla := sla_text(row.clock, facts.now):
        details.append(sla)
    title = f"*{key}* · {PRIORITY_BADGE[esc.priority]} · {escape(one_line(esc.summary, SUMMARY_SHOWN))}"
    return f"{title}\n{' · '.join(details)}"


def _my_buttons(row: Row) -> list[dict]:
    esc, value = row.escalation, card_value(row.escalation)
    buttons = [button(f"Escalate to L{esc.line + 1}", ids.ACTION_ESCALATE, value)] if esc.line < LINES[-1] else []
    resolve = button("Resolve", ids.ACTION_RESOLVE, value)
    resolve["confirm"] = {
        "title": {"type": "plain_text", "text": f"Resolve {esc.key}?"},
        "text": {"type": "mrkdwn", "text": "The requester is told in the thread. You can reopen it later."},
        "confirm": {"type": "plain_text", "text": "Resolve"},
        "deny": {"type": "plain_text", "text": "Cancel"},
    }
    return buttons + [resolve]


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}

