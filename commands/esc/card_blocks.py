"""The escalation card: pure functions from values to Block Kit (its thread notes: note_blocks.py)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.config import TeamConfig
from commands.block_kit import button
from commands.button_values import numbers_and_user_in
from commands.esc import ids
from commands.esc.priorities import PRIORITY_NAMES
from commands.line3.ids import ACTION_ACK
from commands.people import mentions
from commands.text import clip, duration_words, escape, mention, one_line, slack_date
from storage.model import LINES, Escalation, Source
from storage.ownership import Seen
from storage.sla import ACK_LINE, Clock

TITLE_SUMMARY_LIMIT = 120
# One meaning per emoji: colours tell status (🟢 open, 🔴 overdue, ✅ resolved), so priority is words.
PRIORITY_BADGE = {priority: f"{priority} · {name}" for priority, name in PRIORITY_NAMES.items()}
SOURCE_WORDS = {
    Source.COMMAND: "with /esc",
    Source.MODAL: "with the /esc form",
    Source.REACTION: "with a reaction",
    Source.SHORTCUT: "from a message",
}


SAME_DAY = timedelta(hours=12)
CARD_CHOICES = ("edit", "wait", "resume", "release")  # the queue card's menu


class CardRole(StrEnum):
    """Where a card is: the work happens on the current line's queue card; the card where it was
    raised shows how it goes; a line it left keeps one line pointing to where it is now."""

    QUEUE = "queue"
    ORIGIN = "origin"
    LEFT = "left"


def card_role(esc: Escalation, channel: str, team: TeamConfig) -> CardRole:
    if channel == team.line(esc.line).channel:
        return CardRole.QUEUE
    if channel in {line.channel for line in team.lines}:
        return CardRole.LEFT
    return CardRole.ORIGIN


@dataclass(frozen=True)
class CardState:
    """What a card shows besides the escalation: its SLA clock at `now`, and its role."""

    now: datetime
    clock: Clock | None = None
    role: CardRole = CardRole.QUEUE
    reason: str | None = None  # given with the move that brought it to its line

    @property
    def asks_ack(self) -> bool:
        """The current line's queue card on line 3 asks its responders to acknowledge."""
        return self.role is CardRole.QUEUE


def line_label(team: TeamConfig, level: int) -> str:
    return f"L{level} · {team.line(level).name}"


def card_text(esc: Escalation) -> str:
    """The notification and screen-reader text of a card. Raised from someone else's message, it
    mentions that message's author: the card in their message's thread is the first they hear of it."""
    text = f"{esc.key} [{esc.priority}] {escape(one_line(esc.summary, 150))}"
    return text if esc.raiser == esc.requester else f"{text}, asked by {mention(esc.requester)}"


def card_title(esc: Escalation) -> str:
    """Escaped even though plain_text shows no mentions: user text never carries `<!…>` anywhere."""
    return clip(f"{esc.key} · {escape(one_line(esc.summary, TITLE_SUMMARY_LIMIT))}", 150)


def render_card(esc: Escalation, team: TeamConfig, state: CardState | None = None) -> list[dict]:
    state = state or CardState(now=esc.created_at)
    if state.role is CardRole.LEFT:
        return render_moved_on(esc, team)
    asks_ack = state.asks_ack and awaits_ack(esc)
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": card_title(esc)}}]
    if asks_ack:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _ack_request(team)}})
    if one_line(esc.summary, TITLE_SUMMARY_LIMIT) != esc.summary:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(escape(esc.summary), 3000)}})
    if esc.is_open and esc.is_waiting:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": waiting_text(esc)}})
    if state.reason:
        why = f"*Why on L{esc.line}:* {clip(escape(state.reason), 2900)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": why}})
    blocks += [
        {"type": "section", "fields": _fields(esc, team, state)},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _provenance(esc)}]},
    ]
    if state.role is CardRole.QUEUE:
        blocks.append({"type": "actions", "block_id": ids.BLOCK_CARD_ACTIONS, "elements": _buttons(esc, asks_ack)})
    return blocks


def render_moved_on(esc: Escalation, team: TeamConfig) -> list[dict]:
    """The card of a line the escalation left: one line saying where it is now."""
    label = line_label(team, esc.line)
    where = f"is on {label} now" if esc.is_open else f"was resolved on {label}"
    text = f"↪️ *{esc.key}* · {escape(one_line(esc.summary, 80))} {where}: <#{team.line(esc.line).channel}>"
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def awaits_ack(esc: Escalation) -> bool:
    return esc.is_open and esc.line == ACK_LINE and ACK_LINE not in esc.owners


def _ack_request(team: TeamConfig) -> str:
    responders = mentions(team.line(ACK_LINE).responders)
    ask = f"📣 {responders} — needs an engineer." if responders else "📣 Needs an engineer."
    return f"{ask} Reply `ack` in the thread, react :{'eyes'}: or press *Acknowledge*."


def waiting_text(esc: Escalation) -> str:
    """"⏸ Waiting on the customer since 10:05: asked for the invoice", seen in each reader's zone."""
    since = slack_date(esc.waiting_since, "{date_short_pretty} {time}")
    reason = f": _{clip(escape(one_line(esc.waiting_reason, 500)), 600)}_" if esc.waiting_reason else ""
    return f"⏸ *Waiting on the customer* since {since}{reason}"


def sla_text(clock: Clock | None, now: datetime) -> str | None:
    """`ack due 10:45`, `take due …`, `overdue since …`, or paused with the time left; None once
    no deadline applies."""
    if clock is None or clock.stopped_at is not None:
        return None
    if clock.paused_at is not None:
        left = int(clock.remaining(now).total_seconds())
        return f"⏸ {clock.kind} clock paused, " + (f"{duration_words(left)} left" if left > 0 else "overdue")
    token = "{time}" if abs(clock.due_at - now) < SAME_DAY else "{date_short_pretty} {time}"
    when = slack_date(clock.due_at, token)
    return f"🔴 {clock.kind} overdue since {when}" if clock.is_overdue(now) else f"⏱ {clock.kind} due {when}"


def _fields(esc: Escalation, team: TeamConfig, state: CardState) -> list[dict]:
    status = "✅ Resolved " + slack_date(esc.resolved_at, "{ago}") if not esc.is_open else "🟢 Open"
    if esc.is_open and esc.is_waiting:
        status = "⏸ Waiting on customer"
    fields = [
        f"*Status*\n{status}",
        f"*Priority*\n{PRIORITY_BADGE[esc.priority]}",
        f"*Line*\n{line_label(team, esc.line)}",
        f"*Age*\nopened {slack_date(esc.created_at, '{ago}')}",
    ]
    if sla := sla_text(state.clock, state.now):
        fields.append(f"*SLA*\n{sla}")
    fields.append(f"*Owner*\n{mention(esc.current_owner)}")
    if trail := owner_trail(esc):
        fields.append(f"*Trail*\n{trail}")
    if esc.category:
        fields.append(f"*Category*\n{escape(esc.category)}")
    if esc.customer_ref:
        fields.append(f"*Customer*\n{escape(one_line(esc.customer_ref, 200))}")
    return [{"type": "mrkdwn", "text": text} for text in fields[:10]]


def owner_trail(esc: Escalation) -> str | None:
    """Who has it on each line it was owned on, and its current line: "L1 <@Ana> → L2 <@Sam> → L3
    _unowned_"; None while that is one line, where the Owner field says it all."""
    reached = sorted(set(esc.owners) | {esc.line})
    if len(reached) < 2:
        return None
    return " → ".join(f"L{level} {mention(esc.owners.get(level))}" for level in reached)


def _provenance(esc: Escalation) -> str:
    """Who raised it, how and where; for someone else's message, whose it is and a link to it."""
    text = f"Raised by {mention(esc.raiser)} {SOURCE_WORDS[esc.source]} in <#{esc.origin_channel}>"
    if esc.raiser != esc.requester:
        text += f" for {mention(esc.requester)}"
    if esc.origin_link:
        text += f" · <{escape(esc.origin_link)}|the original message>"
    return text


def _buttons(esc: Escalation, asks_ack: bool) -> list[dict]:
    value = card_value(esc)
    if not esc.is_open:
        return [button("Reopen", ids.ACTION_REOPEN, value)]
    if asks_ack:
        buttons = [button("Acknowledge", ACTION_ACK, value, style="primary")]
    elif esc.current_owner:
        buttons = [_take_over(esc, value)]
    else:
        buttons = [button("Take", ids.ACTION_TAKE, value, style="primary")]
    if esc.line < LINES[-1]:
        buttons.append(button(f"Escalate to L{esc.line + 1}", ids.ACTION_ESCALATE, value))
    resolve = button("Resolve", ids.ACTION_RESOLVE, value)
    resolve["confirm"] = _confirm(f"Resolve {esc.key}?", "The requester is told in the thread. You can reopen it later.",
                                  "Resolve")
    return [*buttons, resolve, _menu(esc, value)]


def _menu(esc: Escalation, value: str) -> dict:
    """Edit…, Wait on customer (or Resume), and Release while someone owns it."""
    labels = {"edit": "Edit…"}
    if esc.is_waiting:
        labels["resume"] = "Resume"
    else:
        labels["wait"] = "Wait on customer"
    if esc.current_owner:
        labels["release"] = "Release to the queue"
    options = [{"text": {"type": "plain_text", "text": label}, "value": card_choice_value(verb, value)}
               for verb, label in labels.items()]
    return {"type": "overflow", "action_id": ids.ACTION_CARD_MENU, "options": options}


def _take_over(esc: Escalation, value: str) -> dict:
    take_over = button("Take over", ids.ACTION_TAKE, value)
    take_over["confirm"] = _confirm(f"Take over {esc.key}?",
                                    f"{mention(esc.current_owner)} owns it on line {esc.line}. They are told in the thread.",
                                    "Take over")
    return take_over


def _confirm(title: str, text: str, confirm: str) -> dict:
    return {
        "title": {"type": "plain_text", "text": title},
        "text": {"type": "mrkdwn", "text": text},
        "confirm": {"type": "plain_text", "text": confirm},
        "deny": {"type": "plain_text", "text": "Cancel"},
    }


def card_value(esc: Escalation) -> str:
    """The state the card shows, carried by its buttons: "12:3", or "12:3:U0ENG1" once owned there."""
    owner = esc.current_owner
    return f"{esc.id}:{esc.line}:{owner}" if owner else f"{esc.id}:{esc.line}"


def card_choice_value(verb: str, card_value: str) -> str:
    """An option of the card's menu: what to do, and the state the card showed."""
    return f"{verb}|{card_value}"


def parse_button_value(value: str) -> tuple[int, Seen]:
    """(escalation id, the state the card showed): a stale or double click then changes nothing."""
    (escalation_id, line), owner = numbers_and_user_in(value, 2)
    return escalation_id, Seen(line, owner)


def render_note(text: str) -> list[dict]:
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]
