"""Who opened their App Home, and what their Home showed them.

Slack's `views.publish` is Tier 4 (about 100 a minute): a change re-publishes only the Homes
opened in the last day, each at most once every few seconds, and only those it concerns; and
the re-publishes of the whole workspace are spaced to stay within that rate, however many
people keep their Home open. A Home opened is published at once. What
a Home concerns (the lines its person works, whether they lead, whether they see the incidents)
is written when it is published, so the core decides whose Home a change touches without asking
Slack.
"""

from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from storage import outbox, records
from storage.db import write_transaction

RECENT = timedelta(hours=24)
AT_MOST_EVERY = timedelta(seconds=2)  # one publish per person per this, however often their Home changes
WORKSPACE_SPACING = timedelta(seconds=0.75)  # re-publishes of the whole workspace: 80 a minute, under Tier 4
HOME = "home-publish"  # the outbox row kind: publish this person's Home as it is when delivered


@dataclass(frozen=True)
class Audience:
    """What one person's Home shows beyond their own escalations."""

    lines: frozenset[int] = frozenset()  # the lines whose unowned queue they see
    lead: bool = False  # the team view
    broadcaster: bool = False  # the active incidents


def subject(user: str) -> str:
    return f"home:{user}"


def open_home(db: Database, now: datetime, user: str) -> None:
    """The person opened their Home tab (not the Messages tab): noted, and their Home published."""
    with write_transaction(db):
        db.execute('INSERT INTO home_visits ("user", opened_at) VALUES (?, ?)'
                   ' ON CONFLICT ("user") DO UPDATE SET opened_at = excluded.opened_at', [user, records.to_text(now)])
        _publish(db, now, user)


def choose_period(db: Database, now: datetime, user: str, days: int) -> None:
    """A lead's team view switches between the last 7 and the last 30 days."""
    with write_transaction(db):
        db.execute('UPDATE home_visits SET period_days = ? WHERE "user" = ?', [days, user])
        _publish(db, now, user)


def period_days(db: Database, user: str) -> int:
    row = db.execute('SELECT period_days FROM home_visits WHERE "user" = ?', [user]).fetchone()
    return row[0] if row else 7


def shows(db: Database, user: str, audience: Audience) -> None:
    """What the person's Home is about to show them, written before it is built."""
    lines = ",".join(str(line) for line in sorted(audience.lines))
    db.execute('UPDATE home_visits SET lines = ?, lead = ?, broadcaster = ? WHERE "user" = ?',
               [lines, int(audience.lead), int(audience.broadcaster), user])


def published(db: Database, user: str, now: datetime) -> None:
    db.execute('UPDATE home_visits SET published_at = ? WHERE "user" = ?', [records.to_text(now), user])


def recent(db: Database, now: datetime) -> list[tuple]:
    """Who opened their Home in the last RECENT, with what it showed them when last published."""
    return db.execute('SELECT "user", published_at, lines, lead, broadcaster FROM home_visits WHERE opened_at >= ?',
                      [records.to_text(now - RECENT)]).fetchall()


def refresh(db: Database, now: datetime, people: Set[str] = frozenset(), lines: Set[int] = frozenset(), *,
            leads: bool = False, broadcasters: bool = False, visitors: list[tuple] | None = None) -> None:
    """Inside a change's transaction: re-publish the Homes of the recent visitors it concerns
    (among `people`, working one of `lines`, and with `leads` / `broadcasters` every lead's /
    broadcaster's), each coalesced into a pending publish and no sooner than AT_MOST_EVERY after
    their last one. `visitors`: `recent` as the caller already read it."""
    concerned = []
    for user, published_at, shown_lines, lead, broadcaster in recent(db, now) if visitors is None else visitors:
        works = {int(line) for line in shown_lines.split(",") if line}
        if user in people or works & lines or (leads and lead) or (broadcasters and broadcaster):
            concerned.append((user, published_at))
    _republish(db, now, concerned)


def refresh_leads_published_before(db: Database, now: datetime, moment: datetime) -> int:
    """The leads' Homes last published before `moment` (a shift starting or ending, the team's
    day beginning) still show who was on duty and the day's breaches as they were: re-published,
    as after any change. How many were."""
    with write_transaction(db):
        stale = [(user, published_at) for user, published_at, _, lead, _ in recent(db, now)
                 if lead and (published_at is None or records.from_text(published_at) < moment)]
        _republish(db, now, stale)
        return len(stale)


def _republish(db: Database, now: datetime, homes: list[tuple[str, str | None]]) -> None:
    """(person, when their Home was last published): each joins the person's pending publish, or
    takes the workspace's next free slot, no sooner than AT_MOST_EVERY after their last one. The
    slot taken last is read once, then counted on here."""
    if not homes:
        return
    latest = records.from_text(db.execute("SELECT max(next_try_at) FROM outbox WHERE kind = ?", [HOME]).fetchone()[0])
    for user, published_at in homes:
        last = records.from_text(published_at)
        at = max(now, last + AT_MOST_EVERY) if last else now
        if latest:
            at = max(at, latest + WORKSPACE_SPACING)
        if _publish(db, now, user, at):
            latest = at if latest is None else max(latest, at)


def _publish(db: Database, now: datetime, user: str, not_before: datetime | None = None) -> bool:
    """A Home opened or switched by its person goes out at once (no `not_before`). False when a
    pending publish of the person's covers it."""
    return outbox.enqueue(db, now, subject(user), HOME, {"user": user}, coalesce=True, not_before=not_before) is not None
