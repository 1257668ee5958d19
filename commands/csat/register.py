"""Wiring the CSAT feature into the app."""

from bot.surface import SlackSurface
from commands.csat import ids
from commands.csat.slash import handle_csat
from commands.csat.survey import (check_comment, deliver_survey, deliver_thanks, handle_comment, handle_comment_button,
                                  handle_score_button)
from storage.escalation_effects import SURVEY, SURVEY_THANKS


def register(surface: SlackSurface) -> None:
    surface.command(ids.COMMAND, handle_csat, description="Record a customer satisfaction score",
                    usage_hint="ESC-12 <1-5> [comment]")
    for action_id in ids.ACTION_SCORES:
        surface.action(action_id, handle_score_button)
    surface.action(ids.ACTION_COMMENT, handle_comment_button)
    surface.view_submission(ids.MODAL_COMMENT, handle_comment, check=check_comment)
    surface.delivery(SURVEY, deliver_survey)
    surface.delivery(SURVEY_THANKS, deliver_thanks)
    surface.needs("chat:write", "im:write", "im:history")  # im:history: a survey whose answer was lost is looked for
