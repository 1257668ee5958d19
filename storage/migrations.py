"""Schema history. Append new migrations at the end; never edit one that has shipped."""

from datetime import datetime, timezone
from typing import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("supportbot")


@migrations(name="0001_escalations")
def create_escalations(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE escalations (
            id INTEGER PRIMARY KEY,
            summary TEXT NOT NULL,
            priority TEXT NOT NULL,
            category TEXT,
            customer_ref TEXT,
            requester TEXT NOT NULL,
            source TEXT NOT NULL,
            origin_channel TEXT NOT NULL,
            origin_ts TEXT,
            status TEXT NOT NULL,
            line INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE UNIQUE INDEX escalations_origin_thread
            ON escalations(origin_channel, origin_ts) WHERE origin_ts IS NOT NULL;
        CREATE INDEX escalations_open ON escalations(status, line, created_at);
        CREATE TABLE line_owners (
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            line INTEGER NOT NULL,
            "user" TEXT NOT NULL,
            since TEXT NOT NULL,
            PRIMARY KEY (escalation_id, line)
        );
        CREATE INDEX line_owners_user ON line_owners("user");
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            line INTEGER NOT NULL,
            from_value TEXT,
            to_value TEXT,
            note TEXT
        );
        CREATE INDEX events_escalation ON events(escalation_id, id);
        CREATE TABLE handled_requests (
            key TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            escalation_id INTEGER
        );
        CREATE TABLE cards (
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            thread_ts TEXT,
            PRIMARY KEY (escalation_id, channel)
        );
        """
    )


@migrations(name="0002_sla_clocks_mirrors_and_boots")
def create_sla_clocks_mirrors_and_boots(db: Database) -> None:
    """`boots` are the running processes, each with a heartbeat, and each escalation names the
    boot that raised it: a card missing from an escalation whose boot stopped beating was lost
    in a crash, not merely still on its way.

    One SLA clock per arrival of an escalation on a line without an owner: `ack` on line 3,
    `take` on lines 1 and 2. The clock stops (met, late or cancelled) in the same transaction
    as the ack, take, move or resolve that ends it; a running clock past its due time is a
    breach. `next_reminder_at` is the database's word on what is due next, claimed once."""
    db.executescript(
        """
        CREATE TABLE sla_clocks (
            id INTEGER PRIMARY KEY,
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            line INTEGER NOT NULL,
            kind TEXT NOT NULL,
            priority TEXT NOT NULL,
            started_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            stopped_at TEXT,
            stopped_by TEXT,
            outcome TEXT,
            breached_at TEXT,
            reminders_sent INTEGER NOT NULL DEFAULT 0,
            next_reminder_at TEXT,
            leads_told_at TEXT
        );
        CREATE UNIQUE INDEX sla_clocks_one_running ON sla_clocks(escalation_id) WHERE stopped_at IS NULL;
        CREATE INDEX sla_clocks_next_reminder ON sla_clocks(next_reminder_at) WHERE next_reminder_at IS NOT NULL;
        CREATE INDEX sla_clocks_due ON sla_clocks(due_at);
        CREATE INDEX sla_clocks_breached ON sla_clocks(breached_at) WHERE breached_at IS NOT NULL;
        CREATE INDEX sla_clocks_escalation ON sla_clocks(escalation_id, id);
        CREATE TABLE mirrors (
            source_channel TEXT NOT NULL,
            source_ts TEXT NOT NULL,
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            mirror_channel TEXT NOT NULL,
            mirror_ts TEXT,
            PRIMARY KEY (source_channel, source_ts)
        );
        CREATE INDEX cards_message ON cards(channel, ts);
        CREATE TABLE boots (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL
        );
        ALTER TABLE escalations ADD COLUMN boot_id INTEGER;
        CREATE INDEX events_at ON events(at);
        CREATE INDEX escalations_created ON escalations(created_at);
        CREATE INDEX escalations_resolved ON escalations(resolved_at) WHERE resolved_at IS NOT NULL;
        """
    )


@migrations(name="0003_incidents")
def create_incidents(db: Database) -> None:
    """An incident notice: drafted in the thread of its card, then one step after another
    (step 0 the broadcast, then each update and the resolution) posted to every channel.
    `incident_posts` holds one row per step and channel, claimed before the post and given
    its ts after it, so no channel ever gets the same step twice. A scheduled broadcast is
    claimed once by moving its status on, in the same transaction that writes its step."""
    db.executescript(
        """
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            status TEXT NOT NULL,
            severity TEXT,
            notify_here INTEGER NOT NULL DEFAULT 0,
            channels TEXT NOT NULL DEFAULT '[]',
            created_by TEXT NOT NULL,
            broadcast_by TEXT,
            card_channel TEXT NOT NULL,
            card_ts TEXT,
            picked_ts TEXT,
            created_at TEXT NOT NULL,
            scheduled_for TEXT,
            started_at TEXT,
            resolved_at TEXT
        );
        CREATE UNIQUE INDEX incidents_card ON incidents(card_channel, card_ts) WHERE card_ts IS NOT NULL;
        CREATE INDEX incidents_due ON incidents(scheduled_for) WHERE status = 'scheduled';
        CREATE TABLE incident_revisions (
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            ts TEXT NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (incident_id, ts)
        );
        CREATE TABLE incident_steps (
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            step INTEGER NOT NULL,
            status TEXT NOT NULL,
            text TEXT NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (incident_id, step)
        );
        CREATE TABLE incident_posts (
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            step INTEGER NOT NULL,
            channel TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            ts TEXT,
            error TEXT,
            PRIMARY KEY (incident_id, step, channel)
        );
        CREATE TABLE incident_events (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            channel TEXT,
            detail TEXT
        );
        CREATE INDEX incident_events_incident ON incident_events(incident_id, id);
        """
    )


@migrations(name="0004_csat_and_digests")
def create_csat_and_digests(db: Database) -> None:
    """Every CSAT answer is kept (the audit trail); `counts` marks the one answer per subject
    (an escalation, or a helpdesk ticket no escalation names) that the figures use. An
    imported row carries `import_key`, so a re-import adds nothing. `job_claims` is the
    database's word on whether a job's period was posted: one row per (job, period), claimed
    before posting. `job_watch` records since when a job has been scheduled, so a fresh
    install does not post periods from before it existed."""
    db.executescript(
        """
        CREATE TABLE csat_answers (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            escalation_id INTEGER REFERENCES escalations(id),
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            comment TEXT,
            respondent TEXT,
            source TEXT NOT NULL,
            received_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            counts INTEGER NOT NULL,
            import_key TEXT
        );
        CREATE UNIQUE INDEX csat_one_counting ON csat_answers(subject) WHERE counts = 1;
        CREATE INDEX csat_counting_received ON csat_answers(received_at) WHERE counts = 1;
        CREATE UNIQUE INDEX csat_import_key ON csat_answers(import_key) WHERE import_key IS NOT NULL;
        CREATE TABLE job_claims (
            job TEXT NOT NULL,
            period TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            late INTEGER NOT NULL DEFAULT 0,
            posted_channel TEXT,
            posted_ts TEXT,
            UNIQUE (job, period)
        );
        CREATE TABLE job_watch (
            job TEXT PRIMARY KEY,
            since TEXT NOT NULL
        );
        CREATE INDEX sla_clocks_stopped ON sla_clocks(stopped_at) WHERE stopped_at IS NOT NULL;
        CREATE INDEX escalations_customer_ref ON escalations(customer_ref) WHERE customer_ref IS NOT NULL;
        """
    )


@migrations(name="0005_open_escalations_by_age")
def index_open_escalations_by_age(db: Database) -> None:
    """The open escalations in the order every list shows them, oldest first. Once the file has
    statistics (ANALYZE, `PRAGMA optimize`), SQLite judges `status = 'open'` to match half the
    table and walks a year of `created_at` to skip the sort instead; this index holds only the
    open rows, already in that order, so `/esc list open` reads the backlog and nothing else."""
    db.execute("CREATE INDEX escalations_open_by_age ON escalations(created_at, id) WHERE status = 'open'")


@migrations(name="0006_post_boots")
def record_posting_boots(db: Database) -> None:
    """The boot (storage/boots.py) that claimed each incident post and report period, and the
    one that wrote each incident step and so fans it out: a claim without a ts whose boot
    stopped beating was cut short by a crash, and the next process finishes it, adopting the
    post Slack may already have (found by its metadata) rather than posting it twice."""
    db.executescript(
        """
        ALTER TABLE incident_steps ADD COLUMN boot_id INTEGER;
        ALTER TABLE incident_posts ADD COLUMN boot_id INTEGER;
        ALTER TABLE job_claims ADD COLUMN boot_id INTEGER;
        CREATE INDEX incident_posts_unfinished ON incident_posts(claimed_at) WHERE ts IS NULL AND error IS NULL;
        CREATE INDEX job_claims_unposted ON job_claims(claimed_at) WHERE posted_ts IS NULL;
        """
    )


@migrations(name="0007_running_acknowledgement_clocks")
def index_running_acknowledgement_clocks(db: Database) -> None:
    """The line-3 acknowledgement clocks still running, longest waiting first, for the shift
    summary. Every escalation waiting unowned has a running clock, so with a large backlog
    `sla_clocks_one_running` holds the whole backlog and finding the few `ack` clocks among
    them read every one (80 ms at 150,000 open); this index holds only those few."""
    db.execute("CREATE INDEX sla_clocks_running_ack ON sla_clocks(started_at) WHERE stopped_at IS NULL AND kind = 'ack'")


@migrations(name="0008_report_pieces")
def create_report_pieces(db: Database) -> None:
    """Each piece of a report (the digest's chart, the message, each reply in its thread) as Slack
    took it: a message's ts, an upload's file id. A period given back after a failed post keeps
    them, so the next run posts only the pieces still missing, never the chart or message twice."""
    db.executescript(
        """
        CREATE TABLE report_pieces (
            job TEXT NOT NULL,
            period TEXT NOT NULL,
            piece TEXT NOT NULL,
            channel TEXT NOT NULL,
            slack_id TEXT NOT NULL,
            posted_at TEXT NOT NULL,
            PRIMARY KEY (job, period, piece)
        );
        """
    )


@migrations(name="0009_copies_out_of_step")
def record_copies_out_of_step(db: Database) -> None:
    """Why a broadcast copy still shows an older status: Slack refused its edit past the
    retries. The next update or the broadcaster's Retry edits it again and clears this."""
    db.execute("ALTER TABLE incident_posts ADD COLUMN edit_error TEXT")


@migrations(name="0010_incident_fan_out_leases")
def create_incident_fan_out_leases(db: Database) -> None:
    """Which process is sending a step of an incident (storage/fan_out_leases.py): one at a time
    across processes, so an update paced in one process never lands below the resolution another
    sent at once."""
    db.execute("CREATE TABLE incident_fan_outs (incident_id INTEGER PRIMARY KEY, boot_id INTEGER, taken_at TEXT NOT NULL)")


@migrations(name="0011_outbox")
def create_outbox(db: Database) -> None:
    """Every Slack effect a change implies, committed with the change (storage/outbox.py): a
    row is claimed with a lease, delivered, and marked done only while its generation still
    holds. Rows of one subject (an escalation) go out in order, one at a time."""
    db.executescript(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            next_try_at TEXT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 0,
            generation INTEGER NOT NULL DEFAULT 0,
            claimed_by TEXT,
            lease_until TEXT,
            done_at TEXT,
            outcome TEXT
        );
        CREATE INDEX outbox_due ON outbox(next_try_at) WHERE done_at IS NULL;
        CREATE INDEX outbox_subject_pending ON outbox(subject, id) WHERE done_at IS NULL;
        CREATE INDEX outbox_done ON outbox(done_at) WHERE done_at IS NOT NULL;
        """
    )


@migrations(name="0012_incident_step_drafts")
def record_incident_step_drafts(db: Database) -> None:
    """The thread reply each step's words started from. The update form lets the broadcaster
    reword the reply before it goes out, so comparing texts no longer tells whether a reply has
    been sent: the next form would offer a reply already used, under its old wording."""
    db.execute("ALTER TABLE incident_steps ADD COLUMN draft_ts TEXT")


@migrations(name="0013_open_list_by_urgency")
def index_open_list_by_urgency(db: Database) -> None:
    """`/esc list` in its order (storage/backlog.py): the running SLA clocks by deadline, then
    the open escalations without one by priority and age. sla_clocks_due holds every clock of
    the history, so walking it to the running ones read a year of stopped clocks; these hold
    only the running clocks (one per escalation waiting for an owner) and the open rows."""
    db.executescript(
        """
        CREATE INDEX sla_clocks_running_by_due ON sla_clocks(due_at, priority, escalation_id) WHERE stopped_at IS NULL;
        CREATE INDEX escalations_open_by_priority ON escalations(priority, created_at, id) WHERE status = 'open';
        """
    )


@migrations(name="0014_raised_by_and_origin_link")
def record_who_raised_and_the_origin_link(db: Database) -> None:
    """An escalation raised from someone's message has two people: the message's author, who asked
    (`requester`: told in the thread, surveyed), and the agent who reacted or used the shortcut
    (`raised_by`). `origin_link` is that message's permalink. Older rows were raised by their
    requester and keep both NULL."""
    db.executescript(
        """
        ALTER TABLE escalations ADD COLUMN raised_by TEXT;
        ALTER TABLE escalations ADD COLUMN origin_link TEXT;
        """
    )


@migrations(name="0015_waiting_on_the_customer")
def record_waiting_on_the_customer(db: Database) -> None:
    """An escalation can wait on its customer: since when and why (NULL while it does not), and
    how long it has waited in all, which time to resolve leaves out. A clock running while it
    waits is paused (`paused_at`): no reminder is due, and resuming moves its deadline on by
    the pause."""
    db.executescript(
        """
        ALTER TABLE escalations ADD COLUMN waiting_since TEXT;
        ALTER TABLE escalations ADD COLUMN waiting_reason TEXT;
        ALTER TABLE escalations ADD COLUMN waited_seconds INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sla_clocks ADD COLUMN paused_at TEXT;
        """
    )

@migrations(name="0016_home_visits")
def create_home_visits(db: Database) -> None:
    """Who opened their App Home and when (storage/home_visits.py): a change re-publishes only the
    Homes opened in the last day. `lines` (the lines the person works, "1,3") and `lead` are what
    their last Home showed them, so the core can tell whose Home a change concerns without Slack. `period_days`
    is the period of a lead's team view (7 or 30)."""
    db.executescript(
        """
        CREATE TABLE home_visits (
            "user" TEXT PRIMARY KEY,
            opened_at TEXT NOT NULL,
            published_at TEXT,
            lines TEXT NOT NULL DEFAULT '',
            lead INTEGER NOT NULL DEFAULT 0,
            period_days INTEGER NOT NULL DEFAULT 7
        );
        CREATE INDEX home_visits_opened ON home_visits(opened_at);
        """
    )


@migrations(name="0017_home_visits_broadcaster")
def record_whether_a_home_shows_incidents(db: Database) -> None:
    """Whether a person's last Home showed the active incidents (they broadcast), so an incident's
    change re-publishes the Homes it shows on, as `lines` and `lead` do for an escalation's."""
    db.execute("ALTER TABLE home_visits ADD COLUMN broadcaster INTEGER NOT NULL DEFAULT 0")


@migrations(name="0018_home_indexes")
def index_what_home_reads(db: Database) -> None:
    """A line's unowned queue on Home (storage/home_queries.py) is its running clocks by deadline:
    walking sla_clocks_running_by_due to the few of line 2 read every running clock when line 1
    has 150,000, and counting a line's read each one's row; this one starts at the line and
    counts without the table. The leads' per-person figures (storage/team_figures.py) read the
    period's resolutions, not every event of the period."""
    db.executescript(
        """
        CREATE INDEX sla_clocks_running_by_line ON sla_clocks(line, due_at, priority, escalation_id) WHERE stopped_at IS NULL;
        CREATE INDEX events_resolved ON events(at, actor, escalation_id) WHERE action = 'resolved';
        """
    )


@migrations(name="0019_boots_live_by_lock")
def tell_gone_boots_by_their_lock(db: Database) -> None:
    """A process proves it lives by a lock the database or the kernel releases when it dies
    (storage/boots.py), not by a heartbeat: `missing_since` is when another process first found
    its lock free, `gone_at` when it was declared gone. Boots recorded before belong to
    processes that stopped for this upgrade."""
    db.executescript(
        """
        ALTER TABLE boots ADD COLUMN missing_since TEXT;
        ALTER TABLE boots ADD COLUMN gone_at TEXT;
        UPDATE boots SET gone_at = heartbeat_at;
        ALTER TABLE boots DROP COLUMN heartbeat_at;
        CREATE INDEX boots_running ON boots(id) WHERE gone_at IS NULL;
        """
    )


@migrations(name="0020_mirrors_keep_the_reply")
def keep_what_a_mirror_shows(db: Database) -> None:
    """A mirror is delivered from the outbox (storage/mirrors.py), rendered when it goes out:
    its row keeps who wrote the reply, its words as last edited, and whether it was deleted."""
    db.executescript(
        """
        ALTER TABLE mirrors ADD COLUMN author TEXT;
        ALTER TABLE mirrors ADD COLUMN text TEXT;
        ALTER TABLE mirrors ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
        """
    )


@migrations(name="0021_reports_on_the_outbox")
def put_reports_on_the_outbox(db: Database) -> None:
    """A claimed report period is posted by the outbox row its claim writes (storage/job_claims.py),
    taken over by lease like any other: the claim no longer names its process, and no search for
    claims a gone process left unposted needs their index. A claim left unposted by a process
    that stopped for this upgrade is posted by the next start's run, within the grace period."""
    db.executescript(
        """
        DROP INDEX job_claims_unposted;
        ALTER TABLE job_claims DROP COLUMN boot_id;
        """
    )


@migrations(name="0022_home_publish_budget")
def index_outbox_by_kind(db: Database) -> None:
    """The latest slot a kind of row was given (storage/home_visits.py spaces Home publishes
    over the whole workspace) is one look up this index, not a scan of two days of rows."""
    db.executescript("CREATE INDEX outbox_kind_next ON outbox(kind, next_try_at);")


@migrations(name="0023_open_waiting_on_the_customer")
def index_open_waiting_on_the_customer(db: Database) -> None:
    """The shift summary counts the open escalations waiting on their customer: a few rows of
    this index, not every open row's page (85 ms with 150,000 open)."""
    db.executescript(
        "CREATE INDEX escalations_open_waiting ON escalations(waiting_since) WHERE status = 'open' AND waiting_since IS NOT NULL;"
    )


@migrations(name="0024_escalations_open_owner")
def keep_the_owner_on_the_open_escalation(db: Database) -> None:
    """`open_owner`: while an escalation is open, who owns it on its current line (line_owners'
    row for that line); NULL when nobody does or once it is resolved. Every write of line_owners,
    of the line or of the status keeps it (storage/records.py). The reports, the lists and Home
    read the owned open rows from the two indexes below, which hold only those, and count the
    unowned as the rest, instead of asking line_owners about every open row (a shift summary
    took 270 ms with 150,000 open). NULL once resolved, so the indexes need no status term,
    which SQLite's planner would match to the (status, line, created_at) index instead."""
    db.executescript(
        """
        ALTER TABLE escalations ADD COLUMN open_owner TEXT;
        UPDATE escalations SET open_owner = (SELECT o."user" FROM line_owners o WHERE o.escalation_id = escalations.id AND o.line = escalations.line)
            WHERE status = 'open';
        CREATE INDEX escalations_open_owned ON escalations(open_owner, priority, created_at, id, line) WHERE open_owner IS NOT NULL;
        CREATE INDEX escalations_open_owned_by_line ON escalations(line, created_at, id) WHERE open_owner IS NOT NULL;
        """
    )



@migrations(name="0025_running_clocks_by_line")
def index_running_clocks_by_line_alone(db: Database) -> None:
    """An agent's Home counts its line's waiting escalations (its running clocks). PostgreSQL
    counted 150,000 of them through `sla_clocks_one_running` and the table (44–66 ms), pricing
    the index-only scan of `sla_clocks_running_by_line` higher; this index holds the line alone,
    a few pages once PostgreSQL folds its repeated keys, and its index-only scan is the cheapest
    (15 ms; SQLite 9 ms instead of 12)."""
    db.executescript("CREATE INDEX sla_clocks_running_line ON sla_clocks(line) WHERE stopped_at IS NULL;")

inbox_migrations = Migrations("supportbot-inbox")


@inbox_migrations(name="0001_inbox")
def create_inbox(db: Database) -> None:
    """The inbox lives in a file of its own beside the database (storage/inbox.py): keeping a
    request before its ack then never waits for the main file's writers."""
    db.executescript(
        """
        CREATE TABLE inbox (
            key TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            received_at TEXT NOT NULL,
            boot_id INTEGER
        );
        CREATE INDEX inbox_boot ON inbox(boot_id);
        """
    )


MIGRATION_SETS = (migrations, inbox_migrations)


def apply_migrations(db: Database) -> None:
    migrations.apply(db)


def apply_inbox_migrations(db: Database) -> None:
    inbox_migrations.apply(db)


def schema_version(db: Database) -> int:
    """How many migrations a SQLite file has had; 0 for a new file."""
    return len(migrations.applied(db))


def steps_of(migration_set: Migrations) -> list[tuple[str, Callable]]:
    """Each migration's name and function, in order, for an engine that records them itself."""
    return [(step.name, step.fn) for step in migration_set._migrations]


APPLIED_TABLE = "schema_migrations"


def applied_names(db, set_name: str) -> set[str]:
    """The migrations recorded on a server engine (PostgreSQL), which sqlite-utils does not serve."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {APPLIED_TABLE} (migration_set TEXT NOT NULL, name TEXT NOT NULL,"
               " applied_at TEXT NOT NULL, PRIMARY KEY (migration_set, name))")
    return {row["name"] for row in db.query(f"SELECT name FROM {APPLIED_TABLE} WHERE migration_set = ?", [set_name])}


def record_applied(db, set_name: str, name: str) -> None:
    db.execute(f"INSERT INTO {APPLIED_TABLE} (migration_set, name, applied_at) VALUES (?, ?, ?)",
               [set_name, name, datetime.now(timezone.utc).isoformat()])
