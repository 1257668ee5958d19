"""Opening the database at start-up, or saying in one line why it cannot be used."""

import os
import sqlite3
from pathlib import Path

from bot.config_checks import ConfigError
from storage.db import prepare_database

KEY = "SUPPORTBOT_DB"
READ_ONLY_FIX = "give the bot write access to the file and its directory (WAL mode writes beside it)"
PROBLEMS = (
    ("locked", "is locked by another process", "stop the process holding it, or use another file"),
    ("readonly", "is read-only", READ_ONLY_FIX),
    ("not a database", "is not a SQLite database", "point SUPPORTBOT_DB at the bot's database, or at a new file"),
    ("unable to open", "cannot be opened", "check the path and the permissions of its directory"),
)


def open_database(path: Path) -> None:
    """The directory must exist already: the bot never creates one where none was meant."""
    if not path.parent.is_dir():
        raise ConfigError(KEY, f"the directory {path.parent} does not exist",
                          "create it, or point SUPPORTBOT_DB at a file in an existing directory")
    if _read_only(path):
        raise ConfigError(KEY, f"{path} is read-only", READ_ONLY_FIX)
    try:
        prepare_database(path)
    except sqlite3.Error as error:
        raise _explained(path, error) from None


def _read_only(path: Path) -> bool:
    """SQLite reports a WAL database it may not write beside only as "unable to open", so the
    file and its directory are checked first."""
    return any(place.exists() and not os.access(place, os.W_OK) for place in (path, path.parent))


def _explained(path: Path, error: sqlite3.Error) -> ConfigError:
    said = str(error).lower()
    for words, problem, fix in PROBLEMS:
        if words in said:
            return ConfigError(KEY, f"{path} {problem} ({error})", fix)
    return ConfigError(KEY, f"{path} cannot be used ({error})", "check the file, or point SUPPORTBOT_DB at a new one")
