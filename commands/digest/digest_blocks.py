"""The daily digest as Block Kit: the KPIs leads watch, at a glance."""

from datetime import datetime

from bot.config import TeamConfig
from commands.digest.report_text import context, csat_words, escalation_row, fields, header, section
from commands.text import duration_words
from storage.digest_figures import DigestFigures, Spread
from storage.model import LINES

CHART_SHOWN = "📈 Volume and CSAT over the last 14 days: the chart just above."
STARS = ("1★", "2★", "3★", "4★", "5★")


def render_digest(figures: DigestFigures, team: TeamConfig, title: str, now: datetime, *,
                  chart_note: str | None = None, late: bool = False) -> list[dict]:
    blocks = [header(f"📊 {title}"), _headline(figures), _breakdowns(figures, team), _csat(figures)]
    if figures.oldest_open:
        rows = "\n".join(escalation_row(esc, now) for esc in figures.oldest_open)
        blocks.append(section(f"*Oldest open*\n{rows}"))
    notes = ([chart_note] if chart_note else []) + (["⏱️ Posted late: the bot was not running when it fell due."] if late else [])
    blocks += [context(note) for note in notes]
    return blocks


def digest_text(figures: DigestFigures, title: str) -> str:
    return f"{title}: {figures.raised} raised, {figures.resolved} resolved, backlog {figures.backlog}"


def _headline(figures: DigestFigures) -> dict:
    met, breached = figures.deadlines
    first_contact, resolved = figures.first_contact
    return fields([
        ("Raised", figures.raised), ("Resolved", figures.resolved), ("Reopened", figures.reopened),
        ("Backlog at day end", figures.backlog),
        ("Time to resolve", _spread(figures.time_to_resolve)),
        ("Time to acknowledge (L3)", _spread(figures.time_to_acknowledge)),
        ("First-contact resolution", _share(first_contact, resolved)),
        ("SLA compliance", _share(met, met + breached)),
        ("CSAT", _csat_change(figures)),
    ])


def _spread(spread: Spread) -> str:
    if not spread.count:
        return "—"
    return f"median {duration_words(int(spread.median))} · p90 {duration_words(int(spread.p90))} (of {spread.count})"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}% ({part} of {whole})" if whole else "—"


def _csat_change(figures: DigestFigures) -> str:
    today, before = figures.csat.average, figures.csat_previous_7_days.average
    words = csat_words(figures.csat.count, today)
    if today is None or before is None:
        return words
    change = today - before
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{words} · {arrow} {change:+.1f} vs previous 7 days ({before:.1f})"


def _breakdowns(figures: DigestFigures, team: TeamConfig) -> dict:
    lines = " · ".join(f"L{level} {team.line(level).name}: {figures.raised_by_line.get(level, 0)} raised,"
                       f" {figures.resolved_by_line.get(level, 0)} resolved" for level in LINES)
    rows = [
        f"*By line* {lines}",
        f"*By priority* {_counts(figures.by_priority)}",
        f"*By category* {_counts(figures.by_category)}",
        f"*By channel* {_counts({f'<#{channel}>': n for channel, n in figures.by_channel.items()})}",
    ]
    return section("\n".join(rows))


def _counts(counted: dict[str, int]) -> str:
    return " · ".join(f"{key} {n}" for key, n in counted.items()) or "—"


def _csat(figures: DigestFigures) -> dict:
    spread = " · ".join(f"{stars} {n}" for stars, n in zip(STARS, figures.csat.distribution))
    return section(f"*CSAT answers* {figures.csat.count} · {spread}")
