"""The local Slack stand-in behaves like Slack towards real slack_sdk / Bolt clients."""

import json
import threading
import time
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient
from websockets.sync.client import connect

from standin import SlackDriver, SlackStandIn, SocketModeDriver, form_values, selected_option

SECRET = "standin-test-secret"


@pytest.fixture
def slack():
    with SlackStandIn(signing_secret=SECRET) as running:
        yield running


@pytest.fixture
def client(slack):
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def test_web_client_posts_updates_and_fetches_messages(slack, client):
    first = client.chat_postMessage(channel="C0HELP", text="printer on fire")
    second = client.chat_postMessage(channel="C0HELP", text="still burning")
    client.chat_postMessage(channel="C0HELP", text="on it", thread_ts=first["ts"])
    client.chat_update(channel="C0HELP", ts=first["ts"], text="printer fire (P1)",
                       blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*printer fire*"}}])

    assert first["ok"] and first["channel"] == "C0HELP" and first["message"]["text"] == "printer on fire"
    assert float(second["ts"]) > float(first["ts"])
    one = client.conversations_history(channel="C0HELP", latest=first["ts"], inclusive=True, limit=1)
    assert [m["ts"] for m in one["messages"]] == [first["ts"]]
    assert one["messages"][0]["text"] == "printer fire (P1)" and one["messages"][0]["reply_count"] == 1
    replies = client.conversations_replies(channel="C0HELP", ts=first["ts"])
    assert [m["text"] for m in replies["messages"]] == ["printer fire (P1)", "on it"]

    stored = slack.messages("C0HELP")
    assert [m["text"] for m in stored] == ["printer fire (P1)", "still burning", "on it"]
    assert stored[0]["edited"]["user"] == "U0BOT" and stored[2]["thread_ts"] == first["ts"]
    assert slack.calls_to("chat.update")[0].args["blocks"][0]["type"] == "section"
    assert slack.transcript("C0HELP").splitlines() == [
        "#help", "supportbot: *printer fire* (edited)", "    supportbot: on it", "supportbot: still burning",
    ]


def test_errors_look_like_slack(slack, client):
    with pytest.raises(SlackApiError) as missing:
        client.chat_postMessage(channel="C0NOPE", text="hello?")
    with pytest.raises(SlackApiError) as wrong_token:
        WebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test()
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("chat.teleport")
    with pytest.raises(SlackApiError) as no_user:
        client.users_info(user="U0NOBODY")

    assert missing.value.response["error"] == "channel_not_found"
    assert wrong_token.value.response["error"] == "invalid_auth"
    assert unknown.value.response["error"] == "unknown_method"
    assert no_user.value.response["error"] == "user_not_found"
    assert client.users_info(user="U0GONE")["user"]["deleted"] is True
    assert [c.failed for c in slack.calls] == [True, True, True, True, False]


def test_conversations_list_paginates(slack, client):
    extra = [slack.add_channel(f"incident-{n}") for n in range(2)]
    pages = [page.data for page in client.conversations_list(limit=4)]

    names = [c["name"] for page in pages for c in page["channels"]]
    assert len(pages) == 3 and [len(p["channels"]) for p in pages] == [4, 4, 1]
    assert names[:2] == ["general", "help"] and names[-2:] == ["incident-0", "incident-1"]
    assert pages[-1]["response_metadata"]["next_cursor"] == ""
    assert [c.args.get("cursor") for c in slack.calls_to("conversations.list")][0] is None
    assert client.conversations_info(channel=extra[0])["channel"]["name"] == "incident-0"


def test_rate_limit_is_retried_by_slack_sdk(slack):
    client = WebClient(token=slack.bot_token, base_url=slack.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    slack.fail("chat.postMessage", error="ratelimited", status=429, retry_after=1)
    started = time.monotonic()

    response = client.chat_postMessage(channel="C0SUPL1", text="after the storm")

    assert response["ok"] and time.monotonic() - started >= 1.0
    first, second = slack.wait_for("chat.postMessage", count=2)
    assert (first.failed, first.status, first.response["error"]) == (True, 429, "ratelimited")
    assert (second.failed, second.status) == (False, 200)
    assert [m["text"] for m in slack.messages("C0SUPL1")] == ["after the storm"]


def test_server_errors_and_delays_can_be_injected(slack, client):
    slack.fail("users.info", error="fatal_error", status=503)
    slack.delay("auth.test", 0.2)

    with pytest.raises(SlackApiError) as failure:
        client.users_info(user="U0ENG1")
    started = time.monotonic()
    client.auth_test()

    assert failure.value.response.status_code == 503
    assert time.monotonic() - started >= 0.2
    assert client.users_info(user="U0ENG1")["user"]["real_name"] == "Eli Engineer"
    with pytest.raises(TimeoutError, match="views.open.*users.info x2"):
        slack.wait_for("views.open", timeout=0.1)


def test_an_archived_channel_refuses_posts_edits_and_joins_until_unarchived(slack, client):
    posted = client.chat_postMessage(channel="C0GENERAL", text="before")
    slack.archive_channel("#general")
    assert client.conversations_info(channel="C0GENERAL")["channel"]["is_archived"] is True
    for call in (lambda: client.chat_postMessage(channel="C0GENERAL", text="after"),
                 lambda: client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="edited"),
                 lambda: client.conversations_join(channel="C0GENERAL")):
        with pytest.raises(SlackApiError) as refused:
            call()
        assert refused.value.response["error"] == "is_archived"
    slack.archive_channel("C0GENERAL", archived=False)
    client.chat_postMessage(channel="C0GENERAL", text="after")
    assert [m["text"] for m in slack.messages("C0GENERAL")] == ["before", "after"]


def test_a_channel_held_at_its_rate_limit_refuses_every_post_there_until_released(slack, client):
    posted = client.chat_postMessage(channel="C0HELP", text="before")
    slack.hold_at_rate_limit("#help", retry_after=2)
    for call in (lambda: client.chat_postMessage(channel="C0HELP", text="held"),
                 lambda: client.chat_update(channel="C0HELP", ts=posted["ts"], text="held")):
        with pytest.raises(SlackApiError) as refused:
            call()
        assert refused.value.response.status_code == 429 and refused.value.response.headers["Retry-After"] == "2"
    client.chat_postMessage(channel="C0STATUS", text="other channels are not held")
    slack.hold_at_rate_limit("C0HELP", methods=frozenset({"chat.update"}))
    client.chat_postMessage(channel="C0HELP", text="posts pass when only edits are held")
    slack.release_rate_limit("C0HELP")
    client.chat_update(channel="C0HELP", ts=posted["ts"], text="edited")
    assert [m["text"] for m in slack.messages("C0HELP")] == ["edited", "posts pass when only edits are held"]


def test_concurrent_posts_get_unique_increasing_ts(slack, client):
    results = []

    def post(worker):
        for n in range(5):
            results.append(client.chat_postMessage(channel="C0GENERAL", text=f"{worker}-{n}")["ts"])

    workers = [threading.Thread(target=post, args=(w,)) for w in range(50)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    stored = [m["ts"] for m in slack.messages("C0GENERAL")]
    assert len(set(results)) == 250 and sorted(results) == stored
    assert len(slack.calls_to("chat.postMessage")) == 250


def test_reactions_ephemerals_and_response_urls(slack, client):
    ts = slack.post_user_message("C0HELP", "my laptop is melting", user="U0AGENT2")
    client.reactions_add(channel="C0HELP", timestamp=ts, name="eyes")
    client.chat_postEphemeral(channel="C0HELP", user="U0AGENT2", text="only you can see this")
    url = slack.new_response_url(channel="C0HELP", user="U0AGENT2")

    WebhookClient(url).send(text="working on it")
    WebhookClient(url).send(text="posted for all", response_type="in_channel")
    WebhookClient(url).send(text="replaced", replace_original=True)

    reactions = client.reactions_get(channel="C0HELP", timestamp=ts)["message"]["reactions"]
    assert reactions == [{"name": "eyes", "users": ["U0BOT"], "count": 1}]
    assert [(e["source"], e["user"], e["text"]) for e in slack.ephemerals] == [
        ("chat.postEphemeral", "U0AGENT2", "only you can see this"),
        ("response_url", "U0AGENT2", "working on it"),
    ]
    posts = slack.wait_for_response(count=3)
    assert [p["kind"] for p in posts] == ["ephemeral", "in_channel", "replace"]
    assert posts[2]["body"]["replace_original"] is True
    assert [m["text"] for m in slack.messages("C0HELP")] == ["my laptop is melting", "posted for all"]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _bolt_app(slack, seen):
    client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    app = App(signing_secret=SECRET, client=client)

    @app.command("/esc")
    def escalate(ack, command, client):
        ack(f"escalating: {command['text']}")
        seen.append(("command", command["text"], command["channel_name"]))
        client.chat_postMessage(channel=command["channel_id"], text=f"Escalation for {command['user_name']}",
                                blocks=[{"type": "actions", "block_id": "esc", "elements": [
                                    {"type": "button", "action_id": "triage",
                                     "text": {"type": "plain_text", "text": "Triage"}, "value": "ESC-1"}]}])

    @app.action("triage")
    def triage(ack, body, client):
        ack()
        seen.append(("action", body["actions"][0]["value"], body["message"]["text"]))
        client.views_open(trigger_id=body["trigger_id"], view={
            "type": "modal", "callback_id": "triage_form", "private_metadata": "ESC-1",
            "title": {"type": "plain_text", "text": "Triage"}, "submit": {"type": "plain_text", "text": "Save"},
            "blocks": [{"type": "input", "block_id": "severity", "label": {"type": "plain_text", "text": "Sev"},
                        "element": {"type": "static_select", "action_id": "choice", "options": []}}],
        })

    @app.view("triage_form")
    def triage_form(ack, view):
        ack()
        choice = view["state"]["values"]["severity"]["choice"]["selected_option"]["value"]
        seen.append(("view", view["private_metadata"], choice))

    @app.shortcut("escalate_message")
    def shortcut(ack, shortcut):
        ack()
        seen.append(("shortcut", shortcut["message"]["text"], shortcut["channel"]["name"]))

    @app.event("reaction_added")
    def reaction(event, client):
        client.chat_postMessage(channel=event["item"]["channel"], thread_ts=event["item"]["ts"],
                                text=f":{event['reaction']}: noted")

    return app


@pytest.fixture
def bolt_http(slack):
    seen = []
    handler = SlackRequestHandler(_bolt_app(slack, seen))
    server = make_server("127.0.0.1", 0, handler, server_class=WSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events", seen
    server.shutdown()
    server.server_close()


def test_signed_requests_reach_a_bolt_app_over_http(slack, bolt_http):
    url, seen = bolt_http
    driver = SlackDriver(url, SECRET, slack)

    answer = driver.command("printer on fire", channel="C0SUPL1")
    posted = slack.wait_for("chat.postMessage")[0]
    clicked = driver.block_action("triage", "ESC-1", channel="C0SUPL1")
    opened = slack.wait_for("views.open")[0]
    submitted = driver.view_submission(opened.args["view"], form_values({"severity/choice": selected_option("p1")}))
    shortcut = driver.message_shortcut("escalate_message", channel="C0SUPL1", message_ts=posted.response["ts"])

    assert (answer.status, answer.body_text) == (200, "escalating: printer on fire")
    assert posted.args["text"] == "Escalation for ana.agent"
    assert [clicked.status, submitted.status, shortcut.status] == [200, 200, 200]
    assert seen == [
        ("command", "printer on fire", "support-l1"),
        ("action", "ESC-1", "Escalation for ana.agent"),
        ("view", "ESC-1", "p1"),
        ("shortcut", "Escalation for ana.agent", "support-l1"),
    ]


def test_bad_signatures_and_stale_requests_are_rejected(slack, bolt_http):
    url, seen = bolt_http
    forged = SlackDriver(url, "not-the-secret", slack).command("let me in")
    honest = SlackDriver(url, SECRET, slack)
    body = b"command=%2Fesc&text=old"
    stale = honest.raw(body, {"Content-Type": "application/x-www-form-urlencoded",
                              **honest.sign(body, timestamp=int(time.time()) - 600)})

    assert forged.status == 401 and stale.status == 401
    assert seen == []


def test_event_with_retry_headers_reaches_bolt(slack, bolt_http):
    url, _ = bolt_http
    ts = slack.post_user_message("C0HELP", "db is down")

    response = SlackDriver(url, SECRET, slack).reaction_added("C0HELP", ts, retry_num=1)
    reply = slack.wait_for("chat.postMessage")[0]

    assert response.status == 200
    assert {k: reply.args[k] for k in ("channel", "thread_ts", "text")} == {
        "channel": "C0HELP", "thread_ts": ts, "text": ":sos: noted"}
    assert slack.thread("C0HELP", ts)[1]["text"] == ":sos: noted"


def test_socket_mode_round_trip_with_reconnect(slack):
    seen = []
    app = _bolt_app(slack, seen)
    handler = SocketModeHandler(app, slack.app_token, web_client=app.client)
    handler.connect()
    try:
        driver = SocketModeDriver(slack)
        assert slack.socket_connected() == 1
        first_ack = driver.command("over the socket")
        assert slack.request_reconnect() == 2
        ts = slack.post_user_message("C0HELP", "socket still alive?")
        second_ack = driver.reaction_added("C0HELP", ts, reaction="fire")
        reply = slack.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == ts)[0]
        click_ack = driver.block_action("triage", "ESC-9")
        opened = slack.wait_for("views.open")[0]
    finally:
        handler.close()

    assert first_ack["payload"] == {"text": "escalating: over the socket"}
    assert set(second_ack) == {"envelope_id"} and set(click_ack) == {"envelope_id"}
    assert reply.args["text"] == ":fire: noted"
    assert opened.args["view"]["callback_id"] == "triage_form"
    assert seen[0] == ("command", "over the socket", "help")
    assert seen[1] == ("action", "ESC-9", "Escalation for ana.agent")
    assert len(slack.calls_to("apps.connections.open")) == 2


def test_socket_mode_keeps_every_connection_and_delivers_on_the_one_named(slack):
    seen_first, seen_second = [], []
    handlers = []
    for seen in (seen_first, seen_second):
        app = _bolt_app(slack, seen)
        handlers.append(SocketModeHandler(app, slack.app_token, web_client=app.client))
        handlers[-1].connect()
        slack.socket_connected(count=len(handlers))
    try:
        SocketModeDriver(slack, connection=0).command("to the first")
        SocketModeDriver(slack, connection=1).command("to the second")
        SocketModeDriver(slack).command("to the newest")
        url = WebClient(token=slack.app_token, base_url=slack.api_url).apps_connections_open(app_token=slack.app_token)
        with connect(url["url"]) as third:
            hello = json.loads(third.recv(timeout=5))
    finally:
        for handler in handlers:
            handler.close()

    assert [text for _, text, _ in seen_first] == ["to the first"]
    assert [text for _, text, _ in seen_second] == ["to the second", "to the newest"]
    assert hello["type"] == "hello" and hello["num_connections"] == 3


def test_app_token_is_required_for_socket_urls(slack, client):
    url = WebClient(token=slack.app_token, base_url=slack.api_url).apps_connections_open(app_token=slack.app_token)
    with pytest.raises(SlackApiError) as wrong_type:
        client.apps_connections_open(app_token=slack.bot_token)

    assert url["url"].startswith("ws://127.0.0.1:") and "/link/?ticket=" in url["url"]
    assert wrong_type.value.response["error"] == "not_allowed_token_type"


def test_raw_http_accepts_form_and_json_bodies(slack):
    def call(method, body, content_type):
        request = urllib.request.Request(slack.api_url + method, data=body, method="POST", headers={
            "Content-Type": content_type, "Authorization": f"Bearer {slack.bot_token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    blocks = json.dumps([{"type": "divider"}])
    form = call("chat.postMessage", f"channel=C0LEADS&text=form&blocks={blocks}".encode(),
                "application/x-www-form-urlencoded")
    as_json = call("chat.postMessage", json.dumps({"channel": "C0LEADS", "text": "json"}).encode(),
                   "application/json; charset=utf-8")

    assert form["ok"] and as_json["ok"]
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == [{"type": "divider"}]
    assert [m["text"] for m in slack.messages("C0LEADS")] == ["form", "json"]


def test_blocks_and_views_slack_would_reject_are_refused(standin):
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=standin.bot_token, base_url=standin.api_url)
    too_long_header = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C0HELP", blocks=too_long_header, text="x")
    assert caught.value.response["error"] == "invalid_blocks"
    bad_view = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []}
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id="t.1", view=bad_view)
    assert caught.value.response["error"] == "invalid_arguments"
