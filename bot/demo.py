"""`supportbot demo`: the whole escalation life cycle against the local Slack stand-in.

No Slack account needed: the bot runs for real in HTTP mode on 127.0.0.1, the stand-in plays
Slack, and a short script of people raises, takes, escalates, acknowledges in the engineering
thread (with a reply mirrored back to the asker) and resolves; someone is refused. Channels are
shown as a person in the team's time zone reads them, dates included.
"""

import tempfile
import threading
from pathlib import Path
from typing import Callable, TextIO
from zoneinfo import ZoneInfo

from bot.config import Settings, load_team_config
from bot.demo_follow_up import play_reminder, play_survey
from bot.demo_home import play_homes
from bot.demo_incident import play_incident
from bot.demo_reports import play_reports
from bot.runner import prepare, serve_http
from standin import SlackDriver, SlackStandIn, form_values, selected_option
from commands.esc import ids

DEMO_CONFIG = Path(__file__).with_name("demo_app.yaml")
CHANNELS = {"C0HELP": "#help", "C0SUPL1": "#support-l1", "C0SUPL2": "#support-l2", "C0ENGESC": "#eng-escalations"}


def play(out: TextIO) -> int:
    with tempfile.TemporaryDirectory() as workdir, SlackStandIn() as slack:
        slack.read_dates_in(ZoneInfo(load_team_config(DEMO_CONFIG).timezone))
        server, prepared = _start_bot(slack, Path(workdir) / "demo.db")
        try:
            driver = SlackDriver(f"http://127.0.0.1:{server.effective_port}/slack/events", slack.signing_secret, slack)
            _script(slack, driver, lambda line: print(line, file=out))
            _show_channels(slack, out)
            play_survey(slack, driver, out)
            play_incident(slack, driver, out)
            play_reports(slack, Path(workdir) / "demo.db", DEMO_CONFIG, out)
            play_reminder(slack, Path(workdir) / "demo.db", out)
            play_homes(slack, driver, out)
        finally:
            server.close()
            prepared.stop()
    return 0


def _start_bot(slack: SlackStandIn, db_path: Path):
    settings = Settings(bot_token=slack.bot_token, app_token=None, signing_secret=slack.signing_secret,
                        api_url=slack.api_url, port=0, database=str(db_path), config_path=DEMO_CONFIG,
                        team=load_team_config(DEMO_CONFIG))
    prepared = prepare(settings)
    server = serve_http(prepared.app, prepared.readiness, port=0, host="127.0.0.1")
    threading.Thread(target=server.run, daemon=True).start()
    return server, prepared


def _script(slack: SlackStandIn, driver: SlackDriver, say: Callable[[str], None]) -> None:
    def step(narration: str, action: Callable[[], object]) -> None:
        say(f"▶ {narration}")
        action()
        slack.wait_idle(quiet=0.2)

    step("Ana types `/esc new P2 Checkout fails for EU cards` in #help",
         lambda: driver.command("new P2 Checkout fails for EU cards", user="U0AGENT1", channel="C0HELP"))
    login = slack.post_user_message("C0HELP", "ACME says login loops on the mobile app since 10:00", user="U0AGENT2")
    step("Bo posts about a login loop in #help and Ana reacts with :sos:",
         lambda: driver.reaction_added("C0HELP", login, user="U0AGENT1"))
    refund = slack.post_user_message("C0HELP", "Refund for order 4411 never arrived", user="U0AGENT2")
    step("Sam uses the “Escalate message” shortcut on a refund question",
         lambda: driver.message_shortcut(ids.SHORTCUT_ESCALATE_MESSAGE, channel="C0HELP", message_ts=refund, user="U0SPEC1"))
    step("…and submits the form as P3 on line 2, category billing",
         lambda: driver.view_submission(None, _form("Refund for order 4411 never arrived"), user="U0SPEC1"))
    step("Ana clicks Take on ESC-1 in #support-l1",
         lambda: driver.block_action(ids.ACTION_TAKE, "1:1", user="U0AGENT1", channel="C0SUPL1"))
    step("Ana: `/esc up ESC-1 needs a payments specialist`",
         lambda: driver.command("up ESC-1 needs a payments specialist", user="U0AGENT1", channel="C0SUPL1"))
    step("Sam clicks Take on ESC-1 in #support-l2",
         lambda: driver.block_action(ids.ACTION_TAKE, "1:2", user="U0SPEC1", channel="C0SUPL2"))
    step("Sam clicks Escalate to L3 on his card",
         lambda: driver.block_action(ids.ACTION_ESCALATE, "1:2:U0SPEC1", user="U0SPEC1", channel="C0SUPL2"))
    step("…and gives the reason in its form: it needs engineering",
         lambda: driver.view_submission(None, form_values({f"{ids.BLOCK_REASON}/{ids.INPUT_REASON}": "BIN lookup fails"}),
                                        user="U0SPEC1"))
    step("Eli replies “ack, checking the BIN table” in the thread of the card in #eng-escalations",
         lambda: driver.user_message("C0ENGESC", "ack, checking the BIN table", user="U0ENG1",
                                     thread_ts=_newest_card(slack, "C0ENGESC")))
    step("Eva replies in that thread; the bot mirrors it to the asker's thread in #help",
         lambda: driver.user_message("C0ENGESC", "Found it: the new Visa ranges are missing from the BIN table <!channel>",
                                     user="U0ENG2", thread_ts=_newest_card(slack, "C0ENGESC")))
    step("Eli: `/esc resolve ESC-1 card BIN table fixed in 4.2.1`",
         lambda: driver.command("resolve ESC-1 card BIN table fixed in 4.2.1", user="U0ENG1", channel="C0ENGESC"))
    step("Bo: `/esc take ESC-1`, not knowing Eli resolved it (only Bo sees the answer)",
         lambda: driver.command("take ESC-1", user="U0AGENT2", channel="C0HELP"))
    step("Ana: `/esc list` (only Ana sees the answer)",
         lambda: driver.command("list", user="U0AGENT1", channel="C0HELP"))


def _newest_card(slack: SlackStandIn, channel: str) -> str:
    return [m for m in slack.messages(channel) if m.get("bot_id") and m.get("blocks")][-1]["ts"]


def _form(summary: str) -> dict:
    return form_values({
        f"{ids.BLOCK_SUMMARY}/{ids.INPUT_SUMMARY}": summary,
        f"{ids.BLOCK_PRIORITY}/{ids.INPUT_PRIORITY}": selected_option("P3"),
        f"{ids.BLOCK_LINE}/{ids.INPUT_LINE}": selected_option("L2"),
        f"{ids.BLOCK_CATEGORY}/{ids.INPUT_CATEGORY}": selected_option("billing"),
    })


def _show_channels(slack: SlackStandIn, out: TextIO) -> None:
    for channel, name in CHANNELS.items():
        print(f"\n━━━━━━━━ {name} ━━━━━━━━\n{slack.transcript(channel)}", file=out)
    refusal, listing = (response["body"] for response in slack.responses[-2:])
    print("\n━━━━━━━━ what only Bo saw after /esc take ESC-1 ━━━━━━━━", file=out)
    print(slack.transcript_of_blocks(refusal.get("blocks", [])) if refusal.get("blocks") else refusal["text"], file=out)
    print("\n━━━━━━━━ what only Ana saw after /esc list ━━━━━━━━", file=out)
    print(slack.transcript_of_blocks(listing.get("blocks", [])), file=out)
