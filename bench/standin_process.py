"""The Slack stand-in the bot talks to, and the few questions the benchmark asks it.

By default the stand-in runs in a child process (this file, run as a script), so its HTTP
threads do not compete with the load generator's senders for one GIL. The child greets with
one JSON line, {"api_url": …, "bot_token": …}, then answers each JSON line on its stdin,
{"ask": "<question>", "args": […]}, with one JSON line on its stdout; it stops at the end of its
input. The questions are the public methods of StandInQueries. With `--standin inline` the same
questions are answered in the load generator's process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from standin import SlackStandIn

from standin.bot_process import stop_process
from slack_workspace import CARD_CHANNELS, ORIGIN_CHANNEL, REQUESTER, SIGNING_SECRET

IDLE_QUIET = 1.0  # seconds without a Slack call or response_url post that mean the bot is done
IDLE_TIMEOUT = 30.0


class StandInQueries:
    """The questions, answered from a running stand-in."""

    def __init__(self, standin: SlackStandIn) -> None:
        self._standin = standin

    def response_urls(self, count: int) -> list[str]:
        """Fresh response_urls for commands typed in #help by the requester."""
        return [self._standin.new_response_url(channel=ORIGIN_CHANNEL[0], user=REQUESTER[0]) for _ in range(count)]

    def cards(self, start: int) -> tuple[list[tuple[str, str, float]], int]:
        """(channel, text, time received) of each chat.postMessage to a card channel that Slack accepted,
        among the Web API calls from number `start` on; and the number to start from next time.
        Asking only for what is new keeps a long benchmark's polling from loading the stand-in."""
        channels = {channel for channel, _ in CARD_CHANNELS}
        calls = self._standin.calls
        cards = [(call.args["channel"], str(call.args.get("text", "")), call.at) for call in calls[start:]
                 if call.method == "chat.postMessage" and call.args.get("channel") in channels and not call.failed]
        return cards, len(calls)

    def response_posts(self) -> list[tuple[str, str]]:
        """(response_url, text) of every post to a response_url."""
        return [(post["url"], str(post["body"].get("text", ""))) for post in self._standin.responses]

    def wait_idle(self) -> None:
        """Until the bot has not called Slack for a moment (its work after the acks is done), or the timeout."""
        with suppress(TimeoutError):  # what arrived by then is what gets counted
            self._standin.wait_idle(quiet=IDLE_QUIET, timeout=IDLE_TIMEOUT)


class InlineStandIn(StandInQueries):
    """The stand-in in this process: its HTTP threads share the GIL with the senders."""

    where = "in the load generator's process"

    def __init__(self) -> None:
        super().__init__(SlackStandIn(signing_secret=SIGNING_SECRET).start())
        self.api_url, self.bot_token, self.pid = self._standin.api_url, self._standin.bot_token, os.getpid()

    def close(self) -> None:
        self._standin.stop()


class StandInProcess:
    """The stand-in in a child process, asked over its stdin."""

    where = "in its own process"

    def __init__(self, log_path: Path) -> None:
        self._log = open(log_path, "w")
        self._process = subprocess.Popen([sys.executable, str(Path(__file__).resolve())], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._log, text=True)
        self.pid = self._process.pid
        greeting = self._read()
        self.api_url, self.bot_token = greeting["api_url"], greeting["bot_token"]

    def response_urls(self, count: int) -> list[str]:
        return self._ask("response_urls", count)

    def cards(self, start: int) -> tuple[list[tuple[str, str, float]], int]:
        cards, next_start = self._ask("cards", start)  # JSON turns the pair into a list
        return cards, next_start

    def response_posts(self) -> list[tuple[str, str]]:
        return self._ask("response_posts")

    def wait_idle(self) -> None:
        self._ask("wait_idle")

    def close(self) -> None:
        if self._process.stdin and not self._process.stdin.closed:
            self._process.stdin.close()  # end of input tells the child to stop
        stop_process(self._process)
        self._log.close()

    def _ask(self, question: str, *args):
        self._process.stdin.write(json.dumps({"ask": question, "args": args}) + "\n")
        self._process.stdin.flush()
        return self._read()

    def _read(self):
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the stand-in process exited with {self._process.poll()}")
        return json.loads(line)


StandIn = InlineStandIn | StandInProcess


def serve_standin() -> None:
    """The child process: run the stand-in and answer one question per stdin line until end of input."""
    with SlackStandIn(signing_secret=SIGNING_SECRET) as standin:
        queries = StandInQueries(standin)
        _reply({"api_url": standin.api_url, "bot_token": standin.bot_token})
        for line in sys.stdin:
            request = json.loads(line)
            _reply(getattr(queries, request["ask"])(*request["args"]))


def _reply(payload) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    serve_standin()
