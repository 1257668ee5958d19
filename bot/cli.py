"""`supportbot run | manifest | demo | backup | db`."""

import argparse
import logging
import os
import sys
from pathlib import Path

from dotenv import load_dotenv
from slack_sdk.errors import SlackApiError

from bot.app_factory import declared_surface
from bot.cli_db import add_commands as add_db_commands
from bot.cli_reports import add_commands as add_report_commands
from bot.config import ConfigError, load_settings
from bot.database_check import database_target
from bot.log_format import TEXT_FORMAT, use_log_format
from bot.manifest import build_manifest, manifest_yaml
from bot.front import Front
from bot.runner import prepare, run_until_stopped, serve_socket_mode, serve_through_front, wait_for_a_signal
from storage.backup import backup_database
from storage.db import is_postgres

log = logging.getLogger("supportbot")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)
    try:
        return args.run(args)
    except ConfigError as error:
        print(f"supportbot: {error}", file=sys.stderr)
        return 2
    except SlackApiError as error:  # at start-up (Bolt's own token check too) or in `jobs run`
        print(f"supportbot: Slack refused {error.response.api_url.rsplit('/', 1)[-1]} past the retries"
              f" ({error.response.get('error')}); what it took is kept: start again in a moment", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supportbot", description="Support escalations in Slack.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT)")
    run.set_defaults(run=_run)
    manifest = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument("--request-url", help="public https URL ending in /slack/events, for HTTP mode")
    manifest.set_defaults(run=_manifest)
    demo = commands.add_parser("demo", help="play a scripted escalation against a local Slack stand-in")
    demo.set_defaults(run=_demo)
    backup = commands.add_parser("backup", help="copy the database to a new file while the bot runs")
    backup.add_argument("path", type=Path, help="the new file, e.g. backups/supportbot-2026-12-02.db")
    backup.set_defaults(run=_backup)
    add_report_commands(commands)
    add_db_commands(commands)
    return parser


def _run(args: argparse.Namespace) -> int:
    load_dotenv(".env")  # the working directory's .env only; real environment variables win
    settings = load_settings(os.environ)
    use_log_format(settings.log_format)
    if settings.socket_mode:
        prepared = prepare(settings)
        run_until_stopped(lambda: serve_socket_mode(prepared, settings.app_token, settings.port), prepared)
        return 0
    prepared = prepare(settings, front=Front(settings))
    try:
        port = serve_through_front(prepared)
    except BaseException:
        prepared.stop()
        raise
    log.info("listening on port %s: POST /slack/events, GET /healthz, /readyz, /metrics", port)
    run_until_stopped(wait_for_a_signal, prepared)
    return 1 if prepared.front.died else 0


def _manifest(args: argparse.Namespace) -> int:
    if args.request_url and not args.request_url.startswith(("https://", "http://")):
        raise ConfigError("--request-url", f"{args.request_url!r} is not a URL",
                          "give the public address, e.g. https://bot.example.com/slack/events")
    print(manifest_yaml(build_manifest(declared_surface(), args.request_url)), end="")
    return 0


def _backup(args: argparse.Namespace) -> int:
    load_dotenv(".env")
    target = database_target()
    if is_postgres(target):
        raise ConfigError("backup", "is for a SQLite file; SUPPORTBOT_DB names a PostgreSQL database",
                          "use pg_dump, e.g. pg_dump -Fc -f supportbot.dump <the URL>")
    source = Path(target)
    if not source.is_file():
        raise ConfigError("SUPPORTBOT_DB", f"{source} does not exist", "point SUPPORTBOT_DB at the bot's database")
    if args.path.exists():
        raise ConfigError("backup", f"{args.path} already exists", "name a new file; a backup never overwrites one")
    if not args.path.parent.is_dir():
        raise ConfigError("backup", f"the directory {args.path.parent} does not exist", "create it first")
    escalations = backup_database(source, args.path)
    print(f"Backed up {source} to {args.path}: {escalations} escalations, integrity check ok.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    try:
        from bot.demo import play  # the stand-in is a demo and test prop, installed by the [demo] extra
    except ModuleNotFoundError as error:
        raise ConfigError("demo", f"the local Slack stand-in needs {error.name}",
                          "install the demo extra: pip install -e '.[demo]'") from None
    logging.getLogger().setLevel(logging.WARNING)
    return play(sys.stdout)
