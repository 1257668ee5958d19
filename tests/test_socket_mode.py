"""Socket Mode, the way most teams run the bot: raise over the socket, survive a reconnect, ignore a redelivery."""

from standin import SocketModeDriver
from tests.flow import HELP, L1, cards_in, count, rows
from tests.harness import start_socket_mode_bot


def test_raise_reconnect_and_redelivery_over_socket_mode(standin, tmp_path):
    bot = start_socket_mode_bot(standin, tmp_path)
    try:
        socket = SocketModeDriver(standin)
        ack = socket.command("new P1 Raised over the socket", channel=HELP)
        assert "envelope_id" in ack
        standin.wait_for("chat.postMessage", count=2)
        standin.wait_idle()
        assert rows(bot.database, "SELECT summary, priority FROM escalations") == [{"summary": "Raised over the socket", "priority": "P1"}]

        assert standin.request_reconnect(timeout=20) == 2
        ts = standin.post_user_message(HELP, "Webhooks are delayed")
        socket.reaction_added(HELP, ts, event_id="Ev0SOCKET")
        standin.wait_for("chat.postMessage", count=4)
        standin.wait_idle()
        assert socket.reaction_added(HELP, ts, event_id="Ev0SOCKET", retry_num=1)["envelope_id"]
        standin.wait_idle()
        assert count(bot.database, "escalations") == 2
        assert len(cards_in(standin, L1)) == 2
        assert not standin.calls_to("chat.postEphemeral"), "the redelivery is recognised, not refused"
    finally:
        bot.stop()

