"""Incident renderers and the /incident parser: valid Block Kit, neutral text, typed requests."""

from datetime import datetime, timedelta, timezone

import pytest

from commands.incident import ids
from commands.incident import parse as p
from commands.incident.card_blocks import copy_text, note_text, render_card, render_copy
from commands.incident.modal import plan_errors, read_plan, render_broadcast_modal
from commands.incident.failure_blocks import render_failures
from commands.incident.reply_blocks import render_help, render_list, render_preview
from storage.errors import UsageError
from storage.incident_model import BroadcastPlan, Incident, IncidentStatus, Step
from tests.blockkit import assert_valid_blocks, assert_valid_view
from tests.incident_flow import plan

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
HOSTILE = "@channel @here <!subteam^S1> & <b> pay at <https://evil.example|bank>"


def incident(**changes) -> Incident:
    values = dict(id=3, title="Checkout <is> down", status=IncidentStatus.INVESTIGATING, severity="SEV1",
                  notify_here=False, channels=("C0STATUS", "C0HELP"), created_by="U0AGENT1", broadcast_by="U0LEAD1",
                  card_channel="C0HELP", card_ts="1.0001", picked_ts=None, created_at=T0, scheduled_for=None,
                  started_at=T0, resolved_at=None)
    values.update(changes)
    return Incident(**values)


@pytest.mark.parametrize("status", list(IncidentStatus))
def test_every_card_and_copy_is_valid_block_kit(status):
    shown = incident(status=status, scheduled_for=T0 + timedelta(hours=1),
                     resolved_at=T0 + timedelta(hours=2) if status is IncidentStatus.RESOLVED else None)
    for blocks in (render_card(shown), render_copy(shown, HOSTILE, T0), render_preview(shown, render_copy(shown, "x", T0))):
        assert_valid_blocks(blocks)


def test_copy_text_is_escaped_and_here_only_when_asked():
    blocks = repr(render_copy(incident(), HOSTILE, T0))
    assert "@channel @here &lt;!subteam^S1&gt; &amp; &lt;b&gt;" in blocks and "<!" not in blocks.replace("<!date^", "")
    assert "Checkout &lt;is&gt; down" in blocks
    asked = incident(notify_here=True)
    assert "<!here> @channel" in repr(render_copy(asked, HOSTILE, T0)) and copy_text(asked, asked.status) == "INC-3 Investigating: Checkout &lt;is&gt; down <!here>"
    assert "<!here>" not in copy_text(incident(), IncidentStatus.INVESTIGATING)


def test_a_draft_previews_as_investigating_and_notes_say_the_status():
    draft = incident(status=IncidentStatus.DRAFT, severity=None, started_at=None)
    assert "Investigating" in repr(render_copy(draft, "words", T0)) and "SEV2" in repr(render_copy(draft, "words", T0))
    resolved = incident(status=IncidentStatus.RESOLVED, resolved_at=T0 + timedelta(minutes=95))
    step = Step(3, 2, IncidentStatus.RESOLVED, "Fixed <now>", "U0LEAD1", T0)
    assert note_text(resolved, step) == "*✅ Resolved* after 1 h 35 min.\nFixed &lt;now&gt;"


def test_the_modal_is_valid_preselects_channels_and_reads_back_a_plan():
    view = render_broadcast_modal(incident(status=IncidentStatus.DRAFT), ("C0STATUS", "C0HELP"), HOSTILE)
    assert_valid_view(view)
    assert "Every channel gets this notice:*\n@channel @here &lt;!subteam^S1&gt;" in view["blocks"][0]["text"]["text"]
    assert view["blocks"][1]["element"]["initial_conversations"] == ["C0STATUS", "C0HELP"]
    submitted = plan(["C0STATUS", "C0STATUS", "C0HELP"], severity="SEV3", here=True, at=int(T0.timestamp()))
    assert read_plan(submitted) == BroadcastPlan(("C0STATUS", "C0HELP"), "SEV3", True, T0)
    assert plan_errors(submitted, T0 - timedelta(minutes=1)) == {}
    refused = plan_errors(plan([], severity="SEV9", at=int(T0.timestamp())), T0)
    assert set(refused) == {ids.BLOCK_CHANNELS, ids.BLOCK_SEVERITY, ids.BLOCK_SCHEDULE}
    assert "at most a year ahead" in plan_errors(plan(["C0STATUS"], at=10**12), T0)[ids.BLOCK_SCHEDULE]
    assert "not a channel" in plan_errors(plan(["C0STATUS", "#status"]), T0)[ids.BLOCK_CHANNELS]


def test_replies_are_valid_block_kit():
    assert_valid_blocks(render_help())
    assert_valid_blocks(render_list([incident(), incident(id=4, status=IncidentStatus.RESOLVED)], {3: ["<https://x|#status>"]}))
    assert_valid_blocks(render_list([], {}))
    unreached = {"C0WAR": "not_in_channel", "C0OLD": "is_archived", "C0GONE": "is_archived", "C0ODD": "fatal_error"}
    failures = render_failures(incident(), 0, unreached, {"C0BUSY": "ratelimited"})
    assert_valid_blocks(failures)
    shown = repr(failures)
    assert "could not reach 4 channels" in shown and "1 copy of *INC-3* still shows an older status" in shown
    assert "*I am not a member:* <#C0WAR>. Invite me with `/invite @supportbot`, then retry." in shown
    assert "*Archived:* <#C0OLD>, <#C0GONE>. Unarchive it, then retry." in shown
    assert "*Slack answered `fatal_error`:* <#C0ODD>. Check the channel, then retry." in shown
    assert "*Rate limited, Slack kept refusing me there:* <#C0BUSY>. Wait a minute, then retry." in shown
    assert_valid_blocks(render_failures(incident(), 0, {f"C0{n:07d}": "ratelimited" for n in range(200)}))


@pytest.mark.parametrize("text, expected", [
    ("", p.Help()),
    ("draft  Checkout <!channel> down ", p.Draft("Checkout @channel down")),
    ("preview INC-3", p.Preview(3)),
    ("broadcast inc-3", p.Broadcast(3)),
    ("update 3", p.Update(3, None)),
    ("update INC-3 Monitoring", p.Update(3, IncidentStatus.MONITORING)),
    ("resolve INC-3 cert renewed", p.Resolve(3, "cert renewed")),
    ("resolve INC-3", p.Resolve(3, None)),
    ("list", p.List()),
])
def test_incident_commands_parse(text, expected):
    assert p.parse(text) == expected


@pytest.mark.parametrize("text, words", [
    ("draft", "Give the incident a title"),
    ("update INC-3 resolved", "not a status an update can set"),
    ("preview ESC-3", "Name the incident"),
    ("explode", "not a command I know"),
])
def test_bad_incident_commands_say_how(text, words):
    with pytest.raises(UsageError, match=words):
        p.parse(text)
