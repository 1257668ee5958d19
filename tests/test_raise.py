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
    assert count(bot.db_path, "events") == 1


def test_priority_and_line_choose_the_queue(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Database down")
    assert (esc["priority"], esc["line"]) == ("P1", 3)
    assert "L3 · Engineering" in card_text(cards_in(standin, L3)[0])
