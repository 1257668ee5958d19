"""Two instances in Socket Mode, each with its own connection and working directory, sharing one
PostgreSQL database: Slack delivers each envelope to one of them and may redeliver to the other,
and every request still has one effect."""

import pytest

from standin import SocketModeDriver
from standin.payloads import Payloads
from tests.flow import HELP, run_concurrently
from tests.harness import start_socket_mode_bot
from tests.test_instances_apart import apart, each_stored_once_with_both_cards
from tests.test_endpoints import metric

pytestmark = pytest.mark.needs_postgres
BURST = 10


def test_a_burst_over_two_socket_connections_stores_each_once_and_a_redelivery_to_the_other_does_nothing(standin, tmp_path):
    url, workdirs = apart(tmp_path)
    bots = []
    try:
        for workdir in workdirs:
            bots.append(start_socket_mode_bot(standin, workdir, SUPPORTBOT_DB=url))
        standin.socket_connected(count=2)
        sockets = [SocketModeDriver(standin, connection=index) for index in (0, 1)]

        run_concurrently(*(lambda n=n: sockets[n % 2].command(f"new Burst case {n}", trigger_id=f"trig.{n}")
                           for n in range(BURST)))
        ts = standin.post_user_message(HELP, "Search is empty")
        payloads = Payloads(standin)
        reaction = payloads.event_callback(payloads.reaction_added(HELP, ts, reaction="sos", user="U0AGENT1"),
                                           event_id="Ev0SOCKETS")
        assert standin.send_envelope("events_api", reaction, connection=0)["envelope_id"]
        assert standin.send_envelope("events_api", reaction, connection=1, retry_attempt=1)["envelope_id"]

        each_stored_once_with_both_cards(standin, url, BURST)
        assert not standin.calls_to("chat.postEphemeral"), "the redelivery is recognised, not refused"
        commands_each = [metric(bot.url, "supportbot_requests_total", kind="command") for bot in bots]
        assert commands_each == [BURST / 2, BURST / 2], "each connection delivered its half of the burst"
    finally:
        for bot in bots:
            bot.stop()
