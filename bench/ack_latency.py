"""How fast supportbot acknowledges `/esc new` over HTTP, and how fast the card follows.

What it measures
    The real bot (`python -m bot run`, HTTP mode, waitress with 16 threads) runs as its own
    process against the local Slack stand-in. A load generator sends N signed `/esc new <token>`
    slash commands, C at a time, each worker on its own keep-alive HTTP connection, and records
    for every command:

    ack          send -> the bot's HTTP 200 (what Slack's 3-second window is about)
    card posted  send -> the stand-in receives the bot's chat.postMessage to #help whose text
                 carries the command's token (the escalation's first card)
    receipt      send -> the stand-in receives the bot's post to the command's response_url,
                 the last step of raising an escalation

    Then the same load goes to a bare Bolt app on the same kind of server (waitress, 16 threads)
    whose `/esc` listener only calls ack(): what Bolt and waitress alone cost on this machine.

How to read it
    Latencies are p50/p95/p99 in milliseconds over the measured commands; each measured run
    follows a warm-up whose samples are discarded. "escalations/s" is N / (last card posted -
    first send). A command counts as an error when its ack is not an HTTP 200, its card never
    reaches #help, or its receipt is missing or is not the "Raised" confirmation (the bot
    answers a failure there when raising went wrong after the ack). "CPU use" is CPU time over
    wall time during the measured run, in cores: near 1.0 means a process is bound by its GIL;
    "other processes" is whatever else the machine ran meanwhile (noise, if it is large). All
    of them together cannot exceed the machine's CPU count.

    The targets are printed next to the figures; a missed target does not change the exit
    status. The script exits non-zero only if a server failed to start or commands errored.

Usage
    python bench/ack_latency.py [--requests 1000] [--concurrency 50] [--standin process|inline]

    --standin process (the default) runs the stand-in in a child process; `inline` runs it in
    the load generator's process, where it competes with the senders for the GIL.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import logging
import math
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bot.standin import SlackStandIn
from bot.standin import directory as slack_directory
from bot.standin.payloads import VERIFICATION_TOKEN, new_trigger_id

REPO = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
EVENTS_PATH = "/slack/events"
ORIGIN_CHANNEL = ("C0HELP", "help")
REQUESTER = ("U0AGENT1", "ana.agent")
SERVER_THREADS = 16  # bot.http_server.make_server's default, used by the bot and the bare app alike
WARMUP_REQUESTS = 50
HEALTH_TIMEOUT = 30.0
OUTCOME_TIMEOUT = 60.0
POLL_INTERVAL = 0.1
P99_RATIO_TARGET = 1.5
THROUGHPUT_TARGET = 200.0


# -- one slash command -----------------------------------------------------------------------------


@dataclass
class Command:
    token: str
    response_url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Sample:
    token: str
    response_url: str
    sent_at: float
    acked_at: float | None = None
    ack_error: str | None = None
    card_at: float | None = None
    receipt_at: float | None = None
    receipt_confirms: bool = False

    @property
    def acked(self) -> bool:
        return self.ack_error is None

    @property
    def raised(self) -> bool:
        """Acknowledged, card in #help and the "Raised" receipt: the whole escalation went through."""
        return self.acked and self.card_at is not None and self.receipt_confirms


def slack_signature_headers(body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def esc_new_command(token: str, response_url: str) -> Command:
    """A signed `/esc new` slash command from #help, form-encoded as Slack sends it."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": slack_directory.TEAM_ID,
        "team_domain": slack_directory.TEAM_DOMAIN,
        "channel_id": ORIGIN_CHANNEL[0],
        "channel_name": ORIGIN_CHANNEL[1],
        "user_id": REQUESTER[0],
        "user_name": REQUESTER[1],
        "command": "/esc",
        "text": f"new Checkout fails under load {token}",
        "api_app_id": slack_directory.APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": new_trigger_id(),
    }
    body = urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **slack_signature_headers(body)}
    return Command(token, response_url, body, headers)


def is_confirmation(receipt_text: str) -> bool:
    """The bot's receipt for a raised escalation, as opposed to its failure or partial-success replies."""
    return receipt_text.startswith("🆘 Raised") and "⚠️" not in receipt_text


# -- sending load ----------------------------------------------------------------------------------


def send_all(port: int, commands: list[Command], concurrency: int) -> list[Sample]:
    """Send every command with `concurrency` workers, each keeping one HTTP connection open."""
    work: queue.SimpleQueue[Command | None] = queue.SimpleQueue()
    for command in commands:
        work.put(command)
    workers = min(concurrency, len(commands))
    for _ in range(workers):
        work.put(None)
    samples: list[Sample] = []
    start_together = threading.Barrier(workers)
    threads = [threading.Thread(target=_send_from_queue, args=(port, work, samples, start_together), daemon=True)
               for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def _send_from_queue(port: int, work: queue.SimpleQueue, samples: list[Sample],
                     start_together: threading.Barrier) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()  # before the clock starts: the figures are about requests, not TCP handshakes
    start_together.wait()
    try:
        while (command := work.get()) is not None:
            sample = _send_one(connection, command)
            if not sample.acked:
                connection.close()  # http.client reconnects on the next request
            samples.append(sample)
    finally:
        connection.close()


def _send_one(connection: http.client.HTTPConnection, command: Command) -> Sample:
    sample = Sample(command.token, command.response_url, sent_at=time.time())
    try:
        connection.request("POST", EVENTS_PATH, body=command.body, headers=command.headers)
        response = connection.getresponse()
        response.read()
        sample.acked_at = time.time()
        if response.status != 200:
            sample.ack_error = f"HTTP {response.status}"
    except (OSError, http.client.HTTPException) as error:
        sample.ack_error = type(error).__name__
    return sample


# -- the Slack stand-in, here or in a child process ------------------------------------------------


def _origin_cards(standin: SlackStandIn) -> list[tuple[str, float]]:
    """(text, time received) of every successful chat.postMessage to #help."""
    return [(str(call.args.get("text", "")), call.at) for call in standin.calls_to("chat.postMessage")
            if call.args.get("channel") == ORIGIN_CHANNEL[0] and not call.failed]


def _receipts(standin: SlackStandIn) -> list[tuple[str, str, float]]:
    """(response_url, text, time received) of every post to a response_url."""
    return [(post["url"], str(post["body"].get("text", "")), post["at"]) for post in standin.responses]


def _new_response_url(standin: SlackStandIn) -> str:
    return standin.new_response_url(channel=ORIGIN_CHANNEL[0], user=REQUESTER[0])


class InlineStandIn:
    """The stand-in in this process: its HTTP threads share the GIL with the senders."""

    where = "in the load generator's process"

    def __init__(self) -> None:
        self._standin = SlackStandIn(signing_secret=SIGNING_SECRET).start()
        self.api_url, self.bot_token, self.pid = self._standin.api_url, self._standin.bot_token, os.getpid()

    def response_urls(self, count: int) -> list[str]:
        return [_new_response_url(self._standin) for _ in range(count)]

    def cards(self) -> list[tuple[str, float]]:
        return _origin_cards(self._standin)

    def receipts(self) -> list[tuple[str, str, float]]:
        return _receipts(self._standin)

    def close(self) -> None:
        self._standin.stop()


class StandInProcess:
    """The stand-in in a child process (`--serve-standin`), asked one JSON line at a time over its stdin."""

    where = "in its own process"

    def __init__(self, log_path: Path) -> None:
        self._log = open(log_path, "w")
        self._process = subprocess.Popen([sys.executable, __file__, "--serve-standin"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=self._log, text=True)
        self.pid = self._process.pid
        hello = self._read()
        self.api_url, self.bot_token = hello["api_url"], hello["bot_token"]

    def response_urls(self, count: int) -> list[str]:
        return self._ask({"response_urls": count})

    def cards(self) -> list[tuple[str, float]]:
        return [tuple(card) for card in self._ask({"cards": True})]

    def receipts(self) -> list[tuple[str, str, float]]:
        return [tuple(receipt) for receipt in self._ask({"receipts": True})]

    def close(self) -> None:
        if self._process.stdin and not self._process.stdin.closed:
            self._process.stdin.close()  # end of input tells the child to stop
        stop_process(self._process)
        self._log.close()

    def _ask(self, request: dict):
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return self._read()

    def _read(self):
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the stand-in process exited with {self._process.poll()}")
        return json.loads(line)


def serve_standin() -> None:
    """Child process: run the stand-in and answer one JSON request per stdin line until end of input."""
    with SlackStandIn(signing_secret=SIGNING_SECRET) as standin:
        _reply({"api_url": standin.api_url, "bot_token": standin.bot_token})
        for line in sys.stdin:
            request = json.loads(line)
            if "response_urls" in request:
                _reply([_new_response_url(standin) for _ in range(request["response_urls"])])
            elif "receipts" in request:
                _reply(_receipts(standin))
            else:
                _reply(_origin_cards(standin))


def _reply(payload) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


# -- servers under test ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_bot(standin, workdir: Path, port: int) -> subprocess.Popen:
    config = workdir / "app.yaml"
    shutil.copyfile(REPO / "app.yaml", config)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "SUPPORTBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_APP_TOKEN="",  # set and empty, so no .env file can switch the bot to Socket Mode
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        SUPPORTBOT_DB=str(workdir / "supportbot.db"),
        SUPPORTBOT_CONFIG=str(config),
        PORT=str(port),
    )
    return _spawn([sys.executable, "-m", "bot", "run"], workdir / "bot.log", env=env, cwd=workdir)


def start_bare_app(standin, workdir: Path, port: int) -> subprocess.Popen:
    command = [sys.executable, __file__, "--serve-bare", str(port), "--api-url", standin.api_url,
               "--bot-token", standin.bot_token]
    return _spawn(command, workdir / "bare.log", cwd=workdir)


def _spawn(command: list[str], log_path: Path, **options) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)


def serve_bare(port: int, api_url: str, bot_token: str) -> None:
    """Child process: a Bolt app whose `/esc` only acks, on the bot's kind of server.

    Its client points at the stand-in because Bolt calls auth.test on the first request."""
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.http_server import make_server, make_wsgi_app

    logging.basicConfig(level=logging.WARNING)
    app = App(signing_secret=SIGNING_SECRET, client=WebClient(token=bot_token, base_url=api_url),
              token_verification_enabled=False)
    app.command("/esc")(lambda ack: ack())
    make_server(make_wsgi_app(app), host="127.0.0.1", port=port, threads=SERVER_THREADS).run()


def wait_healthy(process: subprocess.Popen, port: int, log_path: Path) -> None:
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


# -- what the processes did ------------------------------------------------------------------------


def logged_exceptions(log_path: Path) -> Counter[str]:
    """The last line of every traceback in a log, e.g. "sqlite3.OperationalError: database is locked"."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return Counter(re.findall(r"^\w[\w.]*(?:Error|Exception)\b.*$", text, flags=re.MULTILINE))


def machine_busy_seconds() -> float:
    """CPU time all processes on this machine have used so far, summed over CPUs (Linux /proc; NaN elsewhere)."""
    try:
        ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return float("nan")
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- runs ------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    samples: list[Sample]
    cpu_cores: dict[str, float] = field(default_factory=dict)
    server_exceptions: Counter[str] = field(default_factory=Counter)

    @property
    def failed_acks(self) -> int:
        return sum(not sample.acked for sample in self.samples)

    @property
    def missing_cards(self) -> int:
        return sum(sample.acked and sample.card_at is None for sample in self.samples)

    @property
    def failed_receipts(self) -> int:
        return sum(sample.acked and not sample.receipt_confirms for sample in self.samples)

    @property
    def failed_escalations(self) -> int:
        return sum(not sample.raised for sample in self.samples)

    def ack_ms(self) -> list[float]:
        return [(s.acked_at - s.sent_at) * 1000 for s in self.samples if s.acked]

    def card_ms(self) -> list[float]:
        return [(s.card_at - s.sent_at) * 1000 for s in self.samples if s.card_at is not None]

    def receipt_ms(self) -> list[float]:
        return [(s.receipt_at - s.sent_at) * 1000 for s in self.samples if s.receipt_at is not None]

    def escalations_per_second(self) -> float:
        first_send = min(sample.sent_at for sample in self.samples)
        last_card = max((s.card_at for s in self.samples if s.card_at is not None), default=first_send)
        return len(self.samples) / (last_card - first_send) if last_card > first_send else 0.0


def commands_for(standin, label: str, count: int) -> list[Command]:
    urls = standin.response_urls(count)
    return [esc_new_command(f"bench-{label}-{index:05d}", url) for index, url in enumerate(urls)]


def attach_cards(standin, label: str, samples: list[Sample]) -> None:
    """Poll the stand-in until every acknowledged command's card is in #help, or time runs out."""
    token = re.compile(rf"\bbench-{re.escape(label)}-\d+\b")
    waiting = {sample.token: sample for sample in samples if sample.acked}
    deadline = time.monotonic() + OUTCOME_TIMEOUT
    while waiting and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)
        for text, at in standin.cards():
            match = token.search(text)
            sample = waiting.pop(match.group(0), None) if match else None
            if sample:
                sample.card_at = at


def attach_receipts(standin, samples: list[Sample]) -> None:
    """Poll the stand-in until every acknowledged command got its response_url post, or time runs out."""
    waiting = {sample.response_url: sample for sample in samples if sample.acked}
    deadline = time.monotonic() + OUTCOME_TIMEOUT
    while waiting and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)
        for url, text, at in standin.receipts():
            sample = waiting.pop(url, None)
            if sample:
                sample.receipt_at, sample.receipt_confirms = at, is_confirmation(text)


def run_load(port: int, standin, label: str, count: int, concurrency: int, follow_escalations: bool) -> list[Sample]:
    commands = commands_for(standin, label, count)  # built and signed before the clock starts
    samples = send_all(port, commands, concurrency)
    if follow_escalations:
        attach_cards(standin, label, samples)  # cards first: reading receipts costs the stand-in more
        attach_receipts(standin, samples)
    return samples


def measure(port: int, standin, name: str, args: argparse.Namespace, processes: dict[str, int],
            follow_escalations: bool) -> RunResult:
    """A warm-up, then the measured run, with the CPU each process used during it."""
    run_load(port, standin, f"{name}-warmup", WARMUP_REQUESTS, args.concurrency, follow_escalations)
    time.sleep(0.5)  # let the warm-up's last work drain
    cpu_before, machine_before, started = _cpu_snapshot(processes), machine_busy_seconds(), time.monotonic()
    samples = run_load(port, standin, name, args.requests, args.concurrency, follow_escalations)
    wall = time.monotonic() - started
    cores = {label: (used - cpu_before[label]) / wall for label, used in _cpu_snapshot(processes).items()}
    cores["other processes"] = max(0.0, (machine_busy_seconds() - machine_before) / wall - sum(cores.values()))
    return RunResult(samples, cores)


def _cpu_snapshot(processes: dict[str, int]) -> dict[str, float]:
    return {label: cpu_seconds(pid) for label, pid in processes.items()}


def processes_under_load(standin, server_label: str, server: subprocess.Popen) -> dict[str, int]:
    if standin.pid == os.getpid():
        return {server_label: server.pid, "load generator + stand-in": os.getpid()}
    return {server_label: server.pid, "stand-in": standin.pid, "load generator": os.getpid()}


# -- report ----------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(max(1, math.ceil(fraction * len(ordered))), len(ordered))
    return ordered[rank - 1]


def latency_line(label: str, values: list[float]) -> str:
    p50, p95, p99 = (percentile(values, fraction) for fraction in (0.50, 0.95, 0.99))
    return f"  {label:<12} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   p99 {p99:8.1f} ms"


def cpu_line(result: RunResult) -> str:
    return "  CPU use      " + ", ".join(f"{label} {cores:.2f}" for label, cores in result.cpu_cores.items())


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def print_setup(args: argparse.Namespace, standin, bot: subprocess.Popen, bare: subprocess.Popen) -> None:
    print(f"{args.requests} signed `/esc new` commands, {args.concurrency} in flight, "
          f"each run after {WARMUP_REQUESTS} warm-up commands; {os.cpu_count()} CPUs")
    print(f"  load generator  pid {os.getpid()}: {args.concurrency} threads, one keep-alive connection each")
    print(f"  Slack stand-in  pid {standin.pid}: {standin.where}")
    print(f"  supportbot      pid {bot.pid}: `python -m bot run`, HTTP mode, waitress with {SERVER_THREADS} threads")
    print(f"  bare Bolt app   pid {bare.pid}: waitress with {SERVER_THREADS} threads, started once the bot had stopped")
    print()


def print_bot(result: RunResult) -> None:
    rate = result.escalations_per_second()
    print("supportbot")
    print(latency_line("ack", result.ack_ms()))
    print(latency_line("card posted", result.card_ms()))
    print(latency_line("receipt", result.receipt_ms()))
    print(f"  errors       {result.failed_escalations} of {len(result.samples)} "
          f"({result.failed_acks} acks failed, {result.missing_cards} cards missing in #help, "
          f"{result.failed_receipts} receipts missing or not a confirmation)")
    print(f"  end to end   {rate:8.1f} escalations/s   "
          f"target: ≥ {THROUGHPUT_TARGET:.0f} escalations/s end to end -> {verdict(rate >= THROUGHPUT_TARGET)}")
    print(cpu_line(result))
    for exception, count in result.server_exceptions.most_common(3):
        print(f"  bot log      {count}× {exception}")


def print_bare(result: RunResult) -> None:
    print("bare Bolt app (`/esc` only acks, default Bolt settings)")
    print(latency_line("ack", result.ack_ms()))
    print(f"  errors       {result.failed_acks} of {len(result.samples)} acks failed")
    print(cpu_line(result))


def print_ratio(bot: RunResult, bare: RunResult) -> None:
    ratio = percentile(bot.ack_ms(), 0.99) / percentile(bare.ack_ms(), 0.99)
    print(f"bot p99 ack / bare p99 ack = {ratio:.2f}×   "
          f"target: p99 ack ≤ {P99_RATIO_TARGET}× bare -> {verdict(ratio <= P99_RATIO_TARGET)}")


# -- main ------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="measured commands per run (default 1000)")
    parser.add_argument("--concurrency", type=int, default=50, help="commands in flight (default 50)")
    parser.add_argument("--standin", choices=("process", "inline"), default="process",
                        help="where the Slack stand-in runs (default: its own process)")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-standin", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--bot-token", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")
    return args


def benchmark(args: argparse.Namespace) -> int:
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="supportbot-bench-")))
        standin = InlineStandIn() if args.standin == "inline" else StandInProcess(workdir / "standin.log")
        cleanup.callback(standin.close)

        bot_port = free_port()
        bot = start_bot(standin, workdir, bot_port)
        cleanup.callback(stop_process, bot)
        wait_healthy(bot, bot_port, workdir / "bot.log")
        bot_result = measure(bot_port, standin, "bot", args, processes_under_load(standin, "supportbot", bot),
                             follow_escalations=True)
        stop_process(bot)  # the bare app gets the machine to itself
        bot_result.server_exceptions = logged_exceptions(workdir / "bot.log")

        bare_port = free_port()
        bare = start_bare_app(standin, workdir, bare_port)
        cleanup.callback(stop_process, bare)
        wait_healthy(bare, bare_port, workdir / "bare.log")
        bare_result = measure(bare_port, standin, "bare", args, processes_under_load(standin, "bare app", bare),
                              follow_escalations=False)

        print_setup(args, standin, bot, bare)
        print_bot(bot_result)
        print_bare(bare_result)
        print_ratio(bot_result, bare_result)
        return 1 if bot_result.failed_escalations or bare_result.failed_acks else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_standin:
        serve_standin()
        return 0
    if args.serve_bare is not None:
        serve_bare(args.serve_bare, args.api_url, args.bot_token)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up on `kill` as on Ctrl-C
    try:
        return benchmark(args)
    except RuntimeError as error:
        print(f"ack_latency: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ack_latency: interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
