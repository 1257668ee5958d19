"""Two things the demo's people see later, as Slack shows them: the CSAT survey Ana gets by direct
message once her case is resolved, and the reminder a line gets when nobody takes a case in time
(the reminder job run on a clock two hours ahead, the channel read at that moment)."""

from datetime import timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.channels import resolve_channels
from bot.config import load_team_config
from bot.slack_client import make_client
from commands.csat import ids
from commands.deps import Deps, utc_now
from jobs.sla_reminders import send_due_reminders
from standin import DateReader, SlackDriver, SlackStandIn
from storage.db import Store

ANA_DM = "D0AGENT1"
FRONTLINE = "C0SUPL1"
LATER = timedelta(hours=2, minutes=1)  # past the P3 take deadline of ESC-2, raised at the start


def play_survey(slack: SlackStandIn, driver: SlackDriver, out: TextIO) -> None:
    print(f"\n━━━━━━━━ Ana's direct messages with supportbot ━━━━━━━━\n{slack.transcript(ANA_DM)}", file=out)
    print("▶ Ana clicks 5", file=out)
    driver.block_action(ids.ACTION_SCORES[4], "1", user="U0AGENT1", channel=ANA_DM)
    slack.wait_idle(quiet=0.2)
    print(slack.transcript(ANA_DM), file=out)


def play_reminder(slack: SlackStandIn, db_path: Path, config: Path, out: TextIO) -> None:
    client = make_client(slack.bot_token, slack.api_url)
    team = resolve_channels(client, load_team_config(config))
    later = utc_now() + LATER
    print("\n▶ Two hours later nobody has taken ESC-2: the bot reminds #support-l1 in the thread of its card", file=out)
    send_due_reminders(client, Deps(store=Store(db_path), team=team, clock=lambda: later))
    slack.wait_idle(quiet=0.2)
    reader = DateReader(ZoneInfo(team.timezone), later)
    card = next(m for m in slack.messages(FRONTLINE) if "ESC-2 ·" in repr(m.get("blocks")) and not m.get("parent_user_id"))
    print(f"\n━━━━━━━━ #support-l1, two hours later ━━━━━━━━\n{slack.thread_transcript(FRONTLINE, card['ts'], reader)}",
          file=out)
