"""`supportbot db check` and `supportbot db copy --to postgresql://…`."""

import argparse

from dotenv import load_dotenv

from bot.config_checks import ConfigError
from bot.database_check import KEY, database_target, open_database
from storage.boots import running_boots
from storage.db import is_postgres, open_db
from storage.engines.postgres import without_password
from storage.engines.sqlite import inbox_path
from storage.port import CountsDiffer, TargetNotEmpty, copy_database


def add_commands(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="check the database, or copy a SQLite database to PostgreSQL")
    verbs = db.add_subparsers(required=True, metavar="VERB")
    check = verbs.add_parser("check", help="say which engine and schema version SUPPORTBOT_DB has, whether it can write, and how many instances run on it")
    check.set_defaults(run=check_database)
    copy = verbs.add_parser("copy", help="copy the SQLite database SUPPORTBOT_DB names into an empty PostgreSQL database")
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:5432/dbname")
    copy.set_defaults(run=copy_to)


def check_database(args: argparse.Namespace) -> int:
    load_dotenv(".env")
    engine = open_database(database_target())  # proves the database writable, or says why not
    db = open_db(engine.target)
    try:
        version, running = engine.schema_version(db), len(running_boots(db))
    finally:
        db.close()
    instances = {0: "no instance", 1: "1 instance"}.get(running, f"{running} instances")
    print(f"{engine.name} at {engine.describe()}: schema version {version}, writable; {instances} of the bot running on it.")
    return 0


def copy_to(args: argparse.Namespace) -> int:
    load_dotenv(".env")
    source = database_target()
    if is_postgres(source):
        raise ConfigError(KEY, "names a PostgreSQL database; the copy reads a SQLite file",
                          "set SUPPORTBOT_DB to the SQLite file the bot ran on")
    if not is_postgres(args.to):
        raise ConfigError("--to", f"{args.to!r} is not a PostgreSQL URL", "give postgresql://user:password@host:5432/dbname")
    open_database(source)
    open_database(args.to)
    try:
        copy_database(source, str(inbox_path(source)), args.to,
                      lambda done: print(f"{done.table:<22} {done.rows:>9} rows"))
    except (TargetNotEmpty, CountsDiffer) as error:
        raise ConfigError("--to", f"{without_password(args.to)}: {error}",
                          "copy into a new, empty database (createdb -O <user> <dbname>)") from None
    print(f"Copied {source} to {without_password(args.to)}; start the bot with SUPPORTBOT_DB set to that URL.")
    return 0
