"""History scale: a daily digest, a shift summary and `/esc list open` over a generated year.

What it measures
    A fresh SQLite file, prepared with the real schema, gets a year of history ending at the end
    of yesterday (bench/history_data.py): 500,000 escalations with their audit events, SLA clocks
    (some breached), line owners and cards, and 100,000 CSAT answers; then ANALYZE, so the planner
    works from statistics as on a maintained file. Then, warm, the median of `--runs` runs of
    each, with the bot's own code:

    digest    what the daily job reads and builds for yesterday: the 14-day series, the digest's
              figures and its Block Kit (not the chart's PNG, which draws the same 14 points always)
    summary   the figures and Block Kit of the shift that ended last before the history's end
    list      `/esc list open`: the query and its Block Kit
    lead Home the App Home of a lead who also works lines 1-2, acknowledges on line 3 and
              broadcasts: queues, waiting list, incidents and the team view over 7 days
    agent Home an agent's App Home: their own escalations and line 1's unowned queue
    RSS       the peak resident memory (VmHWM) of `python -m bot run` over the file, plus its HTTP
              front's own pages, after it has answered a signed `/esc list open` and
              `/digest yesterday` from the stand-in

    All of it twice, each over a year of its own: the usual backlog (almost every escalation
    resolved, about 1,400 open) and a team that fell behind (30% never resolved, 150,000 open
    for good). The second table also gives each figure as a multiple of the first.

    Baseline, in the same run: `SELECT count(*)` of the escalations raised yesterday, over
    `created_at`'s index. Each time is printed with its ratio to it.

Targets (printed, not enforced): digest < 200 ms, summary < 100 ms, list < 50 ms, lead Home < 150 ms,
agent Home < 50 ms, RSS < 150 MB.

Usage
    python bench/history_scale.py [--escalations 500000] [--csat 100000] [--runs 7]
                                  [--never-resolved 0.002 0.3] [--without-statistics]

    `--never-resolved` takes the share of each year left open for good, one year per share.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from bot_memory import peak_rss_mb
from history_data import NEVER_RESOLVED, HistoryWriter
from scratch_database import add_db_argument, scratch_database

from bot.config import TeamConfig, load_team_config
from commands.digest.digest_blocks import render_digest
from commands.digest.shift_blocks import render_shift_summary
from commands.esc.reply_blocks import render_list
from commands.home.audience import Roles
from commands.home.publishing import build_home
from jobs.report_posting import digest_title
from storage.db import inbox_path, open_db, prepare_database
from storage.digest_figures import daily_series, digest_figures
from storage.backlog import open_page
from storage.port import copy_database
from storage.periods import day_window, latest_ended_window, local_day
from storage.records import to_text
from storage.shift_figures import shift_summary

REPO = Path(__file__).resolve().parent.parent
TARGETS_MS = {"digest": 200, "summary": 100, "list": 50, "lead_home": 150, "agent_home": 50}
TARGET_RSS_MB = 150
ASKER = "U0LEAD1"
AGENT = "U1AGENT00"  # one of the generated year's line-1 agents
LEAD_ROLES = Roles(frozenset({1, 2}), lead=True, broadcaster=True)
AGENT_ROLES = Roles(frozenset({1}), lead=False, broadcaster=False)
WORKSPACE_URL = "https://example.slack.com/"


STRESS_NEVER_RESOLVED = 0.3


def run(args: argparse.Namespace) -> int:
    team = load_team_config(REPO / "app.yaml")
    tz = ZoneInfo(team.timezone)
    yesterday = local_day(datetime.now(timezone.utc), tz, days_back=1)
    first: Figures | None = None
    for share in args.never_resolved:
        print(f"=== {share:.1%} of the year never resolved ===")
        figures, on_postgres = _one_year(team, yesterday, share, args)
        _report(figures, first)
        if on_postgres:
            print("--- the same year copied to PostgreSQL (supportbot db copy, which vacuums and analyses) ---")
            _report(on_postgres, None)
        first = first or figures
    return 0


def _one_year(team: TeamConfig, yesterday, never_resolved: float, args: argparse.Namespace) -> tuple[Figures, Figures | None]:
    tz = ZoneInfo(team.timezone)
    with tempfile.TemporaryDirectory(prefix="supportbot-bench-") as tmp:
        workdir = Path(tmp)
        _generate(team, workdir / "supportbot.db", day_window(yesterday, tz).end, never_resolved, args)
        db = open_db(workdir / "supportbot.db")
        try:
            open_now = db.execute("SELECT count(*) FROM escalations WHERE status = 'open'").fetchone()[0]
            timings = _time_reports(db, team, yesterday, args.runs)
        finally:
            db.close()
        rss, answers = peak_rss_mb(workdir)
        on_postgres = _on_postgres(team, yesterday, workdir / "supportbot.db", args) if args.db else None
    return Figures(open_now, timings, rss, answers), on_postgres


def _on_postgres(team: TeamConfig, yesterday, source: Path, args: argparse.Namespace) -> Figures:
    with scratch_database(args.db) as url:
        prepare_database(url)
        started = time.monotonic()
        copy_database(str(source), str(inbox_path(source)), url, lambda copied: None)
        print(f"copied to PostgreSQL in {time.monotonic() - started:.0f} s")
        db = open_db(url)
        try:
            open_now = db.execute("SELECT count(*) FROM escalations WHERE status = 'open'").fetchone()[0]
            return Figures(open_now, _time_reports(db, team, yesterday, args.runs), None, [])
        finally:
            db.close()


def _generate(team: TeamConfig, path: Path, end: datetime, never_resolved: float, args: argparse.Namespace) -> None:
    started = time.monotonic()
    writer = HistoryWriter(team, end, never_resolved)
    rows = writer.write(path, args.escalations, args.csat, statistics=not args.without_statistics)
    counts = ", ".join(f"{n:,} {table}" for table, n in rows.items())
    print(f"generated in {time.monotonic() - started:.0f} s: {counts}; {path.stat().st_size / 2**20:.0f} MB,"
          f" the year ending {to_text(end)}\n")


def _time_reports(db, team: TeamConfig, yesterday, runs: int) -> dict[str, float]:
    """Median milliseconds per report, each warmed up once first."""
    tz = ZoneInfo(team.timezone)
    day = day_window(yesterday, tz)
    shift = team.reports.shifts[0]
    shift_window = latest_ended_window(shift, day.end, tz)

    def baseline() -> int:
        sql = "SELECT count(*) FROM escalations WHERE created_at >= ? AND created_at < ?"
        return db.execute(sql, [to_text(day.start), to_text(day.end)]).fetchone()[0]

    def digest() -> list[dict]:
        daily_series(db, yesterday, tz)
        return render_digest(digest_figures(db, day, tz), team, digest_title(yesterday), day.end)

    def summary():
        return render_shift_summary(shift_summary(db, shift.name, shift_window, day.end), team)

    def open_list() -> list[dict]:
        return render_list(open_page(db, "open", ASKER, day.end), team)

    def lead_home() -> dict:
        return build_home(db, team, day.end, ASKER, LEAD_ROLES, WORKSPACE_URL)

    def agent_home() -> dict:
        return build_home(db, team, day.end, AGENT, AGENT_ROLES, WORKSPACE_URL)

    jobs = {"baseline": baseline, "digest": digest, "summary": summary, "list": open_list,
            "lead_home": lead_home, "agent_home": agent_home}
    return {name: _median_ms(job, runs) for name, job in jobs.items()}


def _median_ms(job: Callable[[], object], runs: int) -> float:
    job()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


@dataclass(frozen=True)
class Figures:
    open_now: int
    timings: dict[str, float]
    rss: float | None
    answers: list[str]


def _report(figures: Figures, usual: Figures | None) -> None:
    """One year's table; with `usual`, each figure also as a multiple of the usual backlog's."""
    base = figures.timings["baseline"]
    print(f"open escalations: {figures.open_now:,}")
    print(f"baseline: SELECT count(*) of yesterday's escalations   {base:8.2f} ms")
    print("\nfigure                                     median     × baseline   target" + ("       × usual" if usual else ""))
    labels = {"digest": "daily digest for yesterday", "summary": "shift summary", "list": "/esc list open (a page)",
              "lead_home": "App Home of a lead", "agent_home": "App Home of an agent"}
    for name, label in labels.items():
        took, target = figures.timings[name], TARGETS_MS[name]
        versus = f"   {took / usual.timings[name]:8.1f}×" if usual else ""
        print(f"{label:<40}  {took:8.1f} ms  {took / base:10.0f}×   < {target} ms -> {_verdict(took < target)}{versus}")
    if figures.rss is None:
        print()
        return
    versus = f"   {figures.rss / usual.rss:8.1f}×" if usual else ""
    print(f"{'bot peak RSS (VmHWM)':<40}  {figures.rss:8.1f} MB  {'':>11}   < {TARGET_RSS_MB} MB"
          f" -> {_verdict(figures.rss < TARGET_RSS_MB)}{versus}")
    print("\nthe bot answered: " + " | ".join(figures.answers) + "\n")


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--escalations", type=int, default=500_000, help="escalations in the year (default 500000)")
    parser.add_argument("--csat", type=int, default=100_000, help="CSAT answers (default 100000)")
    parser.add_argument("--never-resolved", type=float, nargs="+", default=[NEVER_RESOLVED, STRESS_NEVER_RESOLVED],
                        help="share of escalations left open for good, one year per share"
                             f" (default {NEVER_RESOLVED} {STRESS_NEVER_RESOLVED}: the usual backlog, then a team far behind)")
    parser.add_argument("--without-statistics", action="store_true",
                        help="skip ANALYZE after generating, leaving SQLite's planner to its defaults")
    add_db_argument(parser, "time the reports (the year copied by `supportbot db copy`)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each report, after one warm-up (default 7)")
    args = parser.parse_args(argv)
    if args.escalations < 1 or args.csat < 0 or args.runs < 1 or not all(0 <= share < 0.9 for share in args.never_resolved):
        parser.error("--escalations and --runs must be at least 1, --csat not negative, --never-resolved in [0, 0.9)")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
