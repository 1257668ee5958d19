"""Starting, checking and stopping the servers under test, and reading what their logs say went wrong."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from slack_workspace import SIGNING_SECRET

from standin.bot_process import bot_env, spawn_bot

REPO = Path(__file__).resolve().parent.parent
SERVER_THREADS = 16  # bot.http_server.make_server's default, used by the bot and the bare app alike


def start_bot(api_url: str, bot_token: str, workdir: Path, database: str | None = None) -> tuple[subprocess.Popen, int]:
    """`python -m bot run` in HTTP mode, with the repository's app.yaml and a fresh database: a file
    in `workdir`, or the empty PostgreSQL database `database` names."""
    config = workdir / "app.yaml"
    shutil.copyfile(REPO / "app.yaml", config)
    env = bot_env(api_url=api_url, bot_token=bot_token, signing_secret=SIGNING_SECRET, workdir=workdir, config=config,
                  SLACK_APP_TOKEN="",  # set and empty, so no .env file can switch the bot to Socket Mode
                  **({"SUPPORTBOT_DB": database} if database else {}))
    return spawn_bot(env, workdir, workdir / "bot.log"), int(env["PORT"])


def logged_exceptions(log_path: Path) -> Counter[str]:
    """The last line of every traceback in a log, e.g. "sqlite3.OperationalError: database is locked"."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return Counter(re.findall(r"^\w[\w.]*(?:Error|Exception)\b.*$", text, flags=re.MULTILINE))
