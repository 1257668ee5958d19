"""A database that cannot serve: one clear line at start-up; a busy one mid-conversation;
an online backup while the bot writes."""

import sqlite3
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest
import yaml

from bot.config import parse_team_config
from bot.deps import Deps
from bot.turn import BUSY_AFTER_STORING, DATABASE_BUSY, DATABASE_FULL, Turn, answering_errors
from storage.db import Store, database_busy, inbox_path, prepare_database, write_transaction
from storage.inbox import keep_many
from storage.records import claim_request
from tests.flow import HELP, L1, cards_in, count, raise_by_command, rows
from tests.harness import TEAM_YAML, bot_env, read_only_prefix, run_cli, start_bot
from tests.incident_flow import wait_until

pytestmark = pytest.mark.sqlite_only  # the files themselves: missing, junk, read-only, locked; backup


def _run_with_db(standin, tmp_path, db_path, prefix: tuple[str, ...] = ()):
    env = bot_env(standin, tmp_path, SUPPORTBOT_DB=str(db_path))
    result = subprocess.run([*prefix, sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=30)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "SUPPORTBOT_DB" in lines[0] and "Fix:" in lines[0], result.stderr
    return lines[0]


def test_a_missing_directory_is_named_and_not_created(standin, tmp_path):
    line = _run_with_db(standin, tmp_path, tmp_path / "nowhere" / "supportbot.db")
    assert "does not exist" in line and not (tmp_path / "nowhere").exists()


def test_a_file_that_is_not_a_database_is_named(standin, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    assert "is not a SQLite database" in _run_with_db(standin, tmp_path, junk)


def test_a_read_only_database_is_named_and_left_as_it_was(standin, tmp_path):
    directory = tmp_path / "read-only"
    directory.mkdir()
    path = directory / "supportbot.db"
    prepare_database(path)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    try:
        line = _run_with_db(standin, tmp_path, path, read_only_prefix(directory))
    finally:
        directory.chmod(0o755)
    assert "is read-only" in line and "give the bot write access" in line
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before


def test_a_database_locked_by_another_process_is_named(standin, tmp_path):
    path = tmp_path / "locked.db"
    prepare_database(path)
    holder = sqlite3.connect(str(path))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert "is locked by another process" in _run_with_db(standin, tmp_path, path)
    finally:
        holder.rollback()
        holder.close()


def test_a_write_lock_held_for_10_seconds_delays_the_card_but_loses_nothing(bot, standin):
    holder = sqlite3.connect(str(bot.database), check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(10, holder.rollback).start()
    started = time.monotonic()
    assert bot.driver.command("new Raised while the database is busy").status == 200
    assert time.monotonic() - started < 3, "answered inside Slack's window"
    standin.wait_for("chat.postMessage", count=2, timeout=30)
    standin.wait_idle()
    holder.close()
    assert count(bot.database, "escalations") == 1, "stored once the lock was released, and its cards posted"


def _inbox_keys(bot) -> list[str]:
    return [row["key"] for row in rows(inbox_path(bot.database), "SELECT key FROM inbox")]


def test_a_write_lock_held_past_the_busy_timeout_is_told_not_stored_and_a_retry_works(standin, tmp_path):
    bot = start_bot(standin, tmp_path, SUPPORTBOT_BUSY_TIMEOUT="1")
    holder = sqlite3.connect(str(bot.database), check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert bot.driver.command("new Raised while the database is locked").status == 200
        assert time.monotonic() - started < 3, "answered inside Slack's window"
        answer = standin.wait_for_response(timeout=15)[-1]["body"]
        assert answer["response_type"] == "ephemeral"
        assert "busy for too long, so this was not stored" in answer["text"] and "try again" in repr(answer["blocks"])
        assert count(bot.database, "escalations") == 0 and not standin.calls_to("chat.postMessage"), "nothing stored or posted"
        assert _inbox_keys(bot) == [], "the inbox keeps nothing to replay beside the person's retry"
    finally:
        holder.rollback()
        holder.close()
    raise_by_command(bot, standin, "new Raised again once the lock is gone")
    bot.stop()
    assert [row["summary"] for row in rows(bot.database, "SELECT summary FROM escalations")] == ["Raised again once the lock is gone"]
    assert "Traceback" not in bot.log(), bot.log()[-3000:]


def test_a_lock_taken_after_the_escalation_is_stored_is_answered_stored_not_try_again(standin, tmp_path):
    bot = start_bot(standin, tmp_path, SUPPORTBOT_BUSY_TIMEOUT="1")
    standin.delay("chat.postMessage", 1.5)
    assert bot.driver.command("new Stored just before the lock").status == 200
    wait_until(lambda: count(bot.database, "escalations") == 1)
    holder = sqlite3.connect(str(bot.database), check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")
        answer = standin.wait_for_response(timeout=15)[-1]["body"]
    finally:
        holder.rollback()
        holder.close()
    assert "This was stored" in answer["text"] and "do not send it again" in repr(answer["blocks"])
    standin.wait_for("chat.postMessage", count=2)
    bot.stop()
    assert count(bot.database, "escalations") == 1 and _inbox_keys(bot) == []
    assert "Traceback" not in bot.log(), bot.log()[-3000:]


class _RecordingResponse:
    """A response_url that notes, for every answer, what the inbox still held when it was sent."""

    def __init__(self, store: Store):
        self.store, self.answers = store, []

    def __call__(self, text: str, **fields):
        self.answers.append((text, [row["key"] for row in self.store.inbox_db().query("SELECT key FROM inbox")]))
        return SimpleNamespace(status_code=200)


@pytest.mark.parametrize("claimed_before, failure, told", [
    (False, "database is locked", DATABASE_BUSY),
    (True, "database is locked", BUSY_AFTER_STORING),
    (False, "database or disk is full", DATABASE_FULL),
    (True, "database or disk is full", BUSY_AFTER_STORING),
], ids=["lock-before-the-change", "lock-after-the-change", "disk-full-before-the-change", "disk-full-after-the-change"])
def test_a_busy_answer_leaves_nothing_in_the_inbox_and_says_whether_the_change_was_stored(tmp_path, claimed_before,
                                                                                          failure, told):
    prepare_database(tmp_path / "busy.db")
    store = Store(tmp_path / "busy.db")
    deps = Deps(store=store, team=parse_team_config(yaml.safe_load(TEAM_YAML)))
    keep_many(store.inbox_db(), deps.clock(), [("command:1.2.3", {"command": "/esc"})], boot_id=None)
    if claimed_before:
        with write_transaction(store.db()):
            claim_request(store.db(), "command:1.2.3", deps.clock())
    respond = _RecordingResponse(store)
    turn = Turn(body={"response_url": "https://hooks.example/1"}, client=None, respond=respond, user="U0AGENT1",
                channel=HELP, request_key="command:1.2.3")

    def locked_out(_turn):
        raise sqlite3.OperationalError(failure)

    answering_errors(locked_out, deps)(turn)
    (text, kept_when_told), = respond.answers
    assert kept_when_told == [], "out of the inbox before the person is told, so no restart replays it"
    assert text == told.message


def test_backup_while_the_bot_writes_passes_the_integrity_check(bot, standin, tmp_path):
    writer = threading.Thread(target=lambda: [bot.driver.command(f"new Busy {i}") for i in range(20)])
    writer.start()
    result = run_cli(["backup", str(tmp_path / "copy.db")], bot_env(standin, tmp_path, SUPPORTBOT_DB=str(bot.database)),
                     tmp_path)
    writer.join()
    assert result.returncode == 0 and "integrity check ok" in result.stdout, result.stderr
    copy = rows(tmp_path / "copy.db", "PRAGMA integrity_check")
    assert copy == [{"integrity_check": "ok"}]
    again = run_cli(["backup", str(tmp_path / "copy.db")], bot_env(standin, tmp_path, SUPPORTBOT_DB=str(bot.database)),
                    tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    raise_by_command(bot, standin, "new After the backup", channel=HELP)


def test_a_writer_queued_behind_its_own_process_is_refused_after_the_busy_timeout(tmp_path):
    """Threads of one process queue on a Python lock before SQLite's; that wait is bounded too."""
    prepare_database(tmp_path / "queue.db")
    store = Store(tmp_path / "queue.db", busy_timeout_ms=300)
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with write_transaction(store.db()):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    holding.wait(5)
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as refused:
            with write_transaction(store.db()):
                pass
        assert database_busy(refused.value), refused.value
        assert time.monotonic() - started < 2
    finally:
        release.set()
        holder.join()
    with write_transaction(store.db()):
        store.db().execute("SELECT 1")


def test_a_request_the_inbox_could_not_keep_is_told_not_stored_and_never_done(standin, tmp_path):
    bot = start_bot(standin, tmp_path)
    holder = sqlite3.connect(str(inbox_path(bot.database)), check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        response = bot.driver.command("new Raised while the inbox is locked")
        assert response.status == 200 and time.monotonic() - started < 3, "answered inside Slack's window"
        assert "not stored" in response.json["text"] and "try again" in repr(response.json["blocks"])
    finally:
        holder.rollback()
        holder.close()
    raise_by_command(bot, standin, "new Raised again once the inbox is free")
    bot.process.kill()
    bot.process.wait()
    again = start_bot(standin, tmp_path)
    try:
        standin.wait_idle(quiet=1.0)
        assert [row["summary"] for row in rows(again.database, "SELECT summary FROM escalations")] == [
            "Raised again once the inbox is free"], "the refused request was neither done nor replayed"
        assert len(cards_in(standin, L1)) == 1
    finally:
        again.stop()
