"""A local stand-in for Slack, and drivers that play Slack's side towards the bot."""

from .dates import DateReader
from .http_server import CONNECTION_DROPPED
from .drivers import DriverResponse, SlackDriver, SocketModeDriver
from .payloads import form_values, selected_option, selected_user
from .recorder import ApiCall
from .server import SlackStandIn
from .state import SlackError

__all__ = [
    "CONNECTION_DROPPED",
    "ApiCall",
    "DateReader",
    "DriverResponse",
    "SlackDriver",
    "SlackError",
    "SlackStandIn",
    "SocketModeDriver",
    "form_values",
    "selected_option",
    "selected_user",
]
