"""The one delivery loop of a process: claims due outbox rows and carries each one out.

Every Slack effect of a change is an outbox row (storage/outbox.py), and this loop is the only
thing that performs them. A feature registers one handler per kind of row; the handler gets a
`Delivery`, checks its lease before each Slack call (`still_mine`) and records what Slack did
through `record`: written when the row ends, in the same transaction, only while the claim
holds. The loop renews the leases of the rows it is delivering while the process lives. A Slack refusal past the client's
own retries (429, 5xx, a dropped connection) backs the row off and frees it for any process;
the next try sees `retried` and looks for its post by metadata before posting again.
"""

import logging
import secrets
import threading
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlite_utils import Database

from bot import metrics
from bot.deps import Deps
from bot.log_format import instance_name
from storage import outbox
from storage.db import DATABASE_ERRORS, database_unavailable

log = logging.getLogger(__name__)
POLL_SECONDS = 0.2  # while rows are due but could not all be taken (slots full, a subject busy)
IDLE_SECONDS = 1.0  # at most, between looks for rows of other processes; our own commits ring at once
IN_FLIGHT = 16  # rows of different subjects delivered at once by one process
AT_ONCE = 20  # rows of one subject a request's thread delivers before leaving the rest to the loop


class LeaseLost(Exception):
    """Another process took the row over: this one stops and records nothing."""


@dataclass
class Delivery:
    claim: outbox.Claim
    client: WebClient
    deps: Deps
    owner: str
    writes: list[outbox.Write] = field(default_factory=list)
    guarded: bool = True  # every write recorded guards itself (`record`)
    lost: bool = False  # the lease keeper found the row taken over
    by_requester: bool = False  # delivered by the thread whose request wrote it, which answers the person itself

    @property
    def payload(self) -> dict:
        return self.claim.payload

    @property
    def retried(self) -> bool:
        return self.claim.retried

    @property
    def last_try(self) -> bool:
        """A failure now is final: say so instead of trying again."""
        return self.claim.attempt >= outbox.MAX_ATTEMPTS

    def db(self) -> Database:
        return self.deps.store.db()

    def still_mine(self) -> None:
        """Right before each Slack call: stop if the row was taken over. Early in its lease the
        claim surely holds; later, the loop's lease keeper has renewed it while this process
        lives, so a read tells."""
        if self.lost or not (self.claim.surely_held(self.deps.clock()) or outbox.holds(self.db(), self.claim)):
            raise LeaseLost(self.claim.id)

    def record_now(self, write: outbox.Write) -> None:
        """Written at once, before the row ends, while this claim holds: what later changes must
        already see while the Slack call is under way."""
        if not outbox.write_while_held(self.db(), self.claim, write):
            raise LeaseLost(self.claim.id)

    def record(self, write: outbox.Write, guarded: bool = False) -> None:
        """What Slack did, written with the row's end (or its backoff), only while this claim holds.
        `guarded`: each statement of `write` guards itself on the rows it changes (an upsert, an
        UPDATE of what is still unset), so the row's end need not queue behind changes."""
        self.writes.append(write)
        self.guarded = self.guarded and guarded


Handler = Callable[[Delivery], None]


def transient(error: Exception) -> bool:
    """Worth another try later: Slack busy or failing, the network, or our own database busy."""
    if isinstance(error, SlackApiError):
        return error.response.status_code == 429 or error.response.status_code >= 500
    return isinstance(error, OSError) or database_unavailable(error)


class DeliveryLoop:
    def __init__(self, client: WebClient, deps: Deps, workers: Executor, handlers: dict[str, Handler]):
        self.client, self.deps, self.workers, self.handlers = client, deps, workers, handlers
        self.owner = f"{instance_name()}:{secrets.token_hex(4)}"
        self._in_flight = threading.Semaphore(IN_FLIGHT)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supportbot-delivery", daemon=True)
        self._keeper = threading.Thread(target=self._keep_leases_alive, name="supportbot-leases", daemon=True)
        self._held: dict[int, Delivery] = {}  # rows this process is delivering now
        self._held_lock = threading.Lock()
        self._wait = POLL_SECONDS
        deps.doorbell.answer_with(self.deliver_subject, self.owner)

    def start(self) -> None:
        self._thread.start()
        self._keeper.start()

    def stop(self) -> None:
        self._stopping.set()
        self.deps.doorbell.ring()
        self._thread.join()
        self._keeper.join()

    def _keep_leases_alive(self) -> None:
        """A delivery can outlast a lease (Slack's Retry-After, a slow channel): while this process
        lives it renews what it holds, every third of a lease on the monotonic clock. A paused or
        dead process renews nothing, so its rows pass on when their lease runs out."""
        while not self._stopping.wait(outbox.LEASE.total_seconds() / 3):
            try:
                self.keep_leases()
            except DATABASE_ERRORS as error:
                metrics.count_database_error(error)
                log.warning("leases not renewed this time: %s", error)

    def keep_leases(self) -> None:
        with self._held_lock:
            held = list(self._held.values())
        for job in held:
            if not outbox.renew(self.deps.store.db(), job.claim, self.deps.clock()):
                job.lost = True

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.deps.doorbell.wait(self._wait)
            try:
                self.deliver_due()
            except DATABASE_ERRORS as error:
                metrics.count_database_error(error)
                log.warning("outbox not read this time: %s", error)
                self._wait = POLL_SECONDS

    def deliver_due(self) -> int:
        """Claims as many due rows as there are free slots and hands each to the workers, and
        sets how long the loop may sleep: until the next row comes due (a backoff ends, a lease
        runs out), IDLE_SECONDS at most."""
        free = 0
        while self._in_flight.acquire(blocking=False):
            free += 1
        db, claims = self.deps.store.db(), []
        try:
            now, due = self.deps.clock(), outbox.next_due(db)
            self._wait = IDLE_SECONDS if due is None else min(max((due - now).total_seconds(), POLL_SECONDS), IDLE_SECONDS)
            if free and due is not None and due <= now:
                claims = outbox.claim_due(db, now, self.owner, free)
        finally:  # a busy database must not cost the loop its slots
            for _ in range(free - len(claims)):
                self._in_flight.release()
        for claim in claims:
            self.workers.submit(self._deliver, claim)
        return len(claims)

    def deliver_subject(self, subject: str, leased: outbox.Claim | None = None, requested: int | None = None) -> bool:
        """In the calling thread, the subject's rows one after another while they are due and free,
        starting with `leased` when the change wrote its first row leased to this process. True
        when the row `requested` (the calling request's own) was among them: otherwise another
        thread or process has it, and its delivery answers the person."""
        claim = leased
        if claim is None:
            claims = outbox.claim_due(self.deps.store.db(), self.deps.clock(), self.owner, 1, subject)
            claim = claims[0] if claims else None
        carried = False
        for n in range(1, AT_ONCE + 1):
            if claim is None:
                break
            mine = claim.id == requested
            carried |= mine
            claim = self.deliver(claim, claim_next=n < AT_ONCE, by_requester=mine)
        return carried

    def deliver_until_done(self, subject: str) -> None:
        """For a one-off command, which runs no loop: the subject's rows in the calling thread,
        each try when it comes due (a backoff over, another process's lease run out), until none
        is pending. The leases it holds are kept meanwhile, as the running loop keeps them."""
        self._keeper.start()
        try:
            while (due := outbox.next_due(self.deps.store.db(), subject)) is not None:
                self._stopping.wait(max((due - self.deps.clock()).total_seconds(), 0))
                self.deliver_subject(subject)
        finally:
            self._stopping.set()
            self._keeper.join()

    def _deliver(self, claim: outbox.Claim) -> None:
        try:
            self.deliver(claim)
        finally:
            self._in_flight.release()
            self.deps.doorbell.ring()  # the next row of its subject may be due now

    def deliver(self, claim: outbox.Claim, claim_next: bool = False, by_requester: bool = False) -> outbox.Claim | None:
        """With `claim_next`, the subject's next due row, claimed as this one ends."""
        db, handler = self.deps.store.db(), self.handlers.get(claim.kind)
        if handler is None:
            log.error("no delivery handler for %s rows (row %d): left for a process that knows it", claim.kind, claim.id)
            outbox.try_again_later(db, claim, self.deps.clock(), f"unknown kind {claim.kind}")
            return None
        if claim.taken_over:
            log.info("row %d (%s) taken over: the lease of its last try ran out", claim.id, claim.kind)
            metrics.TAKEN_OVER.labels("row").inc()
        job = Delivery(claim, self.client, self.deps, self.owner, by_requester=by_requester)
        with self._held_lock:
            self._held[claim.id] = job
        try:
            return self._carry_out(db, handler, job, claim_next)
        finally:
            with self._held_lock:
                self._held.pop(claim.id, None)

    def _carry_out(self, db: Database, handler: Handler, job: Delivery, claim_next: bool) -> outbox.Claim | None:
        claim = job.claim
        try:
            handler(job)
        except LeaseLost:
            log.warning("row %d (%s) was taken over by another process: dropped here", claim.id, claim.kind)
            metrics.OUTBOX_DELIVERIES.labels(claim.kind, "taken_over").inc()
            return None
        except Exception as error:  # noqa: BLE001 - the boundary of one delivery
            metrics.OUTBOX_DELIVERIES.labels(claim.kind, self._failed(db, job, error)).inc()
            return None
        if claim_next:
            done, following = outbox.finish_and_claim_next(db, claim, self.deps.clock(), self.owner, job.writes,
                                                           job.guarded)
        else:
            done, following = outbox.finish(db, claim, self.deps.clock(), writes=job.writes, guarded=job.guarded), None
        if done:
            metrics.OUTBOX_DELIVERIES.labels(claim.kind, "done").inc()
            return following
        log.warning("row %d (%s) was taken over by another process: its result is not recorded here",
                    claim.id, claim.kind)
        metrics.OUTBOX_DELIVERIES.labels(claim.kind, "fenced").inc()
        return None

    def _failed(self, db: Database, job: Delivery, error: Exception) -> str:
        """Backs the row off or ends it; returns the outcome, as counted in /metrics."""
        claim = job.claim
        reason = error.response.get("error") if isinstance(error, SlackApiError) else f"{type(error).__name__}: {error}"
        if database_unavailable(error):
            metrics.count_database_error(error)
        if transient(error):
            if outbox.try_again_later(db, claim, self.deps.clock(), reason, job.writes):
                log.info("row %d (%s) tries again later: %s", claim.id, claim.kind, reason)
                return "retry_later"
            if claim.attempt < outbox.MAX_ATTEMPTS:
                log.warning("row %d (%s) was taken over by another process: its backoff is not recorded here",
                            claim.id, claim.kind)
                return "fenced"
            log.warning("row %d (%s) given up after %d attempts: %s", claim.id, claim.kind, claim.attempt, reason)
            return "gave_up"
        if isinstance(error, SlackApiError):
            log.warning("Slack refused row %d (%s): %s", claim.id, claim.kind, reason)
        else:
            log.exception("row %d (%s) failed: %s", claim.id, claim.kind, reason)
        outbox.finish(db, claim, self.deps.clock(), f"failed: {reason}", job.writes)
        return "failed"
