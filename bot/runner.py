"""Starting the bot: database, Slack client, channel names, the app, then a transport."""

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.app_factory import build_app
from bot.channels import resolve_channels
from bot.config import ConfigError, Settings
from bot.http_server import make_server, make_wsgi_app
from bot.slack_client import make_client
from commands.deps import Deps
from storage.db import Store, prepare_database
from storage.migrations import schema_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    app: App
    deps: Deps


def prepare(settings: Settings) -> Prepared:
    prepare_database(settings.db_path)
    client = make_client(settings.bot_token, settings.api_url)
    _check_token(client)
    deps = Deps(store=Store(settings.db_path), team=resolve_channels(client, settings.team))
    log.info("database %s at schema version %d", settings.db_path, schema_version(deps.store.db()))
    return Prepared(app=build_app(settings, client, deps), deps=deps)


def _check_token(client) -> None:
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        raise ConfigError("SLACK_BOT_TOKEN", f"Slack rejected the token ({error.response.get('error')})",
                          "copy the Bot User OAuth Token from OAuth & Permissions into .env") from None
    except OSError as error:
        raise ConfigError("SLACK_API_URL", f"cannot reach {client.base_url} ({error})",
                          "check the network, or unset SLACK_API_URL to use slack.com") from None
    log.info("connected to %s as %s", identity.get("team"), identity.get("user"))


def serve_http(app: App, port: int, host: str = "0.0.0.0"):
    """Returns the server unstarted: `.run()` blocks, `.effective_port` tells the port, `.close()` stops."""
    return make_server(make_wsgi_app(app), host=host, port=port)


def serve_socket_mode(app: App, app_token: str) -> SocketModeHandler:
    handler = SocketModeHandler(app, app_token=app_token)
    handler.connect()
    return handler
