"""The daily digest as Block Kit: the KPIs leads watch, at a glance."""

from dataclasses import dataclass
from datetime import datetime

from bot.config import TeamConfig
from commands.digest.report_text import context, csat_words, escalation_row, fields, header, section
from commands.text import duration_words
from storage.digest_figures import CsatTrend, DigestFigures, Spread
from storage.model import LINES

CHART_SEPARATE = "📈 Slack could not show the chart in this message: it is separate, the file just above."
STARS = ("1★", "2★", "3★", "4★", "5★")


@dataclass(frozen=True)
class ChartImage:
    """An uploaded chart the digest shows by its Slack file id."""

    file_id: str
    title: str
    alt_text: str


def render_digest(figures: DigestFigures, team: TeamConfig, title: str, now: datetime, *,
                  chart: ChartImage | None = None, chart_note: str | None = None, late: bool = False) -> list[dict]:
    blocks = [header(f"📊 {title}")]
    if figures.quiet:
        blocks.append(section(f"😌 Quiet: nothing raised, resolved or reopened, no SLA deadline fell due and no CSAT"
                              f" answers. Backlog at the end: {figures.backlog}."))
    else:
        blocks += [_headline(figures), _breakdowns(figures, team), _csat(figures)]
    if chart:
        blocks.append(chart_block(chart))
    if figures.oldest_open:
        rows = "\n".join(escalation_row(esc, now) for esc in figures.oldest_open)
        blocks.append(section(f"*Oldest open*\n{rows}"))
    notes = ([chart_note] if chart_note else []) + (["⏱️ Posted late: the bot was not running when it fell due."] if late else [])
    blocks += [context(note) for note in notes]
    return blocks


def chart_block(chart: ChartImage) -> dict:
    return {"type": "image", "slack_file": {"id": chart.file_id}, "alt_text": chart.alt_text[:2000],
            "title": {"type": "plain_text", "text": chart.title}}


def digest_text(figures: DigestFigures, title: str) -> str:
    return f"{title}: {figures.raised} raised, {figures.resolved} resolved, backlog {figures.backlog}"


def _headline(figures: DigestFigures) -> dict:
    met, breached = figures.deadlines
    first_contact, resolved = figures.first_contact
    return fields([
        ("Raised", figures.raised), ("Resolved", figures.resolved), ("Reopened", figures.reopened),
        ("Backlog at day end", figures.backlog),
        ("Time to resolve (waits on the customer left out)", _spread(figures.time_to_resolve, "nothing resolved")),
        ("Waiting on the customer", _spread(figures.time_waiting, "no resolved case waited")),
        ("Time to acknowledge (L3)", _spread(figures.time_to_acknowledge, "nothing acknowledged")),
        ("First-contact resolution", _share(first_contact, resolved, "nothing resolved")),
        ("SLA compliance", _share(met, met + breached, "no deadline fell due")),
        ("CSAT", _csat_trends(figures)),
    ])


def _spread(spread: Spread, none: str) -> str:
    if not spread.count:
        return none
    return f"median {duration_words(int(spread.median))} · p90 {duration_words(int(spread.p90))} (of {spread.count})"


def _share(part: int, whole: int, none: str) -> str:
    return f"{round(100 * part / whole)}% ({part} of {whole})" if whole else none


def _csat_trends(figures: DigestFigures) -> str:
    """Survey answers and imported helpdesk scores apart, each against its own previous 7 days."""
    imported = figures.csat_imported
    rows = [f"our survey: {_trend_words(figures.csat_survey)}"]
    if imported.period.count or imported.previous_7_days.count:
        rows.append(f"helpdesk import: {_trend_words(imported)}")
    return "\n".join(rows)


def _trend_words(trend: CsatTrend) -> str:
    now, before = trend.period.average, trend.previous_7_days.average
    words = csat_words(trend.period.count, now)
    if now is None or before is None:
        return words
    change = now - before
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{words} · {arrow} {change:+.1f} vs previous 7 days ({before:.1f})"


def _breakdowns(figures: DigestFigures, team: TeamConfig) -> dict:
    lines = "\n".join(f"• L{level} · {team.line(level).name}: "
                       f"{_line_words(figures.raised_by_line.get(level, 0), figures.resolved_by_line.get(level, 0))}"
                       for level in LINES)
    rows = [
        f"*By line*\n{lines}",
        f"*By priority* {_counts(figures.by_priority)}",
        f"*By category* {_counts(figures.by_category, none='uncategorised')}",
        f"*By channel* {_counts({f'<#{channel}>' if channel else None: n for channel, n in figures.by_channel.items()})}",
    ]
    return section("\n".join(rows))


def _line_words(raised: int, resolved: int) -> str:
    parts = ([f"{raised} raised"] if raised else []) + ([f"{resolved} resolved"] if resolved else [])
    return ", ".join(parts) or "nothing raised or resolved"


def _counts(counted: dict[str | None, int], none: str = "unknown") -> str:
    return " · ".join(f"{none if key is None else key} {n}" for key, n in counted.items()) or "nothing raised"


def _csat(figures: DigestFigures) -> dict:
    spread = " · ".join(f"{stars} {n}" for stars, n in zip(STARS, figures.csat.distribution))
    survey, imported = figures.csat_survey.period.count, figures.csat_imported.period.count
    sources = f" ({survey} to our survey, {imported} imported from the helpdesk)" if imported else ""
    return section(f"*CSAT answers* {figures.csat.count}{sources} · {spread}")
