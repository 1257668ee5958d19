"""Two instances in read-only working directories of their own, sharing nothing but one
PostgreSQL database: a burst spread over both stores each escalation once with both its cards, a
request Slack sends again to the other instance has one effect, and when one is killed mid-burst
the other finishes everything it acknowledged within 15 s."""

import time

import pytest

from tests.databases import new_server_database
from tests.flow import HELP, L1, cards_in, count, rows, run_concurrently, wait_until
from tests.harness import start_bot
from tests.test_endpoints import metric

pytestmark = pytest.mark.needs_postgres
BURST = 20
TAKEN_OVER_WITHIN = 15  # seconds from a kill


def test_a_burst_over_two_instances_apart_stores_each_once_and_a_redelivery_to_the_other_does_nothing(standin, tmp_path):
    url, (first, second) = apart(tmp_path)
    one, two = start_apart(standin, first, url), start_apart(standin, second, url)
    try:
        run_concurrently(*(lambda n=n: (one, two)[n % 2].driver.command(f"new Burst case {n}", trigger_id=f"trig.{n}")
                           for n in range(BURST)))
        ts = standin.post_user_message(HELP, "Search is empty")
        run_concurrently(lambda: one.driver.reaction_added(HELP, ts, event_id="Ev0APART"),
                         lambda: two.driver.reaction_added(HELP, ts, event_id="Ev0APART", retry_num=1))
        each_stored_once_with_both_cards(standin, url, BURST)
    finally:
        one.stop()
        two.stop()
    for workdir, bot in ((first, one), (second, two)):
        assert {path.name for path in workdir.iterdir()} == {"app.yaml"}
        assert "Traceback" not in bot.log(), bot.log()[-3000:]


def test_one_of_two_instances_killed_mid_burst_the_other_finishes_every_acknowledged_command_within_15_s(
        standin, tmp_path):
    url, (first, second) = apart(tmp_path)
    killed, other = start_apart(standin, first, url), start_apart(standin, second, url)
    try:
        standin.delay("chat.postMessage", 0.4)
        answers = []
        run_concurrently(*(lambda n=n: answers.append((killed, other)[n % 2].driver.command(
            f"new Burst case {n}", trigger_id=f"trig.{n}").status) for n in range(BURST)))
        killed.process.kill()
        killed.process.wait()
        killed_at = time.monotonic()
        assert answers == [200] * BURST, "every command was acknowledged before the kill"
        standin.delay("chat.postMessage", 0)
        wait_until(lambda: count(url, "cards") == 2 * BURST, timeout=TAKEN_OVER_WITHIN)
        assert time.monotonic() - killed_at < TAKEN_OVER_WITHIN
        standin.wait_idle(quiet=1.0)
        summaries = [row["summary"] for row in rows(url, "SELECT summary FROM escalations")]
        assert sorted(summaries) == sorted(f"Burst case {n}" for n in range(BURST)), "each stored exactly once"
        for channel in (HELP, L1):
            titles = [card["blocks"][0]["text"]["text"] for card in cards_in(standin, channel)]
            assert len(titles) == BURST and len(set(titles)) == BURST, channel
        assert count(url, "inbox") == 0
        assert metric(other.url, "supportbot_taken_over_total", what="process") == 1, "the killed one, declared gone"
    finally:
        other.stop()


def start_apart(standin, workdir, url: str):
    """An instance on `url` that cannot write to its working directory."""
    return start_bot(standin, workdir, read_only=True, SUPPORTBOT_DB=url)


def apart(tmp_path) -> tuple[str, tuple]:
    """A new database on the server, and two working directories of their own."""
    workdirs = (tmp_path / "a", tmp_path / "b")
    for workdir in workdirs:
        workdir.mkdir()
    return new_server_database(), workdirs


def each_stored_once_with_both_cards(standin, url: str, burst: int) -> None:
    """The burst ("Burst case n") and the one raised by a reaction ("Search is empty"), once each,
    each with its card where it was raised and its queue card."""
    wait_until(lambda: len(cards_in(standin, L1)) >= burst + 1, timeout=30)
    standin.wait_idle()
    summaries = [row["summary"] for row in rows(url, "SELECT summary FROM escalations")]
    assert sorted(summaries) == sorted([f"Burst case {n}" for n in range(burst)] + ["Search is empty"])
    assert len(cards_in(standin, L1)) == burst + 1, "one queue card each"
    assert len(cards_in(standin, HELP)) == burst + 1, "one card where each was raised"
    assert count(url, "cards") == 2 * (burst + 1)
