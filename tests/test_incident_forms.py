"""The update form and the draft card's guard rails, rendered and read back without Slack."""

import json
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from standin import form_values, selected_option
from commands.incident import ids
from commands.incident.card_blocks import DRAFTING_HELP, render_card
from commands.incident.follow_up_form import follow_up_errors, read_follow_up, render_follow_up_form
from storage.incident_model import LIVE, FollowUp, Incident, IncidentStatus
from tests.blockkit import assert_valid_blocks, assert_valid_view

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
CHANNELS = ["C0STATUS", "C0HELP", "C0GENERAL"]


def incident(status=IncidentStatus.INVESTIGATING) -> Incident:
    return Incident(id=3, title="Checkout is down", status=status, severity="SEV1", notify_here=False,
                    channels=tuple(CHANNELS), created_by="U0AGENT1", broadcast_by="U0LEAD1", card_channel="C0HELP",
                    card_ts="1.0001", picked_ts=None, created_at=T0, scheduled_for=T0, started_at=T0, resolved_at=None)


def submitted(view: dict, status: str | None, text: str | None) -> dict:
    values = {f"{ids.BLOCK_FOLLOW_UP_TEXT}/{ids.INPUT_FOLLOW_UP_TEXT}": text}
    if status:
        values[f"{ids.BLOCK_FOLLOW_UP_STATUS}/{ids.INPUT_FOLLOW_UP_STATUS}"] = selected_option(status)
    return {**view, "state": {"values": form_values(values)}}


def test_the_update_form_is_prefilled_says_where_it_goes_and_reads_back_what_was_edited():
    view = render_follow_up_form(incident(), CHANNELS, FollowUp(IncidentStatus.IDENTIFIED, "Cause found.", "5.0001"))
    assert_valid_view(view)
    assert view["title"]["text"] == "Update INC-3" and view["submit"]["text"] == "Post to 3 channels"
    assert "<#C0STATUS>, <#C0HELP>, <#C0GENERAL>" in view["blocks"][0]["text"]["text"]
    status, words = view["blocks"][1]["element"], view["blocks"][2]["element"]
    assert [option["value"] for option in status["options"]] == ["investigating", "identified", "monitoring", "resolved"]
    assert status["initial_option"]["value"] == "identified" and words["initial_value"] == "Cause found."
    assert view["blocks"][2]["optional"] is True
    sent = submitted(view, "monitoring", "  Cause found:\u202e a bad\x00 deploy.\x1b[31m ")
    assert follow_up_errors(sent["state"]["values"]) == {}
    assert read_follow_up(sent) == FollowUp(IncidentStatus.MONITORING, "Cause found: a bad deploy.", "5.0001")


def test_the_resolve_form_asks_for_the_closing_message_and_refuses_without_one():
    view = render_follow_up_form(incident(), CHANNELS[:1], FollowUp(IncidentStatus.RESOLVED, ""))
    assert_valid_view(view)
    assert view["title"]["text"] == "Resolve INC-3" and view["submit"]["text"] == "Post to 1 channel"
    assert view["blocks"][2]["label"]["text"] == "Closing message" and view["blocks"][2]["optional"] is False
    assert "initial_value" not in view["blocks"][2]["element"]
    assert json.loads(view["private_metadata"]) == {"incident_id": 3, "draft_ts": None}
    refused = follow_up_errors(submitted(view, "resolved", "   ")["state"]["values"])
    assert "Write the closing message" in refused[ids.BLOCK_FOLLOW_UP_TEXT]
    assert set(follow_up_errors(submitted(view, "discarded", "x" * 3001)["state"]["values"])) == {
        ids.BLOCK_FOLLOW_UP_STATUS, ids.BLOCK_FOLLOW_UP_TEXT}
    assert set(follow_up_errors(submitted(view, None, "")["state"]["values"])) == {ids.BLOCK_FOLLOW_UP_STATUS}


def test_discard_and_cancel_ask_first_and_the_drafting_help_goes_once_the_notice_is_out():
    for status, action_id in ((IncidentStatus.DRAFT, ids.ACTION_DISCARD), (IncidentStatus.SCHEDULED, ids.ACTION_CANCEL)):
        card = render_card(incident(status))
        assert_valid_blocks(card)
        (guarded,) = [e for b in card if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id]
        assert guarded["confirm"]["confirm"]["text"] and guarded["confirm"]["deny"]["text"] == "Keep it"
        assert DRAFTING_HELP in repr(card)
    live = repr(render_card(incident()))
    assert "confirm" not in live and "Reply in this thread to write the notice" not in live
    assert "Reply in this thread" not in repr(render_card(incident(IncidentStatus.RESOLVED)))


@given(status=st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["resolved", "identified", "draft"])),
       text=st.one_of(st.none(), st.text(max_size=40), st.text(min_size=3001, max_size=3002)))
def test_any_submission_is_refused_in_the_form_or_reads_back_as_a_follow_up_it_may_post(status, text):
    view = render_follow_up_form(incident(), CHANNELS, FollowUp(IncidentStatus.IDENTIFIED, ""))
    sent = submitted(view, status, text)
    errors = follow_up_errors(sent["state"]["values"])
    if errors:
        assert set(errors) <= {ids.BLOCK_FOLLOW_UP_STATUS, ids.BLOCK_FOLLOW_UP_TEXT}, "shown under its field"
        return
    notice = read_follow_up(sent)
    assert notice.status in (*LIVE, IncidentStatus.RESOLVED) and len(notice.text) <= 3000
    assert notice.text or notice.status is not IncidentStatus.RESOLVED
