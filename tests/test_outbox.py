"""The outbox and its delivery loop in-process, on a fixed clock: leases that expire, fencing of a
process that lost its row, order within a subject, backoff, coalescing and what a change writes."""

from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.config import parse_team_config
from bot.delivery import Delivery, DeliveryLoop, LeaseLost
from bot.deps import Deps
from storage.db import open_db, write_transaction
from storage import escalation_effects as effects
from storage import escalations as core
from storage import outbox
from storage.db import Store, prepare_database
from storage.model import NewEscalation, Source
from tests.incident_flow import APP_YAML
from tests.databases import database_for

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def rows(db) -> list[dict]:
    return list(db.query("SELECT id, subject, kind, attempt, generation, done_at, outcome FROM outbox ORDER BY id"))


def test_a_claim_leases_the_first_pending_row_of_each_subject(db):
    with write_transaction(db):
        first = outbox.enqueue(db, T0, "escalation:1", "cards", {})
        second = outbox.enqueue(db, T0, "escalation:1", "note", {"event_id": 7})
        other = outbox.enqueue(db, T0, "escalation:2", "cards", {})
    claims = outbox.claim_due(db, T0, "a", 10)
    assert [claim.id for claim in claims] == [first, other], "a subject's second row waits for its first"
    assert outbox.claim_due(db, at(1), "b", 10) == [], "leased rows are nobody else's"
    assert outbox.finish(db, claims[0], at(1))
    (next_one,) = outbox.claim_due(db, at(1), "b", 10)
    assert (next_one.id, next_one.payload, next_one.attempt) == (second, {"event_id": 7}, 1)


def test_a_rows_end_claims_its_subjects_next_row_only_while_it_holds_and_only_when_one_is_pending(db):
    with write_transaction(db):
        first = outbox.enqueue(db, T0, "escalation:1", "cards", {})
        second = outbox.enqueue(db, T0, "escalation:1", "note", {"event_id": 7})
        outbox.enqueue(db, T0, "escalation:2", "cards", {})
    (claim,) = outbox.claim_due(db, T0, "a", 1, "escalation:1")
    done, following = outbox.finish_and_claim_next(db, claim, at(1), "a")
    assert (claim.id, done, following.id, following.payload) == (first, True, second, {"event_id": 7})
    assert outbox.holds(db, following) and outbox.claim_due(db, at(1), "b", 1, "escalation:1") == []
    assert outbox.finish_and_claim_next(db, following, at(2), "a") == (True, None), "the subject's last row"
    assert [row["done_at"] is not None for row in rows(db)] == [True, True, False], "another subject's row waits"
    (other,) = outbox.claim_due(db, at(3), "a", 1)
    (taken,) = outbox.claim_due(db, at(3) + outbox.LEASE, "b", 1)
    assert outbox.finish_and_claim_next(db, other, at(20), "a") == (False, None), "a fenced holder ends nothing"
    assert outbox.finish_and_claim_next(db, taken, at(20), "b") == (True, None)


def test_a_lease_that_runs_out_passes_the_row_on_and_fences_the_first_holder(db):
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "cards", {})
    (paused,) = outbox.claim_due(db, T0, "a", 1)
    assert outbox.claim_due(db, T0 + outbox.LEASE - timedelta(seconds=1), "b", 1) == []
    (taken,) = outbox.claim_due(db, T0 + outbox.LEASE, "b", 1)
    assert (taken.attempt, taken.generation, taken.retried) == (2, paused.generation + 1, True)
    assert (paused.taken_over, taken.taken_over, rows(db)[0]["outcome"]) == (False, True, "taken over from a")
    assert not outbox.renew(db, paused, at(11)), "the paused process learns before its next Slack call"
    assert not outbox.finish(db, paused, at(11)), "and cannot record the row as done"
    assert outbox.renew(db, taken, at(11)) and outbox.finish(db, taken, at(12))
    assert rows(db)[0]["done_at"] is not None


def test_renewing_keeps_a_slow_delivery_its_row(db):
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "cards", {})
    (slow,) = outbox.claim_due(db, T0, "a", 1)
    assert outbox.renew(db, slow, at(9))
    assert outbox.claim_due(db, at(12), "b", 1) == [], "renewed at 9 s, leased until 19 s"
    assert outbox.claim_due(db, at(19), "b", 1) != []


def test_a_refused_row_backs_off_doubling_then_is_given_up_with_its_reason(db):
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "note", {})
    now, waits = T0, []
    while True:
        claims = outbox.claim_due(db, now, "a", 1)
        if not claims:
            due = next(db.query("SELECT next_try_at FROM outbox"))["next_try_at"]
            waits.append(round((datetime.fromisoformat(due) - now).total_seconds(), 3))
            now = datetime.fromisoformat(due)
            continue
        assert not claims[0].taken_over, "backed off, not abandoned"
        if not outbox.try_again_later(db, claims[0], now, "ratelimited"):
            break
    assert waits == [0.2, 0.4, 0.8, 1.6, 3.2, 6.4]
    assert rows(db)[0]["outcome"] == "gave up: ratelimited" and rows(db)[0]["attempt"] == outbox.MAX_ATTEMPTS


def test_a_row_not_started_yet_covers_the_next_change_of_its_cards(db):
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "cards", {}, coalesce=True)
        outbox.enqueue(db, T0, "escalation:1", "cards", {}, coalesce=True)
    assert len(rows(db)) == 1
    outbox.claim_due(db, T0, "a", 1)
    with write_transaction(db):
        outbox.enqueue(db, at(1), "escalation:1", "cards", {}, coalesce=True)
    assert len(rows(db)) == 2, "one already being delivered may have rendered the state before this change"


@pytest.mark.needs_postgres
def test_claims_run_beside_the_writer_and_skip_a_row_a_change_is_folding_into(db):
    with write_transaction(db):
        folded = outbox.enqueue(db, T0, "escalation:1", "cards", {})
        free = outbox.enqueue(db, T0, "escalation:2", "cards", {})
    claimer = open_db(db.engine.target, busy_timeout_ms=500)
    with write_transaction(db):
        assert outbox.enqueue(db, T0, "escalation:1", "cards", {}, coalesce=True) is None
        claimed = outbox.claim_due(claimer, at(1), "b", 10)
        assert [claim.id for claim in claimed] == [free], "not held up by the writer; the folded row waits"
    (after,) = outbox.claim_due(claimer, at(1), "b", 10)
    assert after.id == folded, "claimed once the change is committed: its delivery renders it"
    claimer.close()


def test_two_claimers_at_once_never_take_one_row(db):
    with write_transaction(db):
        for n in range(40):
            outbox.enqueue(db, T0, f"escalation:{n}", "cards", {})
    target = db.engine.target
    claimers = [open_db(target) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        taken = list(pool.map(lambda c: [claim.id for claim in outbox.claim_due(c, at(1), "x", 15)], claimers))
    ids = [row_id for batch in taken for row_id in batch]
    assert len(ids) == len(set(ids)) == 40
    for claimer in claimers:
        claimer.close()


def test_a_change_commits_its_cards_and_notes_with_it_and_a_replay_adds_none(db):
    new = NewEscalation("Checkout fails", "U0AGENT1", "C0HELP", Source.COMMAND)
    esc = core.raise_escalation(db, T0, new, "raise").escalation
    core.take(db, at(1), esc.id, "U0AGENT1", "take")
    core.take(db, at(2), esc.id, "U0AGENT1", "take")  # Slack's retry of the same request
    core.resolve(db, at(3), esc.id, "U0AGENT1", "fixed", "resolve", survey=True)
    kinds = [(row["subject"], row["kind"]) for row in rows(db)]
    subject = effects.subject(esc.id)
    assert kinds == [(subject, effects.CARDS), (subject, effects.NOTE), (subject, effects.NOTE),
                     (subject, effects.SURVEY)], "the take's cards row was not started, so it covers the resolve's"


def test_a_raise_writes_its_cards_row_leased_to_the_process_that_delivers_them_and_a_dead_one_is_taken_over(db):
    new = NewEscalation(summary="Checkout fails", requester="U0AGENT1", channel="C0HELP", source=Source.COMMAND)
    outcome = core.raise_escalation(db, T0, new, "raise-1", deliverer="a")
    leased = outcome.delivery
    assert (leased.subject, leased.kind, leased.attempt, leased.generation) == ("escalation:1", effects.CARDS, 1, 1)
    assert outbox.holds(db, leased), "the raise's own transaction claimed it: no claim follows"
    assert outbox.claim_due(db, T0 + outbox.LEASE - timedelta(seconds=1), "b", 10) == []
    (taken,) = outbox.claim_due(db, T0 + outbox.LEASE, "b", 10)
    assert (taken.id, taken.generation, taken.taken_over) == (leased.id, 2, True), "its process died: lease ran out"
    assert not outbox.finish(db, leased, at(11)), "the raising process, late, records nothing"
    again = core.raise_escalation(db, T0, new, "raise-1", deliverer="a")
    assert again.duplicate and again.delivery is None


def test_a_refused_change_writes_no_effect(db):
    esc = core.raise_escalation(db, T0, NewEscalation("x", "U1", "C1", Source.COMMAND), "raise").escalation
    core.resolve(db, at(1), esc.id, "U1", None, "resolve")
    before = len(rows(db))
    with pytest.raises(Exception, match="resolved"):
        core.take(db, at(2), esc.id, "U1", "take")
    assert len(rows(db)) == before


class Inline(Executor):
    def submit(self, work, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(work(*args, **kwargs))
        return future


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def loop_deps(tmp_path):
    prepare_database(database_for(tmp_path))
    clock = FakeClock()
    return Deps(store=Store(database_for(tmp_path)), team=parse_team_config(APP_YAML), clock=clock), clock


def _failure(status: int, error: str) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="chat.postMessage", req_args={},
                             data={"ok": False, "error": error}, headers={}, status_code=status)
    return SlackApiError(error, response)


def test_the_loop_delivers_in_order_backs_off_on_429_and_says_when_a_try_may_have_reached_slack(loop_deps):
    deps, clock = loop_deps
    db = deps.store.db()
    with write_transaction(db):
        for n in range(3):
            outbox.enqueue(db, T0, "escalation:1", "note", {"n": n})
    seen = []

    def deliver(job):
        seen.append((job.payload["n"], job.retried))
        if job.payload["n"] == 1 and not job.retried:
            raise _failure(429, "ratelimited")

    loop = DeliveryLoop(None, deps, Inline(), {"note": deliver})
    while loop.deliver_due():
        pass
    assert seen == [(0, False), (1, False)], "the second row's failure holds back the third"
    clock.now = at(0.2)
    while loop.deliver_due():
        pass
    assert seen[2:] == [(1, True), (2, False)]
    assert all(row["done_at"] and row["outcome"] is None for row in rows(db))


def test_a_refusal_that_will_not_change_ends_the_row_at_once(loop_deps):
    deps, _ = loop_deps
    db = deps.store.db()
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "note", {})

    def deliver(job):
        raise _failure(200, "channel_not_found")

    DeliveryLoop(None, deps, Inline(), {"note": deliver}).deliver_due()
    assert rows(db)[0]["outcome"] == "failed: channel_not_found" and rows(db)[0]["attempt"] == 1


def test_a_delivery_taken_over_records_nothing(loop_deps):
    deps, clock = loop_deps
    db = deps.store.db()
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "cards", {})
    recorded = []

    def paused_then_resumed(job):
        clock.now = T0 + outbox.LEASE + timedelta(seconds=1)
        outbox.claim_due(db, clock.now, "other process", 1)  # took it over while this one slept
        job.record(lambda db: recorded.append("card"))

    loop = DeliveryLoop(None, deps, Inline(), {"cards": paused_then_resumed})
    loop.deliver_due()
    assert recorded == []
    row = rows(db)[0]
    assert (row["done_at"], row["generation"]) == (None, 2), "the other process's claim stands"
    with pytest.raises(LeaseLost):
        stale = outbox.Claim(row["id"], "escalation:1", "cards", {}, 1, 1)
        Delivery(stale, None, deps, loop.owner).still_mine()


def test_a_delivery_slower_than_its_lease_keeps_its_row_while_the_process_lives(loop_deps):
    deps, clock = loop_deps
    db = deps.store.db()
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "cards", {})
    seen = {}

    def slow(job):
        for seconds in (8, 16, 24):  # Slack's Retry-After, a slow channel: longer than one lease in all
            clock.now = at(seconds)
            loop.keep_leases()  # the keeper's pass, every third of a lease
            seen[seconds] = outbox.claim_due(db, clock.now, "other process", 1)
        job.still_mine()

    loop = DeliveryLoop(None, deps, Inline(), {"cards": slow})
    loop.deliver_due()
    assert seen == {8: [], 16: [], 24: []}, "never free for another process"
    assert rows(db)[0]["done_at"] is not None and rows(db)[0]["generation"] == 1


def test_early_in_its_lease_a_delivery_asks_the_database_nothing_before_a_slack_call(loop_deps, monkeypatch):
    deps, clock = loop_deps
    db = deps.store.db()
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "cards", {})
    asked = []
    holds = outbox.holds
    monkeypatch.setattr(outbox, "holds", lambda db, claim: asked.append(clock.now) or holds(db, claim))

    def posting(job):
        job.still_mine()  # just claimed: no other process may claim it before its lease runs out
        clock.now = T0 + outbox.LEASE - outbox.CLOCK_MARGIN  # the instances' clocks may disagree this much
        job.still_mine()  # the keeper has renewed it (or not): the database tells
        clock.now = T0 + outbox.LEASE + timedelta(seconds=1)
        outbox.claim_due(db, clock.now, "other process", 1)
        job.still_mine()

    loop = DeliveryLoop(None, deps, Inline(), {"cards": posting})
    loop.deliver_due()
    assert asked == [T0 + outbox.LEASE - outbox.CLOCK_MARGIN, T0 + outbox.LEASE + timedelta(seconds=1)]
    assert rows(db)[0]["done_at"] is None and rows(db)[0]["generation"] == 2, "the take-over was noticed"


def test_the_keeper_marks_a_row_another_process_took_over_as_lost(loop_deps):
    deps, clock = loop_deps
    db = deps.store.db()
    with write_transaction(db):
        outbox.enqueue(db, T0, "escalation:1", "cards", {})

    def paused(job):
        clock.now = T0 + outbox.LEASE + timedelta(seconds=1)  # nothing renewed meanwhile: the process slept
        outbox.claim_due(db, clock.now, "other process", 1)
        loop.keep_leases()  # the keeper wakes with it
        assert job.lost
        job.still_mine()

    loop = DeliveryLoop(None, deps, Inline(), {"cards": paused})
    loop.deliver_due()
    assert rows(db)[0]["done_at"] is None and rows(db)[0]["generation"] == 2
