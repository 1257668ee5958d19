"""A shift summary as Block Kit: the figures at a glance, each open case listed once (unowned, or
owned on its line), long lists cut short, the oldest of each in the thread, and `/esc list`
named for the rest."""

from dataclasses import dataclass, field

from bot.config import TeamConfig
from commands.digest.report_text import (SHOWN_PER_LIST, context, csat_words, escalation_row, fields, header,
                                         section, window_words)
from commands.esc.ids import COMMAND as ESC
from commands.text import duration_words, slack_date
from storage.figure_queries import WaitingAck
from storage.records import from_text
from storage.shift_figures import ShiftSummary

ROWS_PER_SECTION = 12  # rows of up to ~200 characters stay under a section's 3,000


@dataclass(frozen=True)
class ShiftMessage:
    blocks: list[dict]
    text: str
    thread: list[list[dict]] = field(default_factory=list)  # further messages, each a block list


@dataclass(frozen=True)
class NamedList:
    """`rows` may be the oldest few of `total`; `see_all` is the command that pages through them all."""

    title: str
    rows: list[str]
    total: int
    see_all: str | None = None  # None: a short list, never cut

    @property
    def unlisted(self) -> int:
        return self.total - len(self.rows)

    def rest_words(self) -> str:
        return f"…and {self.unlisted} more: `{self.see_all}` lists them all."


def render_shift_summary(summary: ShiftSummary, team: TeamConfig, *, late: bool = False,
                         so_far: bool = False, thread_allowed: bool = True) -> ShiftMessage:
    title = f"{summary.shift} shift{' so far' if so_far else ''}"
    when = window_words(summary.window.start, summary.window.end)
    if summary.quiet:
        shown = f"😌 Quiet {title} ({when}): nothing raised, taken or resolved, and nothing is open."
        return ShiftMessage([section(shown)] + _late(late),
                            f"{title}: quiet, nothing raised, taken or resolved, and nothing is open")
    lists = _lists(summary, team)
    blocks = [header(f"🔄 {title}"), context(when), _figures(summary)]
    blocks += [_list_section(named, thread_allowed) for named in lists if named.rows]
    blocks += _late(late)
    overflowing = [named for named in lists if named.see_all and named.total > SHOWN_PER_LIST]
    thread = _thread(overflowing) if thread_allowed else []
    if overflowing and not thread_allowed:
        blocks.append(context(_where_to_see_the_rest(team)))
    return ShiftMessage(blocks, f"{title}: {summary.raised} raised, {summary.resolved} resolved", thread)


def _figures(summary: ShiftSummary) -> dict:
    if summary.idle:
        open_now = sum(summary.open_count_by_line.values())
        return section(f"😌 Nothing raised, taken, resolved, reopened or handed off, no SLA breach and no CSAT answer."
                       f" Open now: {open_now}, {summary.unowned_count} of them unowned.")
    return fields([
        ("Raised", summary.raised), ("Taken", summary.taken), ("Resolved", summary.resolved),
        ("Reopened", summary.reopened), ("Handoffs", summary.handoffs), ("SLA breaches", summary.breach_count),
        ("Waiting for L3 ack", summary.waiting_ack_count), ("Unowned", summary.unowned_count),
        ("Waiting on the customer", summary.waiting_on_customer_count),
        ("CSAT received", csat_words(summary.csat.count, summary.csat.average)),
    ])


def _lists(summary: ShiftSummary, team: TeamConfig) -> list[NamedList]:
    now = summary.as_of
    lists = [NamedList(f"Unowned ({summary.unowned_count})", [escalation_row(esc, now) for esc in summary.unowned],
                       summary.unowned_count, f"{ESC} list unowned")]
    for level, owned in summary.owned_by_line.items():
        count = summary.owned_count_by_line[level]
        lists.append(NamedList(f"Owned on L{level} · {team.line(level).name} ({count})",
                               [escalation_row(esc, now) for esc in owned], count, f"{ESC} list L{level}"))
    lists.append(NamedList(f"Waiting for acknowledgement on L3 ({summary.waiting_ack_count})",
                           [_waiting_row(waiting, now) for waiting in summary.waiting_ack],
                           summary.waiting_ack_count, f"{ESC} list L3"))
    breaches = [f"• L{breach.line} {breach.priority}: {breach.count}" for breach in summary.breaches]
    lists.append(NamedList(f"SLA breaches ({summary.breach_count})", breaches, len(breaches)))
    return lists


def _waiting_row(waiting: WaitingAck, now) -> str:
    since, due = from_text(waiting.since), from_text(waiting.due)
    return (f"• *{waiting.escalation.key}* · {waiting.escalation.priority} · waiting"
            f" {duration_words(max(0, int((now - since).total_seconds())))} · due {slack_date(due, '{time}')}")


def _list_section(named: NamedList, thread_allowed: bool) -> dict:
    rows = named.rows[:SHOWN_PER_LIST] if named.see_all else list(named.rows)
    hidden = named.total - len(rows)
    if hidden:
        rows.append(f"…and {hidden} more{_where_the_rest_is(named, len(rows), thread_allowed)}")
    return section(f"*{named.title}*\n" + "\n".join(rows))


def _where_the_rest_is(named: NamedList, shown: int, thread_allowed: bool) -> str:
    see_all = f"`{named.see_all}` lists them all."
    if not thread_allowed:
        return f": {see_all}"
    if not named.unlisted:
        return ", the full list is in the thread."
    return f", the next {len(named.rows) - shown} in the thread; {see_all}"


def _where_to_see_the_rest(team: TeamConfig) -> str:
    channel = team.reports.summaries_channel
    posted = f" When the shift ends, its summary in <#{channel}> carries the full lists in its thread." if channel else ""
    return f"📋 Every open case, a page at a time: `{ESC} list`.{posted}"


def _thread(overflowing: list[NamedList]) -> list[list[dict]]:
    """One reply per list, so each reads on its own and a list never splits across replies."""
    return [_thread_reply(named) for named in overflowing]


def _thread_reply(named: NamedList) -> list[dict]:
    rows = named.rows + ([named.rest_words()] if named.unlisted else [])
    parts = [rows[start:start + ROWS_PER_SECTION] for start in range(0, len(rows), ROWS_PER_SECTION)]
    return [section((f"*{named.title}*\n" if index == 0 else "") + "\n".join(part)) for index, part in enumerate(parts)]


def _late(late: bool) -> list[dict]:
    return [context("⏱️ Posted late: the bot was not running when this period ended.")] if late else []
