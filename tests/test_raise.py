from tests.flow import HELP, L1, L3, card_text, cards_in, count, raise_by_command


def test_command_raises_with_cards_in_origin_and_queue(bot, standin):
    esc = raise_by_command(bot, standin, "new P2 Checkout fails for EU cards")
    assert (esc["id"], esc["priority"], esc["line"], esc["status"], esc["requester"]) == (1, "P2", 1, "open", "U0AGENT1")
    origin, queue = cards_in(standin, HELP), cards_in(standin, L1)
    assert len(origin) == 1 and len(queue) == 1
    assert origin[0]["ts"] == esc["origin_ts"] and not origin[0].get("thread_ts")
    for card in (origin[0], queue[0]):
        assert "ESC-1 · Checkout fails for EU cards" in card_text(card) and "P2" in card_text(card)
    assert not standin.responses and not standin.ephemerals, "the card in the channel is the answer"
    assert count(bot.database, "events") == 1


def test_priority_and_line_choose_the_queue(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Database down")
    assert (esc["priority"], esc["line"]) == ("P1", 3)
    assert "L3 · Engineering" in card_text(cards_in(standin, L3)[0])


def test_bot_joins_a_public_channel_it_is_not_in_and_says_so_for_a_private_one(bot, standin):
    public = standin.add_channel("war-room", bot_is_member=False)
    esc = raise_by_command(bot, standin, "new Joined on demand", channel=public)
    assert standin.calls_to("conversations.join")[0].args["channel"] == public
    assert cards_in(standin, public)[0]["ts"] == esc["origin_ts"]

    private = standin.add_channel("secret-ops", is_private=True, bot_is_member=False)
    raise_by_command(bot, standin, "new Nobody invited me", channel=private)
    warning = standin.responses[-1]["body"]["text"]
    assert "Saved, but Slack refused the card in <#" in warning and "not_in_channel" in warning and "/invite @supportbot" in warning
    assert len(cards_in(standin, L1)) == 2, "the queue card is still posted"


def test_a_card_refused_in_an_archived_channel_says_it_is_archived(bot, standin):
    archived = standin.add_channel("old-help")
    standin.archive_channel(archived)
    bot.driver.command("new Raised in an archived channel", channel=archived)
    warning = standin.wait_for_response()[-1]["body"]["text"]
    assert "Saved, but Slack refused the card in <#" in warning and "is archived" in warning
    assert "/invite" not in warning, "inviting the bot would not help"
    assert len(cards_in(standin, L1)) == 1 and count(bot.database, "escalations") == 1
