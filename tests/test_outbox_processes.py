"""The outbox across real processes: killed after a change committed, two instances racing on one
escalation, and an instance paused past its lease. Each effect reaches Slack once."""

import time

from tests.flow import HELP, L1, L2, L3, card_text, cards_in, count, raise_by_command, rows, run_concurrently, wait_until
from tests.harness import TAKEOVER_WAIT_S, start_bot
from tests.line3_flow import origin_notes


def _surveys(standin) -> list:
    return [call for call in standin.calls_to("chat.postMessage")
            if not call.failed and (call.args.get("metadata") or {}).get("event_type") == "supportbot_survey"]


def _status(db_path, escalation_id=1) -> str:
    return rows(db_path, "SELECT status FROM escalations WHERE id = ?", [escalation_id])[0]["status"]


def test_killed_after_a_resolve_committed_the_next_process_finishes_its_cards_note_and_survey(standin, tmp_path):
    first = start_bot(standin, tmp_path)
    esc = raise_by_command(first, standin)
    standin.delay("chat.update", 3)
    assert first.driver.command("resolve ESC-1 fixed in 4.2.1").status == 200
    standin.wait_for_arrival("chat.update")  # the change is committed; its Slack work has only begun
    assert _status(first.database) == "resolved"
    first.process.kill()
    first.process.wait()
    standin.delay("chat.update", 0)
    second = start_bot(standin, tmp_path)
    try:
        wait_until(lambda: any("resolved ESC-1" in note for note in origin_notes(standin, esc)), timeout=30)
        wait_until(lambda: _surveys(standin), timeout=10)
        standin.wait_idle()
        for channel in (HELP, L1):
            assert "✅ Resolved" in card_text(cards_in(standin, channel)[-1]), channel
        assert sum("resolved ESC-1" in note for note in origin_notes(standin, esc)) == 1
        assert len(_surveys(standin)) == 1
        assert count(second.database, "events") == 2
    finally:
        second.stop()


def test_two_instances_racing_on_one_escalation_leave_one_queue_card_per_line_and_every_card_true(standin, tmp_path):
    one, two = start_bot(standin, tmp_path), start_bot(standin, tmp_path)
    try:
        for method in ("chat.postMessage", "chat.update"):
            standin.delay(method, 0.1)
        for n in range(1, 4):
            raise_by_command(one, standin, f"new Race {n}")

            def resolve_a_moment_later(n=n):
                time.sleep(0.05)
                two.driver.command(f"resolve ESC-{n}")

            run_concurrently(lambda n=n: one.driver.command(f"up ESC-{n}"), resolve_a_moment_later)
        wait_until(lambda: rows(one.database, "SELECT count(*) AS n FROM outbox WHERE done_at IS NULL")[0]["n"] == 0,
                   timeout=30)
        standin.wait_idle()
        for n in range(1, 4):
            title = f"ESC-{n} · Race {n}"
            (esc,) = rows(one.database, "SELECT status, line FROM escalations WHERE id = ?", [n])
            assert esc["status"] == "resolved"
            moved_up_first = esc["line"] == 2
            shown = {HELP: "card", L1: "moved on" if moved_up_first else "card", L2: "card" if moved_up_first else None}
            for channel, expected in shown.items():
                mine = [card for card in cards_in(standin, channel) if title in card_text(card)]
                moved_on = [m for m in standin.messages(channel) if m.get("blocks") and m["blocks"][0]["type"] == "section"
                            and m["blocks"][0]["text"]["text"].startswith(f"↪️ *ESC-{n}* ·")]
                counts = {"card": (1, 0), "moved on": (0, 1), None: (0, 0)}[expected]
                assert (len(mine), len(moved_on)) == counts, (channel, title)
                assert all("✅ Resolved" in card_text(card) for card in mine), (channel, title)
                assert all("was resolved on L2" in card_text(card) for card in moved_on), (channel, title)
    finally:
        one.stop()
        two.stop()


def test_an_instance_paused_past_its_lease_is_taken_over_and_doubles_nothing(standin, tmp_path):
    paused, other = start_bot(standin, tmp_path), start_bot(standin, tmp_path)
    try:
        standin.delay("chat.postMessage", 1.0)
        assert paused.driver.command("new Paused mid-post").status == 200
        standin.wait_for_arrival("chat.postMessage")  # its first card is on its way to Slack
        with paused.paused():
            standin.delay("chat.postMessage", 0)
            wait_until(lambda: len(cards_in(standin, L1)) == 1, timeout=TAKEOVER_WAIT_S)  # the other took the row over
        wait_until(lambda: rows(other.database, "SELECT count(*) AS n FROM outbox WHERE done_at IS NULL")[0]["n"] == 0,
                   timeout=15)
        standin.wait_idle(quiet=1.0)
        assert len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1
        recorded = {row["ts"] for row in rows(other.database, "SELECT ts FROM cards")}
        assert recorded == {cards_in(standin, HELP)[0]["ts"], cards_in(standin, L1)[0]["ts"]}
    finally:
        paused.stop()
        other.stop()


def test_killed_while_mirroring_a_reply_the_next_process_mirrors_it_once(standin, tmp_path):
    first = start_bot(standin, tmp_path)
    esc = raise_by_command(first, standin, "new P1 L3 Invoices missing")
    standin.delay("chat.postMessage", 2)
    _, response = first.driver.user_message(L3, "Looking at the invoice job", user="U0ENG1",
                                            thread_ts=cards_in(standin, L3)[-1]["ts"])
    assert response.status == 200
    standin.wait_for_arrival("chat.postMessage", where=lambda call: (call.args.get("metadata") or {}).get(
        "event_type") == "supportbot_mirror")  # the reply is stored; its mirror is on its way to Slack
    first.process.kill()
    first.process.wait()
    standin.delay("chat.postMessage", 0)
    second = start_bot(standin, tmp_path)
    try:
        wait_until(lambda: rows(second.database, "SELECT mirror_ts FROM mirrors")[0]["mirror_ts"], timeout=30)
        standin.wait_idle()
        mirrored = [m for m in standin.thread(HELP, esc["origin_ts"])[1:] if m.get("bot_id")
                    and m["text"].startswith("Eli Engineer:")]
        assert [m["text"] for m in mirrored] == ["Eli Engineer: Looking at the invoice job"]
        assert rows(second.database, "SELECT mirror_ts FROM mirrors")[0]["mirror_ts"] == mirrored[0]["ts"]
    finally:
        second.stop()
