"""SlackStandIn: a local, in-process imitation of the parts of Slack the bot talks to."""

from __future__ import annotations

import copy
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from .api_common import ApiContext
from .api_files import FileUploads, UploadedFile
from .dates import DateReader
from .http_server import StandInHTTPServer
from .rate_limits import HELD_METHODS
from .recorder import ApiCall, Faults, Journal, describe_missing_calls
from .responses import ResponseUrls
from .socket_mode import SocketModeServer
from .state import Workspace
from .transcript import render_channel, render_message
from .views import ViewStore
from .web_api import WebApi


class SlackStandIn:
    def __init__(self, signing_secret: str = "standin-secret", bot_token: str = "xoxb-standin",
                 app_token: str = "xapp-standin"):
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        self.workspace = Workspace()
        self._views = ViewStore()
        self._faults = Faults()
        self._calls: Journal[ApiCall] = Journal()
        self._arrivals: Journal[ApiCall] = Journal()
        self._ephemerals: Journal[dict] = Journal()
        self._responses = ResponseUrls(self.workspace, self._ephemerals, self._faults)
        self._socket = SocketModeServer()
        self._files = FileUploads(lambda: self.base_url)
        context = ApiContext(self.workspace, self._views, self._ephemerals, self._socket.new_url, self._files)
        self._api = WebApi(context, bot_token, app_token, self._faults, self._calls, self._arrivals)
        self._http: StandInHTTPServer | None = None
        self._reader_zone: ZoneInfo | None = None

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> "SlackStandIn":
        if self._http is None:
            self._socket.start()
            self._http = StandInHTTPServer(self._route)
            threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05},
                             name="standin-http", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.close_open_connections()
            self._http.server_close()
            self._http = None
        self._socket.stop()

    def __enter__(self) -> "SlackStandIn":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._http is None:
            raise RuntimeError("the stand-in is not started")
        return f"http://127.0.0.1:{self._http.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def _route(self, http_method: str, path: str, query: str, headers: dict, body: bytes):
        if path.startswith("/api/"):
            return self._api.handle(path[len("/api/"):], headers.get("authorization"),
                                    headers.get("content-type", ""), body, query)
        if path.startswith("/upload/") and http_method == "POST":
            return self._files.receive(path[len("/upload/"):], body)
        if path.startswith("/response/") and http_method == "POST":
            return self._responses.receive(self.base_url + path, path[len("/response/"):], body)
        return 404, {"ok": False, "error": "not_found"}, {}

    # -- workspace set-up ------------------------------------------------------

    def add_channel(self, name: str, channel_id: str | None = None, *, is_private: bool = False,
                    bot_is_member: bool = True) -> str:
        return self.workspace.add_channel(name, channel_id, is_private=is_private, bot_is_member=bot_is_member)

    def add_user(self, user_id: str, real_name: str, *, is_bot: bool = False, deleted: bool = False) -> None:
        self.workspace.add_user(user_id, real_name, is_bot=is_bot, deleted=deleted)

    def archive_channel(self, channel: str, archived: bool = True) -> None:
        """Archive (or, with `archived=False`, unarchive) a channel: Slack then refuses posts,
        edits and joins there with `is_archived`."""
        with self.workspace.lock:
            self.workspace.channel(channel).is_archived = archived

    def post_user_message(self, channel: str, text: str, user: str = "U0AGENT1",
                          thread_ts: str | None = None) -> str:
        """Store a message as if a person had posted it (no event is sent to the bot)."""
        channel_id = self.workspace.channel(channel).id
        self.workspace.user(user)
        if thread_ts:
            parent = self.workspace.message(channel_id, thread_ts)
            thread_ts = parent.get("thread_ts") or parent["ts"]
        fields = {"user": user, "text": text, "client_msg_id": str(uuid.uuid4())}
        return self.workspace.add_message(channel_id, fields, thread_ts=thread_ts)["ts"]

    # -- recorded Web API calls ------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        return self._calls.items()

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self._calls.items() if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                 where: Callable[[ApiCall], bool] | None = None) -> list[ApiCall]:
        """Block until `count` calls to `method` (failed ones included) match `where`; return them all."""
        return self._wait(self._calls, method, count, timeout, where)

    def wait_for_arrival(self, method: str, count: int = 1, timeout: float = 15.0,
                         where: Callable[[ApiCall], bool] | None = None) -> list[ApiCall]:
        """Like `wait_for`, but counting calls as they arrive, before any `delay`: the moment to
        kill a bot whose call Slack is still taking."""
        return self._wait(self._arrivals, method, count, timeout, where)

    @staticmethod
    def _wait(journal: Journal[ApiCall], method: str, count: int, timeout: float,
              where: Callable[[ApiCall], bool] | None) -> list[ApiCall]:
        return journal.wait(
            count, timeout,
            lambda call: call.method == method and (where is None or where(call)),
            describe_missing_calls(method, count, timeout),
        )

    def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Block until no Web API call or response_url post has arrived for `quiet` seconds:
        the bot's work after its ack is done."""
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            seen = len(self._calls.items()) + len(self._responses.journal.items())
            if seen != last:
                last, since = seen, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.02)
        raise TimeoutError(f"the bot was still calling Slack after {timeout}s")

    # -- what the channels show ------------------------------------------------

    def uploaded_files(self) -> list[UploadedFile]:
        """Files shared in a channel through files.completeUploadExternal, bytes included, oldest first."""
        return self._files.shared()

    def completed_uploads(self) -> list[UploadedFile]:
        """Every upload completed, shared in a channel or kept private, oldest first."""
        return self._files.completed()

    def hold_file_processing(self, refusals: int | None) -> None:
        """Files completed from now on are still being processed for their first `refusals`
        messages that show them in an image block by `slack_file` (None: they never get ready):
        Slack refuses those with `invalid_blocks`."""
        self._files.hold_processing(refusals)

    def messages(self, channel: str) -> list[dict]:
        channel_id = self.workspace.channel(channel).id
        return copy.deepcopy(self.workspace.channel_messages(channel_id))

    def thread(self, channel: str, ts: str) -> list[dict]:
        channel_id = self.workspace.channel(channel).id
        return copy.deepcopy(self.workspace.thread_messages(channel_id, ts))

    def message(self, channel: str, ts: str) -> dict:
        channel_id = self.workspace.channel(channel).id
        return copy.deepcopy(self.workspace.message(channel_id, ts))

    @property
    def ephemerals(self) -> list[dict]:
        return copy.deepcopy(self._ephemerals.items())

    @property
    def views(self) -> list[dict]:
        return copy.deepcopy(self._views.all())

    def home(self, user: str) -> dict | None:
        """The Home view last published for `user`, as their Home tab shows it."""
        return copy.deepcopy(self._views.home(user))

    def last_view(self, callback_id: str | None = None) -> dict | None:
        return copy.deepcopy(self._views.latest(callback_id))

    def read_dates_in(self, zone: ZoneInfo) -> None:
        """From now on transcripts read `<!date…>` as a reader in `zone` does at that moment, as
        Slack's clients show it; until then, as its UTC fallback."""
        self._reader_zone = zone

    def transcript(self, channel: str, dates: DateReader | None = None) -> str:
        """The channel as a person reads it; dates as `dates` reads them (a reader's zone and now)."""
        channel_obj = self.workspace.channel(channel)
        title = f"@{self._display_name(channel_obj.im_user)}" if channel_obj.is_im else f"#{channel_obj.name}"
        return render_channel(title, self.workspace.channel_messages(channel_obj.id), self._display_name,
                              dates or self._reader())

    def thread_transcript(self, channel: str, ts: str, dates: DateReader | None = None) -> str:
        """One message and the replies in its thread, as a person reads them."""
        channel_obj = self.workspace.channel(channel)
        return render_channel(f"#{channel_obj.name}", self.workspace.thread_messages(channel_obj.id, ts),
                              self._display_name, dates or self._reader())

    def transcript_of_blocks(self, blocks: list[dict], dates: DateReader | None = None) -> str:
        """An ephemeral or view's blocks as a person would read them."""
        return "\n".join(render_message({"blocks": blocks}, "(only you)", self._display_name, "",
                                         dates or self._reader()))

    def _reader(self) -> DateReader | None:
        return DateReader(self._reader_zone, datetime.now(timezone.utc)) if self._reader_zone else None

    def _display_name(self, user_id: str | None) -> str:
        user = self.workspace.users.get(user_id or "")
        if user is None:
            channel = self.workspace.channels.get(user_id or "")
            return channel.name if channel else user_id or "unknown"
        return user.name if user.is_bot else user.real_name

    # -- response_url sink -----------------------------------------------------

    def new_response_url(self, *, channel: str | None = None, user: str | None = None,
                         message_ts: str | None = None) -> str:
        """A fresh response_url; the optional context lets in_channel/replace/delete posts take effect."""
        return self._responses.new(self.base_url, channel=channel, user=user, message_ts=message_ts)

    @property
    def responses(self) -> list[dict]:
        return copy.deepcopy(self._responses.journal.items())

    def wait_for_response(self, count: int = 1, timeout: float = 15.0,
                          where: Callable[[dict], bool] | None = None) -> list[dict]:
        def describe(matching: list, seen: list) -> str:
            return f"expected {count} response_url post(s) within {timeout}s, got {len(matching)} of {len(seen)}"

        found = self._responses.journal.wait(count, timeout, lambda r: where is None or where(r), describe)
        return copy.deepcopy(found)

    # -- failure injection -----------------------------------------------------

    def fail(self, method: str, *, error: str = "internal_error", status: int = 200, times: int = 1,
             retry_after: float | None = None, where: Callable[[dict], bool] | None = None,
             after_doing: bool = False) -> None:
        """Answer the next `times` calls to `method` (or "response_url") whose arguments match
        `where` (any, by default) with an error; with `after_doing`, the call takes effect first,
        as when Slack stores a message and its answer is lost. With `status` CONNECTION_DROPPED
        the connection is closed without any answer."""
        self._faults.fail(method, error, status, times, retry_after, where, after_doing)

    def fail_randomly(self, share: float, seed: int = 1, methods: set[str] | None = None,
                      rate_limits_only: bool = False) -> None:
        """Answer `share` of the later calls (to `methods`, or every Web API method) with a 429, or
        a 429 or a 500, chosen by `seed`."""
        self._faults.fail_randomly(share, seed, methods, rate_limits_only)

    def delay(self, method: str, seconds: float) -> None:
        self._faults.delay(method, seconds)

    def limit_posts_per_channel(self, seconds_between_posts: float = 1.0) -> None:
        """Answer a second chat.postMessage to one channel within the interval with 429, as Slack does."""
        self._api.channel_rate_limit.enable(seconds_between_posts)

    def hold_at_rate_limit(self, channel: str, retry_after: int = 0,
                           methods: frozenset[str] = HELD_METHODS) -> None:
        """Answer every chat.postMessage and chat.update (or only `methods`) in `channel` 429 with
        `retry_after`, as a channel flooded by another app would be, until `release_rate_limit`."""
        self._api.channel_rate_limit.hold(channel, retry_after, methods)

    def release_rate_limit(self, channel: str) -> None:
        self._api.channel_rate_limit.release(channel)

    # -- Socket Mode -------------------------------------------------------------

    def socket_connected(self, timeout: float = 5.0, *, count: int = 1) -> int:
        """Wait until `count` Socket Mode connections are open; return how many there have been in total."""
        return self._socket.wait_connected(timeout, count=count)

    @property
    def open_socket_connections(self) -> int:
        return self._socket.open_connections

    def send_envelope(self, type: str, payload: dict, *, retry_attempt: int = 0,
                      envelope_id: str | None = None, timeout: float = 5.0,
                      retry_reason: str | None = None, connection: int | None = None) -> dict:
        """Deliver an envelope on the newest open connection, or on the one at index `connection`
        among those open (oldest first), and return the client's ack for it."""
        return self._socket.send_envelope(type, payload, retry_attempt=retry_attempt, retry_reason=retry_reason,
                                          envelope_id=envelope_id, connection=connection, timeout=timeout)

    def request_reconnect(self, timeout: float = 5.0) -> int:
        return self._socket.request_reconnect(timeout)
