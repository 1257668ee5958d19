"""A database that cannot serve: one clear line at start-up; a busy one mid-conversation;
an online backup while the bot writes."""

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from storage.db import prepare_database
from tests.flow import HELP, count, raise_by_command, rows
from tests.harness import bot_env, run_cli, start_bot


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


def _read_only(directory: Path) -> tuple[str, ...]:
    """A command prefix under which nothing in `directory` can be written. Root ignores file
    modes, so as root the directory is mounted read-only in a mount namespace of the bot's own."""
    if os.geteuid() != 0:
        for path in directory.iterdir():
            path.chmod(0o444)
        directory.chmod(0o555)
        return ()
    remount = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return ("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", remount, str(directory))


def test_a_read_only_database_is_named_and_left_as_it_was(standin, tmp_path):
    directory = tmp_path / "read-only"
    directory.mkdir()
    path = directory / "supportbot.db"
    prepare_database(path)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    try:
        line = _run_with_db(standin, tmp_path, path, _read_only(directory))
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
