"""Starting, checking and stopping the servers under test, and reading what their logs say went wrong."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from slack_workspace import SIGNING_SECRET

REPO = Path(__file__).resolve().parent.parent
SERVER_THREADS = 16  # bot.http_server.make_server's default, used by the bot and the bare app alike
HEALTH_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_bot(api_url: str, bot_token: str, workdir: Path, port: int) -> subprocess.Popen:
    """`python -m bot run` in HTTP mode, with the repository's app.yaml and a fresh database in `workdir`."""
    config = workdir / "app.yaml"
    shutil.copyfile(REPO / "app.yaml", config)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "SUPPORTBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=bot_token,
        SLACK_APP_TOKEN="",  # set and empty, so no .env file can switch the bot to Socket Mode
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        SUPPORTBOT_DB=str(workdir / "supportbot.db"),
        SUPPORTBOT_CONFIG=str(config),
        PORT=str(port),
    )
    return spawn([sys.executable, "-m", "bot", "run"], workdir / "bot.log", env=env, cwd=workdir)


def spawn(command: list[str], log_path: Path, **options) -> subprocess.Popen:
    """Start a process whose output goes to `log_path`."""
    with open(log_path, "w") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)


def wait_healthy(process: subprocess.Popen, port: int, log_path: Path) -> None:
    """Until the server answers GET /healthz; RuntimeError, with its log, if it exits or takes too long."""
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log_path.stem} exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{log_path.stem} was not healthy after {HEALTH_TIMEOUT:.0f}s:\n{log_path.read_text()}")


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def logged_exceptions(log_path: Path) -> Counter[str]:
    """The last line of every traceback in a log, e.g. "sqlite3.OperationalError: database is locked"."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return Counter(re.findall(r"^\w[\w.]*(?:Error|Exception)\b.*$", text, flags=re.MULTILINE))
