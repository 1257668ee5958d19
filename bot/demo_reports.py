"""The demo's reports scene: two weeks of history, then a shift summary and a digest showing its chart.

History is written through the core with an injected clock, as if the team had used the bot
for two weeks; the chart then has something to show. The stand-in keeps the uploaded chart,
and the demo saves it next to the system's temporary files.
"""

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.channels import resolve_channels
from bot.config import load_team_config
from bot.slack_client import make_client
from standin import SlackStandIn
from bot.deps import Deps
from jobs.report_jobs import post_digest_once, post_shift_once
from jobs.report_rows import post_now
from storage import escalations as core
from storage.csat_import import import_csat_csv
from storage.db import Store
from storage.model import NewEscalation, Source
from storage.periods import local_day, shift_on_duty

HISTORY_DAYS = 13
STILL_OPEN = {(9, 2), (4, 1)}  # (days back, case of the day): two old cases nobody closed
LEADS = "C0LEADS"


def play_reports(slack: SlackStandIn, db_path: Path, config: Path, out: TextIO) -> None:
    client = make_client(slack.bot_token, slack.api_url)
    deps = Deps(store=Store(db_path), team=resolve_channels(client, load_team_config(config)))
    say = lambda line: print(f"▶ {line}", file=out)  # noqa: E731 - one narrator for the scene
    say("Two weeks of history, and the helpdesk's CSAT export loaded with `supportbot csat import`")
    _history(deps)
    tz = ZoneInfo(deps.team.timezone)
    on_duty = shift_on_duty(deps.team.reports.shifts, deps.clock(), tz)
    say(f"The {on_duty.shift.name} shift's summary so far (`supportbot jobs run shift-summaries --for {on_duty.shift.name}`)")
    post_now(client, deps, lambda: post_shift_once(deps, on_duty.window))
    say("Today's digest showing its chart (`supportbot jobs run daily-digest`; the schedule posts yesterday's at 09:00)")
    post_now(client, deps, lambda: post_digest_once(deps, local_day(deps.clock(), tz)))
    print(f"\n━━━━━━━━ #support-leads ━━━━━━━━\n{slack.transcript(LEADS)}", file=out)
    print(f"\nThe digest's chart is saved at {_save_chart(slack)}", file=out)


def _history(deps: Deps) -> None:
    db, now = deps.store.db(), deps.clock()
    rows = ["reference,score,timestamp"]
    for back in range(HISTORY_DAYS, 0, -1):
        day = now - timedelta(days=back)
        for n in range(3 + (back * 7) % 5):
            _raised_and_resolved(db, day + timedelta(minutes=20 * n), resolve=(back, n) not in STILL_OPEN, key=f"demo:{back}:{n}")
        rows += [f"ZD-{back}{n},{3 + (back + n) % 3},{(day + timedelta(hours=n)).isoformat()}" for n in range(2)]
    import_csat_csv(db, now, "\n".join(rows), ZoneInfo(deps.team.timezone))


def _raised_and_resolved(db, when, resolve: bool, key: str) -> None:
    new = NewEscalation(summary="Earlier case", requester="U0AGENT2", channel="C0HELP", source=Source.COMMAND,
                        category="billing" if key.endswith("0") else "login")
    esc = core.raise_escalation(db, when, new, key).escalation
    if resolve:
        core.resolve(db, when + timedelta(hours=2), esc.id, "U0AGENT1", None, key + ":resolved")


def _save_chart(slack: SlackStandIn) -> Path:
    chart = slack.completed_uploads()[-1]
    path = Path(tempfile.gettempdir()) / "supportbot-demo-digest-chart.png"
    path.write_bytes(chart.data)
    return path
