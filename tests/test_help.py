"""Help that answers what people type: /esc help by task, close verbs for a typo, and a bare
/shift, /csat or /digest showing its own usage."""

from datetime import timedelta

import pytest

from bot.config import parse_team_config
from commands.esc import parse as p
from commands.esc.priorities import priority_label
from commands.esc.reply_blocks import render_help
from storage.errors import UsageError
from tests.blockkit import assert_valid_blocks
from tests.flow import HELP
from tests.test_blocks import RAW_TEAM, TEAM

FAST_TEAM = parse_team_config({**RAW_TEAM, "escalations": {"watch_channels": ["C0HELP"], "reaction": "fire"},
                               "sla": {"P1": {"ack": "5m", "take": "3m"}, "P4": {"take": "2d"}}})


def test_esc_help_is_grouped_by_task_and_covers_every_way_in():
    blocks = render_help(FAST_TEAM)
    assert_valid_blocks(blocks)
    texts = [b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in blocks[1:]]
    headings = [text.split("\n")[0] for text in texts if text.startswith("*")]
    assert headings == ["*Raise*", "*What P1–P4 mean* (this team's SLA)", "*Work*", "*Find*", "*For leads*"]
    shown = "\n".join(texts)
    for way_in in ("`/esc` — the form", "`/esc new [P1-P4] [L1|L2|L3] &lt;summary&gt;`", "React :fire: to a message in <#C0HELP>",
                   "*Escalate message*", "reply `ack` in the card's thread", ":eyes:", "`/esc ack ESC-12`",
                   "`/incident draft &lt;title&gt;`", "`/digest [today|yesterday|7d|YYYY-MM-DD]`", "`/shift summary [NAME]`",
                   "`/csat ESC-12 &lt;1-5&gt; [comment]`"):
        assert way_in in shown, way_in
    assert all(f"`/esc {verb}" in shown for verb in p.PARSERS)
    assert "P1 · Critical — owner within 3 min, line 3 acknowledges within 5 min" in shown
    assert "P4 · Low — owner within 2 d, line 3 acknowledges within 1 d" in shown, "priorities left out keep the defaults"


def test_priority_label_reads_the_configured_take_deadline():
    assert priority_label("P2", TEAM.sla) == "P2 · High — owner within 30 min"
    assert TEAM.sla.allowed("take", "P2") == timedelta(minutes=30)


@pytest.mark.parametrize("text, suggestion", [
    ("upp ESC-12", "Did you mean `/esc up ESC-12`?"),
    ("tak 12", "Did you mean `/esc take 12` or `/esc ack 12`?"),
    ("escalate 3 needs logs", "Did you mean `/esc up 3 needs logs`?"),
    ("acknowledge 4", "Did you mean `/esc ack 4`?"),
    ("lst", "Did you mean `/esc list [mine|unowned|open|L1|L2|L3]`?"),
])
def test_an_unknown_verb_suggests_the_closest_verbs_not_all_of_them(text, suggestion):
    with pytest.raises(UsageError) as caught:
        p.parse(text)
    assert f"`{text.split()[0]}` is not an /esc command." == caught.value.message
    assert caught.value.hint.startswith(suggestion) and caught.value.hint.count("/esc") <= 4


def test_a_verb_like_none_of_them_points_to_help():
    with pytest.raises(UsageError) as caught:
        p.parse("frobnicate 12")
    assert caught.value.hint == "See every command with `/esc help`."


def answer(bot, standin, command, text=""):
    answered = len(standin.responses)
    assert bot.driver.command(text, command=command, user="U0LEAD1", channel=HELP).status == 200
    return standin.wait_for_response(count=answered + 1)[-1]["body"]


def test_bare_shift_csat_and_digest_show_their_usage_without_a_warning(bot, standin):
    for command, usage in (("/shift", "/shift summary [NAME]"), ("/csat", "/csat ESC-12 &lt;1-5&gt; [comment]"),
                           ("/digest", "/digest [today|yesterday|7d|YYYY-MM-DD]")):
        body = answer(bot, standin, command)
        shown = repr(body["blocks"])
        assert body["response_type"] == "ephemeral" and body["blocks"][0]["text"]["text"].endswith(f"with {command}")
        assert usage in shown and "⚠️" not in shown and "❌" not in shown, command
    assert "Shifts: EMEA, Americas." in repr(answer(bot, standin, "/shift", "help")["blocks"])
    esc_help = answer(bot, standin, "/esc", "help")
    assert "*For leads*" in repr(esc_help["blocks"]) and "P1 · Critical — owner within 10 min" in repr(esc_help["blocks"])
