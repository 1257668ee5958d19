import pytest

from commands.esc import parse as p
from storage.errors import UsageError


@pytest.mark.parametrize("text, expected", [
    ("", p.OpenModal()),
    ("new Checkout fails", p.New("Checkout fails")),
    ("new P1 L3 DB down", p.New("DB down", "P1", 3)),
    ("new p2 l2 Mixed case", p.New("Mixed case", "P2", 2)),
    ("new L2 only line", p.New("only line", "P3", 2)),
    ("take ESC-12", p.Take(12)),
    ("take esc-12", p.Take(12)),
    ("TAKE 12", p.Take(12)),
    ("assign ESC-3 <@U0SPEC1|sam>", p.Assign(3, "U0SPEC1")),
    ("assign 3 U0SPEC1", p.Assign(3, "U0SPEC1")),
    ("up ESC-3 needs logs", p.Move(3, +1, "needs logs")),
    ("down 3", p.Move(3, -1, None)),
    ("resolve 3 fixed &lt;config&gt;", p.Resolve(3, "fixed <config>")),
    ("reopen ESC-3", p.Reopen(3)),
    ("list", p.List("open")),
    ("list mine", p.List("mine")),
    ("list l2", p.List("L2")),
    ("show 7", p.Show(7)),
    ("handoff <@U0AGENT2|bo>", p.Handoff("U0AGENT2")),
    ("help", p.Help()),
])
def test_parses(text, expected):
    assert p.parse(text) == expected


def test_summary_keeps_broadcasts_as_plain_words():
    assert p.parse("new <!channel> db &amp; api down <https://x.io|here>").summary == "@channel db & api down here (https://x.io)"


@pytest.mark.parametrize("text, message, usage", [
    ("frobnicate", "`frobnicate` is not an /esc command", "/esc help"),
    ("take", "`take` needs an escalation ID", "/esc take ESC-12"),
    ("take ESC-x", "`ESC-x` is not an escalation ID", "/esc take ESC-12"),
    ("take ESC-0", "`ESC-0` is not an escalation ID", "/esc take ESC-12"),
    ("take 12 extra", "`take` takes only an escalation ID", "/esc take ESC-12"),
    ("assign 3 bob", "`bob` is not a person", "/esc assign ESC-12 @person"),
    ("assign 3 <#C0HELP|help>", "`#help` is not a person", "/esc assign ESC-12 @person"),
    ("assign 3 <!subteam^S0ENG|@eng>", "`@eng` is not a person", "/esc assign ESC-12 @person"),
    ("assign 3", "`assign` needs an escalation ID and a person", "/esc assign ESC-12 @person"),
    ("new", "An escalation needs a summary", "/esc new [P1-P4] [L1|L2|L3] <summary>"),
    ("new P1 L2", "An escalation needs a summary", "/esc new"),
    ("list everything", "`everything` is not a list view", "/esc list [mine|unowned|open|L1|L2|L3]"),
    ("handoff", "`handoff` needs the one person", "/esc handoff @person"),
])
def test_bad_input_says_what_is_wrong_and_how(text, message, usage):
    with pytest.raises(UsageError) as caught:
        p.parse(text)
    assert message in caught.value.message
    assert usage in caught.value.hint


def test_overlong_summary_is_refused():
    with pytest.raises(UsageError, match="limit is 3000"):
        p.parse("new " + "x" * 3001)
