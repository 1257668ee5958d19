"""An online backup: SQLite's backup API copies a consistent snapshot while the bot writes."""

import sqlite3
from pathlib import Path


def backup_database(source: Path, target: Path, pages_per_step: int = 256) -> int:
    """Copy `source` to the new file `target` and check the copy; returns its escalation count.
    Copying in steps lets the bot's writers in between, so the backup never stalls the bot."""
    with sqlite3.connect(str(source), timeout=30) as src, sqlite3.connect(str(target)) as dst:
        src.backup(dst, pages=pages_per_step)
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
        return dst.execute("SELECT count(*) FROM escalations").fetchone()[0]
