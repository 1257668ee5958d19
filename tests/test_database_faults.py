"""A database that cannot serve: one clear line at start-up; a busy one mid-conversation;
an online backup while the bot writes."""

import sqlite3
import threading
import time

from storage.db import prepare_database
from tests.flow import HELP, count, raise_by_command, rows
from tests.harness import bot_env, run_cli, start_bot


def _run_with_db(standin, tmp_path, db_path):
    result = run_cli(["run"], bot_env(standin, tmp_path, SUPPORTBOT_DB=str(db_path)), tmp_path)
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
    holder = sqlite3.connect(str(bot.db_path), check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(10, holder.rollback).start()
    started = time.monotonic()
    assert bot.driver.command("new Raised while the database is busy").status == 200
    assert time.monotonic() - started < 3, "answered inside Slack's window"
    standin.wait_for("chat.postMessage", count=2, timeout=30)
    standin.wait_idle()
    holder.close()
    assert count(bot.db_path, "escalations") == 1, "stored once the lock was released, and its cards posted"


def test_backup_while_the_bot_writes_passes_the_integrity_check(bot, standin, tmp_path):
    writer = threading.Thread(target=lambda: [bot.driver.command(f"new Busy {i}") for i in range(20)])
    writer.start()
    result = run_cli(["backup", str(tmp_path / "copy.db")], bot_env(standin, tmp_path, SUPPORTBOT_DB=str(bot.db_path)),
                     tmp_path)
    writer.join()
    assert result.returncode == 0 and "integrity check ok" in result.stdout, result.stderr
    copy = rows(tmp_path / "copy.db", "PRAGMA integrity_check")
    assert copy == [{"integrity_check": "ok"}]
    again = run_cli(["backup", str(tmp_path / "copy.db")], bot_env(standin, tmp_path, SUPPORTBOT_DB=str(bot.db_path)),
                    tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    raise_by_command(bot, standin, "new After the backup", channel=HELP)
