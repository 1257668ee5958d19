"""The survey DM, its thank-you, the comment form and `/csat` receipts: pure Block Kit."""

import json

from commands.block_kit import button, input_state
from commands.csat import ids
from commands.text import clean_user_text, escape, one_line, too_long
from storage.csat import Recorded
from storage.model import Escalation

USAGE = "/csat ESC-12 <1-5> [comment]"
COMMENT_LIMIT = 2000


def render_survey(esc: Escalation) -> list[dict]:
    question = f"*{esc.key}* is resolved: _{escape(one_line(esc.summary, 200))}_\nHow satisfied are you with how it was handled?"
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": question}},
        {"type": "actions", "block_id": ids.BLOCK_SURVEY_SCORES, "elements": _score_buttons(esc)},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "1 = very unhappy · 5 = very happy. You can add a comment after."}]},
    ]


def _score_buttons(esc: Escalation) -> list[dict]:
    return [button(str(score), action_id, str(esc.id)) for score, action_id in enumerate(ids.ACTION_SCORES, start=1)]


def survey_text(esc: Escalation) -> str:
    return f"{esc.key} is resolved. How did we do? Answer 1 to 5."


def answer_words(key: str, score: int, recorded: Recorded) -> str:
    if recorded.replaced_score is not None:
        return f"Your new score {score} for {key} replaces your earlier {recorded.replaced_score}."
    if not recorded.counted:
        return f"Recorded {score} for {key}; a later answer already counts."
    return f"Thank you: {score} for {key} is recorded."


def render_thanks(esc: Escalation, score: int, recorded: Recorded) -> list[dict]:
    """The survey after an answer: the answer can still change, and a comment can follow."""
    comment = button("Add a comment", ids.ACTION_COMMENT, json.dumps({"escalation_id": esc.id, "score": score}))
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"🙏 {answer_words(esc.key, score, recorded)}"}},
        {"type": "actions", "block_id": ids.BLOCK_SURVEY_SCORES, "elements": [*_score_buttons(esc), comment]},
    ]


def render_comment_form(esc: Escalation, score: int) -> dict:
    element = {"type": "plain_text_input", "action_id": ids.INPUT_COMMENT, "multiline": True,
               "max_length": COMMENT_LIMIT}
    return {
        "type": "modal",
        "callback_id": ids.MODAL_COMMENT,
        "private_metadata": json.dumps({"escalation_id": esc.id, "score": score}),
        "title": {"type": "plain_text", "text": f"Comment on {esc.key}"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{"type": "input", "block_id": ids.BLOCK_COMMENT, "element": element,
                    "label": {"type": "plain_text", "text": "What should we know?"}}],
    }


def typed_comment(state_values: dict) -> str:
    """A text input's value is plain text already (Slack adds no markup), escaped when shown."""
    return clean_user_text(input_state(state_values, ids.BLOCK_COMMENT, ids.INPUT_COMMENT).get("value") or "")


def comment_errors(state_values: dict) -> dict[str, str]:
    typed = typed_comment(state_values)
    if not typed.strip():
        return {ids.BLOCK_COMMENT: "Write a comment, or close the form: your score is kept without one."}
    if len(typed) > COMMENT_LIMIT:
        return {ids.BLOCK_COMMENT: too_long(typed, COMMENT_LIMIT)}
    return {}


def read_comment(state_values: dict) -> str:
    return typed_comment(state_values).strip()
