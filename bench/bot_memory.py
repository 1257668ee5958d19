"""The real bot's peak resident memory over a given database, after it has answered the heavy commands."""

from __future__ import annotations

import shutil
from pathlib import Path

from standin import SlackDriver, SlackStandIn
from standin.bot_process import bot_env, child_pids, spawn_bot, stop_process, wait_healthy

from slack_workspace import SIGNING_SECRET

REPO = Path(__file__).resolve().parent.parent
LEAD = "U0LEAD1"
COMMANDS = (("/esc", "list open"), ("/digest", "yesterday"))
ANSWER_TIMEOUT = 60.0


def peak_rss_mb(workdir: Path) -> tuple[float, list[str]]:
    """VmHWM of `python -m bot run` (HTTP mode) over `workdir`/supportbot.db, plus its HTTP front's
    own memory, once it has answered
    `/esc list open` and `/digest yesterday`; and the first line of each answer's text."""
    config = workdir / "app.yaml"
    shutil.copyfile(REPO / "app.yaml", config)
    with SlackStandIn(signing_secret=SIGNING_SECRET) as slack:
        env = bot_env(api_url=slack.api_url, bot_token=slack.bot_token, signing_secret=SIGNING_SECRET,
                      workdir=workdir, config=config, SLACK_APP_TOKEN="")
        bot = spawn_bot(env, workdir, workdir / "bot.log")
        try:
            wait_healthy(bot, int(env["PORT"]), workdir / "bot.log", timeout=120)
            driver = SlackDriver(f"http://127.0.0.1:{env['PORT']}/slack/events", SIGNING_SECRET, slack,
                                 timeout=ANSWER_TIMEOUT)
            for command, text in COMMANDS:
                driver.command(text, command=command, user=LEAD)
            answers = slack.wait_for_response(count=len(COMMANDS), timeout=ANSWER_TIMEOUT)
            rss_kb = _vm_hwm_kb(bot.pid) + sum(_private_kb(child) for child in child_pids(bot.pid))
            return rss_kb / 1024, [str(answer["body"].get("text", "")).splitlines()[0] for answer in answers]
        finally:
            stop_process(bot)


def _private_kb(pid: int) -> int:
    """What a child (the HTTP front, forked from the bot) holds of its own: the pages it shares
    with the bot are counted once, in the bot's figure."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    return sum(int(line.split()[1]) for line in rollup if line.startswith(("Private_Clean:", "Private_Dirty:")))


def _vm_hwm_kb(pid: int) -> int:
    """The process's peak resident set so far, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")
