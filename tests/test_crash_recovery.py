"""Cards exactly once across a crash: a process killed after Slack has a card but before the
card is recorded, or before it is posted at all, leaves its outbox row to the next one once
the lease runs out: the card Slack has is adopted (found by its metadata), only a missing one
is posted."""

import time

from tests.databases import inbox_of
from tests.flow import HELP, L1, cards_in, rows, run_concurrently
from tests.test_endpoints import metric
from tests.harness import start_bot


def _card_rows(db_path):
    return rows(db_path, "SELECT channel, ts FROM cards ORDER BY channel")


def _wait_for_recorded_cards(db_path, count=2, timeout=20):
    deadline = time.monotonic() + timeout
    while len(_card_rows(db_path)) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def test_killed_between_posting_and_saving_its_cards_the_next_process_adopts_them(standin, tmp_path):
    standin.delay("chat.postMessage", 1.5)
    first = start_bot(standin, tmp_path)
    assert first.driver.command("new Killed mid-post").status == 200
    standin.wait_for("chat.postMessage", count=1, timeout=10)  # the origin card is in Slack
    standin.wait_for_arrival("chat.postMessage", count=2)  # the queue card on its way
    first.process.kill()
    first.process.wait()
    standin.wait_for("chat.postMessage", count=2)  # the queue card's post, already sent, lands too
    assert len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1
    assert L1 not in {row["channel"] for row in _card_rows(first.database)}, "the process died before saving it"
    standin.delay("chat.postMessage", 0)
    second = start_bot(standin, tmp_path)
    try:
        _wait_for_recorded_cards(second.database)
        standin.wait_idle()
        assert len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1, "adopted, not posted twice"
        assert {row["ts"] for row in _card_rows(second.database)} == {cards_in(standin, HELP)[0]["ts"],
                                                                  cards_in(standin, L1)[0]["ts"]}
        assert rows(second.database, "SELECT origin_ts FROM escalations")[0]["origin_ts"] == cards_in(standin, HELP)[0]["ts"]
    finally:
        second.stop()


def test_killed_before_the_queue_card_the_next_process_posts_only_that_one(standin, tmp_path):
    first = start_bot(standin, tmp_path)
    standin.delay("chat.postMessage", 3)
    assert first.driver.command("new Killed before its queue card").status == 200
    standin.wait_for_arrival("chat.postMessage")
    first.process.kill()
    first.process.wait()
    standin.delay("chat.postMessage", 0)
    standin.wait_for("chat.postMessage")  # the origin card's post, already sent, lands; the queue card was never sent
    assert (len(cards_in(standin, HELP)), len(cards_in(standin, L1))) == (1, 0)
    second = start_bot(standin, tmp_path)
    try:
        _wait_for_recorded_cards(second.database)
        standin.wait_idle()
        assert len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1
    finally:
        second.stop()


def test_sigkill_in_a_burst_loses_no_acknowledged_command_and_doubles_no_card(standin, tmp_path):
    first = start_bot(standin, tmp_path)
    standin.delay("chat.postMessage", 0.4)
    answers = []
    run_concurrently(*(lambda n=n: answers.append(first.driver.command(f"new Burst case {n}").status)
                       for n in range(30)))
    first.process.kill()
    first.process.wait()
    assert answers == [200] * 30, "every command was acknowledged before the kill"
    standin.delay("chat.postMessage", 0)
    time.sleep(0.5)
    second = start_bot(standin, tmp_path)
    try:
        _wait_for_recorded_cards(second.database, count=60, timeout=40)
        standin.wait_idle()
        summaries = [row["summary"] for row in rows(second.database, "SELECT summary FROM escalations")]
        assert sorted(summaries) == sorted(f"Burst case {n}" for n in range(30)), "each stored exactly once"
        for channel in (HELP, L1):
            titles = [card["blocks"][0]["text"]["text"] for card in cards_in(standin, channel)]
            assert len(titles) == 30 and len(set(titles)) == 30, channel
        assert rows(inbox_of(second.database), "SELECT count(*) AS n FROM inbox") == [{"n": 0}]
        assert metric(second.url, "supportbot_taken_over_total", what="process") == 1, "the killed one, declared gone"
    finally:
        second.stop()
