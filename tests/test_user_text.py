"""User text loses NUL, terminal escape sequences and bidirectional overrides before it is
stored or posted, wherever it comes in."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.csat.survey_blocks import read_comment
from commands.csat import ids as csat_ids
from commands.esc import ids as esc_ids
from commands.esc.escalate_form import read_reason
from commands.esc.modal_view import read_details
from commands.text import as_code, clean_user_text, plain_text
from standin import form_values
from tests.flow import HELP, rows
from tests.incident_flow import draft, reply

UNSAFE = {"\x00", "\x1b", "\x9b", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
ANSI = st.sampled_from(["\x1b[31m", "\x1b[0m", "\x1b[2J", "\x1b[1;32;40m", "\x1b]0;title\x07", "\x1b]8;;https://x\x1b\\",
                        "\x9b1A", "\x1bc", "\x1b(B"])
HOSTILE = st.lists(st.one_of(st.text(), st.sampled_from(sorted(UNSAFE)), ANSI)).map("".join)


@given(HOSTILE)
def test_nothing_unsafe_survives_and_cleaning_twice_changes_nothing(text):
    cleaned = clean_user_text(text)
    assert not UNSAFE & set(cleaned)
    assert clean_user_text(cleaned) == cleaned
    assert not UNSAFE & set(plain_text(text))


@given(st.text().filter(lambda text: not UNSAFE & set(text)))
def test_ordinary_text_is_left_alone(text):
    assert clean_user_text(text) == text


@given(st.text(), ANSI, st.text())
def test_an_escape_sequence_goes_whole_not_only_its_escape_character(before, sequence, after):
    assert clean_user_text(before + sequence + after) == clean_user_text(before) + clean_user_text(after)


@pytest.mark.parametrize("typed", ["&lt;!channel&gt;", "&lt;!here&gt; now", "<!everyone>", "&lt;https://evil.example|ok&gt;"])
def test_text_quoted_back_in_a_code_span_never_becomes_a_mention_or_a_link(typed):
    quoted = as_code(typed)
    assert "<" not in quoted and ">" not in quoted, quoted


def test_a_comment_typed_in_a_form_is_cleaned():
    typed = form_values({f"{csat_ids.BLOCK_COMMENT}/{csat_ids.INPUT_COMMENT}": "Fast\u202e kcab \x1b[1mthanks\x00"})
    assert read_comment(typed) == "Fast kcab thanks"


def test_the_escalation_forms_fields_are_cleaned():
    typed = form_values({f"{esc_ids.BLOCK_SUMMARY}/{esc_ids.INPUT_SUMMARY}": " Login\u202e pool \x1b[1mfails\x00 ",
                         f"{esc_ids.BLOCK_CUSTOMER}/{esc_ids.INPUT_CUSTOMER}": "ACME\u2067 Corp\x00"})
    details = read_details(typed)
    assert (details.summary, details.customer_ref) == ("Login pool fails", "ACME Corp")
    reason = form_values({f"{esc_ids.BLOCK_REASON}/{esc_ids.INPUT_REASON}": "needs\u202d a fix\x1b[0m"})
    assert read_reason(reason) == "needs a fix"


def test_a_title_and_a_thread_reply_are_stored_clean(bot, standin):
    card = draft(bot, standin, title="Checkout\u202e nwod \x1b[31mdown\x00")
    reply(bot, standin, card, "Payments\u2066 fail\x1b[0m for \x00EU cards.")
    (stored,) = rows(bot.database, "SELECT title FROM incidents")
    (revision,) = rows(bot.database, "SELECT text FROM incident_revisions")
    assert (stored["title"], revision["text"]) == ("Checkout nwod down", "Payments fail for EU cards.")
    assert "\u202e" not in repr(standin.message(HELP, card)["blocks"])
