"""Opening the database at start-up, or saying in one line why it cannot be used."""

import os
from pathlib import Path
from typing import Mapping

from bot.config_checks import ConfigError
from storage.db import DATABASE_ERRORS, is_postgres, prepare_database
from storage.engines.base import Engine, EngineUnavailable
from storage.engines.postgres import password_of, without_password

KEY = "SUPPORTBOT_DB"
READ_ONLY_FIX = "give the bot write access to the file and its directory (WAL mode writes beside it)"
SQLITE_PROBLEMS = (
    ("locked", "is locked by another process", "stop the process holding it, or use another file"),
    ("readonly", "is read-only", READ_ONLY_FIX),
    ("not a database", "is not a SQLite database", "point SUPPORTBOT_DB at the bot's database, or at a new file"),
    ("unable to open", "cannot be opened", "check the path and the permissions of its directory"),
)
POSTGRES_PROBLEMS = (
    ("password authentication failed", "refused the user name or password",
     "check the user and password in SUPPORTBOT_DB"),
    ("does not exist", "has no such database (or role)",
     "create it first (createdb -O <user> <dbname>), or correct the name in SUPPORTBOT_DB"),
    ("connection refused", "refused the connection",
     "start PostgreSQL, or correct the host and port in SUPPORTBOT_DB"),
    ("no such file or directory", "has no server listening on that Unix socket",
     "start PostgreSQL, or correct the socket directory (host=) and the port in SUPPORTBOT_DB"),
    ("timeout", "did not answer in time", "check that the host is reachable and PostgreSQL listens on that port"),
    ("could not translate host name", "names a host that cannot be found", "correct the host in SUPPORTBOT_DB"),
    ("permission denied", "does not let this user create the bot's tables",
     "give the URL's user a database it owns (it needs no superuser rights)"),
    ("lock", "is being migrated by another instance that did not finish",
     "wait for the other instance to start, then start this one again"),
)


def database_target(env: Mapping[str, str] = os.environ) -> str:
    return env.get(KEY) or "supportbot.db"


def open_database(target: str) -> Engine:
    """Prepares the database (schema, a test write) or raises ConfigError naming the fix.
    A file's directory must exist already: the bot never creates one where none was meant."""
    if is_postgres(target):
        return _open_postgres(target)
    return _open_sqlite(Path(target))


def _open_postgres(url: str) -> Engine:
    shown = without_password(url)
    try:
        return prepare_database(url)
    except EngineUnavailable as error:
        raise ConfigError(KEY, f"{shown}: {error.problem}", error.fix) from None
    except DATABASE_ERRORS as error:
        said = _first_line(str(error))
        password = password_of(url)
        if password:
            said = said.replace(password, "***")
        for words, problem, fix in POSTGRES_PROBLEMS:
            if words in said.lower():
                raise ConfigError(KEY, f"the server at {shown} {problem} ({said})", fix) from None
        raise ConfigError(KEY, f"{shown} cannot be used ({said})",
                          "check the URL and that the server runs PostgreSQL 13 or newer") from None


def _first_line(text: str) -> str:
    return " ".join(text.split())[:240]


def _open_sqlite(path: Path) -> Engine:
    if not path.parent.is_dir():
        raise ConfigError(KEY, f"the directory {path.parent} does not exist",
                          "create it, or point SUPPORTBOT_DB at a file in an existing directory")
    if _read_only(path):
        raise ConfigError(KEY, f"{path} is read-only", READ_ONLY_FIX)
    try:
        return prepare_database(path)
    except DATABASE_ERRORS as error:
        raise _explained(path, error) from None


def _read_only(path: Path) -> bool:
    """SQLite reports a WAL database it may not write beside only as "unable to open", so the
    file and its directory are checked first."""
    return any(place.exists() and not os.access(place, os.W_OK) for place in (path, path.parent))


def _explained(path: Path, error: Exception) -> ConfigError:
    said = str(error).lower()
    for words, problem, fix in SQLITE_PROBLEMS:
        if words in said:
            return ConfigError(KEY, f"{path} {problem} ({error})", fix)
    return ConfigError(KEY, f"{path} cannot be used ({error})", "check the file, or point SUPPORTBOT_DB at a new one")
