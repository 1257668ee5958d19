"""Building the Bolt app once, from settings, with every feature registered."""

from concurrent.futures import Executor

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.inbox_writer import InboxWriter
from bot.replay_guard import refusing_replays
from bot.surface import Declared, HandOver, SlackSurface
from bot.deps import Deps
from commands.csat.register import register as register_csat
from commands.digest.register import register as register_reports
from commands.esc.register import register as register_escalations
from commands.home.register import register as register_home
from commands.incident.register import register as register_incidents
from commands.line3.register import register as register_line3

FEATURES = (register_escalations, register_line3, register_incidents, register_csat, register_reports,
            register_home)


def build_app(settings: Settings, client: WebClient, deps: Deps, workers: Executor) -> tuple[App, SlackSurface]:
    """The app, and its surface: the handler of each kind of outbox row the features deliver,
    and where requests the HTTP front acknowledged are taken over. `workers` runs everything
    done after the ack; the caller drains it on shutdown."""
    try:
        app = App(
            client=client,
            signing_secret=settings.signing_secret or "",
            request_verification_enabled=not settings.socket_mode,
            process_before_response=True,
        )
    except BoltError as error:  # Bolt checks the token with auth.test too: Slack failing there is said in one line
        if isinstance(error.__context__, SlackApiError):
            raise error.__context__ from None
        raise
    if not settings.socket_mode:
        app.middleware(refusing_replays())
    surface = SlackSurface(app, deps, workers, InboxWriter(deps))
    _register_all(surface)
    return app, surface


def build_front_app(settings: Settings, client: WebClient, deps: Deps, identity: dict, hand_over: HandOver) -> App:
    """The HTTP front's app (bot/front.py): the same listeners, which keep and acknowledge each
    request and hand it over. `identity` is the main process's auth.test answer, so the front
    asks Slack nothing before its first ack."""
    authorized = AuthorizeResult.from_auth_test_response(bot_token=settings.bot_token, auth_test_response=identity)
    app = App(client=client, signing_secret=settings.signing_secret or "", authorize=lambda **_: authorized,
              process_before_response=True)
    app.middleware(refusing_replays())
    _register_all(SlackSurface(app, deps, workers=None, inbox=InboxWriter(deps), hand_over=hand_over))
    return app


def declared_surface() -> Declared:
    """What the features register, without tokens or network: the manifest is built from it."""
    offline = App(token="xoxb-offline", signing_secret="offline", token_verification_enabled=False)
    surface = SlackSurface(offline, deps=None, workers=None, inbox=None)
    _register_all(surface)
    return surface.declared


def _register_all(surface: SlackSurface) -> None:
    for register in FEATURES:
        register(surface)
