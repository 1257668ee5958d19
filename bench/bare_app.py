"""The baseline: a Bolt app whose `/esc` listener only calls ack(), on the bot's kind of server.

It acks in the request thread (`process_before_response`), as the bot does: with Bolt's default
the request thread polls for the ack every 10 ms, which would flatter the bot at a steady rate.

Run as a script (`bare_app.py PORT API_URL BOT_TOKEN`), this file is that app's process. Its client
points at the stand-in because Bolt calls auth.test on the first request.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from slack_bolt import App
from slack_sdk import WebClient

from bot.http_server import make_server, make_wsgi_app
from standin.bot_process import spawn
from servers_under_test import SERVER_THREADS
from slack_workspace import SIGNING_SECRET


def start_bare_app(api_url: str, bot_token: str, workdir: Path, port: int) -> subprocess.Popen:
    command = [sys.executable, str(Path(__file__).resolve()), str(port), api_url, bot_token]
    return spawn(command, workdir / "bare.log", cwd=workdir)


def serve_bare_app(port: int, api_url: str, bot_token: str) -> None:
    logging.basicConfig(level=logging.WARNING)
    app = App(signing_secret=SIGNING_SECRET, client=WebClient(token=bot_token, base_url=api_url),
              token_verification_enabled=False, process_before_response=True)
    app.command("/esc")(lambda ack: ack())
    server = make_server(make_wsgi_app(app, lambda: None), host="127.0.0.1", port=port, threads=SERVER_THREADS)
    print(f"listening on port {server.effective_port}", flush=True)  # what wait_healthy looks for, as the bot says it
    server.run()


if __name__ == "__main__":
    serve_bare_app(int(sys.argv[1]), sys.argv[2], sys.argv[3])
