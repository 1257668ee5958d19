"""The leads' team view on Home as Block Kit: each line now, the shift on duty, CSAT, and one row
per person."""

from bot.config import TeamConfig
from commands.block_kit import button
from commands.esc.card_blocks import line_label
from commands.home import ids
from commands.text import counted, duration_words, slack_date
from storage.figure_queries import CsatFigures
from storage.periods import OnDuty
from storage.team_figures import PERIODS, PersonFigures, TeamFigures

PEOPLE_SHOWN = 20  # one block each


def render_team_view(figures: TeamFigures, team: TeamConfig) -> list[dict]:
    other = next(days for days in PERIODS if days != figures.days)
    blocks = [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": f"Your team · last {figures.days} days"}},
        {"type": "actions", "elements": [button(f"Show {other} days", ids.ACTION_PERIOD, str(other))]},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": _line_text(line, team)} for line in figures.lines]},
        *([_section(_on_duty(figures.on_duty))] if team.reports.shifts else []),
        _section(f"*CSAT* {_csat(figures.csat)} · the {figures.days} days before: {_csat(figures.csat_before)}"),
        _section(f"*Each person, last {figures.days} days* (resolved · open owned · median to resolve"
                 " · SLA breaches · CSAT)"),
    ]
    if not figures.people:
        return blocks + [_context("Nobody resolved or owns an escalation in this period.")]
    blocks += [_section(_person(person)) for person in figures.people[:PEOPLE_SHOWN]]
    if len(figures.people) > PEOPLE_SHOWN:
        blocks.append(_context(f"…and {len(figures.people) - PEOPLE_SHOWN} more people: see `/digest`."))
    return blocks


def _line_text(line, team: TeamConfig) -> str:
    oldest = f"oldest opened {slack_date(line.oldest_opened, '{ago}')}" if line.oldest_opened else "none open"
    return (f"*{line_label(team, line.line)}*\n{line.open} open · {line.unowned} unowned\n{oldest}"
            f" · {counted(line.breaches_today, 'SLA breach', 'SLA breaches')} today")


def _on_duty(on_duty: OnDuty | None) -> str:
    """When the shift ends, in the reader's own zone."""
    if on_duty is None:
        return "*On duty:* no shift right now"
    return f"*On duty:* {on_duty.shift.name} until {slack_date(on_duty.window.end, '{date_short_pretty} {time}')}"


def _csat(csat: CsatFigures) -> str:
    return f"{csat.average:.1f} ({counted(csat.count, 'answer')})" if csat.count else "no answers"


def _person(person: PersonFigures) -> str:
    median = duration_words(int(person.median_seconds_to_resolve)) if person.median_seconds_to_resolve is not None else "—"
    csat = f"{person.csat_average:.1f} ({person.csat_count})" if person.csat_count else "—"
    return (f"<@{person.user}> · *{person.resolved} resolved* · {person.open_owned} open · {median} to resolve"
            f" · {counted(person.breaches, 'breach', 'breaches')} · CSAT {csat}")


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
