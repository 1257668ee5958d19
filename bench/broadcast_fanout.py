"""Broadcast fan-out: an incident notice to 20 channels, with Slack's one post per second per
channel enforced by the stand-in, then again with 10% of the posts answered 429.

What it measures
    The real bot (`python -m bot run`, HTTP mode) and the stand-in in this process. A lead drafts
    `/incident draft`, writes the notice in the card's thread and submits the broadcast form
    for N channels. Wall time runs from the form's submission until every channel has its copy.
    "lost" counts channels without a copy, "doubled" channels with more than one.
    Baseline: one chat.postMessage from a bare slack_sdk client to the same stand-in.

Targets (printed, not enforced): under 3 s without faults; nothing lost or doubled, faults or not.

Usage
    python bench/broadcast_fanout.py [--channels 20] [--faults 0.1]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bot.slack_client import make_client
from standin import SlackDriver, SlackStandIn, form_values, selected_option
from standin.bot_process import bot_env, spawn_bot, stop_process, wait_healthy
from commands.incident import ids

REPO = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
LEAD, HELP = "U0LEAD1", "C0HELP"
TIMEOUT = 60.0


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="supportbot-bench-") as tmp, SlackStandIn(signing_secret=SECRET) as slack:
        workdir = Path(tmp)
        shutil.copyfile(REPO / "app.yaml", workdir / "app.yaml")
        env = bot_env(api_url=slack.api_url, bot_token=slack.bot_token, signing_secret=SECRET, workdir=workdir,
                      config=workdir / "app.yaml", SLACK_APP_TOKEN="")
        bot = spawn_bot(env, workdir, workdir / "bot.log")
        try:
            wait_healthy(bot, int(env["PORT"]), workdir / "bot.log")
            driver = SlackDriver(f"http://127.0.0.1:{env['PORT']}/slack/events", SECRET, slack)
            slack.limit_posts_per_channel(1.0)
            baseline = _one_post(slack)
            db_path = Path(env["SUPPORTBOT_DB"])
            clean = _broadcast(slack, driver, db_path, args.channels, "clean", incident_id=1)
            slack.fail_randomly(args.faults, seed=9, methods={"chat.postMessage"}, rate_limits_only=True)
            faulty = _broadcast(slack, driver, db_path, args.channels, "faulty", incident_id=2)
        finally:
            stop_process(bot)
    _report(args, baseline, clean, faulty)
    return 0 if not any(result["lost"] or result["doubled"] for result in (clean, faulty)) else 1


def _one_post(slack: SlackStandIn) -> float:
    client = make_client(slack.bot_token, slack.api_url)
    channel = slack.add_channel("baseline")
    started = time.monotonic()
    client.chat_postMessage(channel=channel, text="one post")
    return time.monotonic() - started


def _broadcast(slack: SlackStandIn, driver: SlackDriver, db_path: Path, count: int, label: str,
               incident_id: int) -> dict:
    channels = [slack.add_channel(f"{label}-{n:02d}") for n in range(count)]
    driver.command(f"draft Payments delayed ({label})", command=ids.COMMAND, user=LEAD, channel=HELP)
    card_ts = _wait(lambda: _card_of(slack, f"INC-{incident_id}"))
    reply_ts, _ = driver.user_message(HELP, "Card payments are delayed in every region. We are on it.", user=LEAD,
                                      thread_ts=card_ts)
    _wait(lambda: _draft_recorded(db_path, reply_ts))
    value = next(e["value"] for b in slack.message(HELP, card_ts)["blocks"] if b["type"] == "actions"
                 for e in b["elements"] if e["action_id"] == ids.ACTION_BROADCAST)
    opened = len(slack.calls_to("views.open"))
    driver.block_action(ids.ACTION_BROADCAST, value, user=LEAD, channel=HELP, message_ts=card_ts)
    slack.wait_for("views.open", count=opened + 1, timeout=TIMEOUT)
    started = time.monotonic()
    driver.view_submission(slack.last_view(ids.MODAL_BROADCAST), _plan(channels), user=LEAD)
    _wait(lambda: all(_copies(slack, channel) for channel in channels))
    took = time.monotonic() - started
    slack.wait_idle(quiet=1.5, timeout=TIMEOUT)
    counts = [len(_copies(slack, channel)) for channel in channels]
    answered_429 = sum(1 for call in slack.calls_to("chat.postMessage")
                       if call.status == 429 and call.args.get("channel") in channels)
    return {"took": took, "lost": counts.count(0), "doubled": sum(n > 1 for n in counts), "429": answered_429}


def _draft_recorded(db_path: Path, reply_ts: str) -> bool:
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT 1 FROM incident_revisions WHERE ts = ?", [reply_ts]).fetchone() is not None


def _plan(channels: list[str]) -> dict:
    return form_values({
        f"{ids.BLOCK_CHANNELS}/{ids.INPUT_CHANNELS}": {"type": "multi_conversations_select",
                                                       "selected_conversations": channels},
        f"{ids.BLOCK_SEVERITY}/{ids.INPUT_SEVERITY}": selected_option("SEV2"),
        f"{ids.BLOCK_NOTIFY}/{ids.INPUT_NOTIFY}": {"type": "checkboxes", "selected_options": []},
        f"{ids.BLOCK_SCHEDULE}/{ids.INPUT_SCHEDULE}": {"type": "datetimepicker", "selected_date_time": None},
    })


def _card_of(slack: SlackStandIn, key: str) -> str | None:
    return next((m["ts"] for m in slack.messages(HELP) if m.get("bot_id") and key in m.get("text", "")
                 and not m.get("thread_ts")), None)


def _copies(slack: SlackStandIn, channel: str) -> list[dict]:
    return [m for m in slack.messages(channel) if m.get("bot_id") and not m.get("thread_ts")]


def _wait(check, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise RuntimeError("the bot did not finish the broadcast in time")


def _report(args: argparse.Namespace, baseline: float, clean: dict, faulty: dict) -> None:
    print(f"broadcast of one incident notice to {args.channels} channels; the stand-in allows one post per second per channel")
    print(f"baseline: one chat.postMessage from a bare slack_sdk client: {baseline * 1000:.1f} ms\n")
    print("run                           wall time   × one post   lost   doubled   429s answered")
    for name, result in (("no faults", clean), (f"{args.faults:.0%} of posts answered 429", faulty)):
        print(f"{name:<28}  {result['took']:>7.2f} s   {result['took'] / baseline:>9.0f}×   {result['lost']:>4}"
              f"   {result['doubled']:>7}   {result['429']:>13}")
    verdict = "met" if clean["took"] < 3 else "NOT met"
    print(f"\ntarget: under 3 s without faults -> {verdict}; "
          f"nothing lost or doubled -> {'met' if not any(r['lost'] or r['doubled'] for r in (clean, faulty)) else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=20, help="channels to broadcast to (default 20)")
    parser.add_argument("--faults", type=float, default=0.1, help="share of posts answered 429 in the second run")
    args = parser.parse_args(argv)
    if args.channels < 1 or not 0 <= args.faults < 1:
        parser.error("--channels must be at least 1 and --faults in [0, 1)")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
