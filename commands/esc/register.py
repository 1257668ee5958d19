"""Wiring the escalation feature into the app."""

from bot.surface import SlackSurface
from commands.esc import ids
from commands.esc.buttons import handle_button, handle_next_page
from commands.esc.card_menu import check_edit_form, handle_card_menu, handle_edit_form
from commands.esc.cards import DELIVERIES
from commands.esc.escalating import check_escalate_form, handle_escalate_form
from commands.esc.form import check_form, handle_form
from commands.esc.list_menu import check_assign_form, handle_assign_form, handle_row_menu
from commands.esc.message_triggers import handle_reaction, handle_shortcut
from commands.esc.requester_replies import handle_requester_reply
from commands.esc.slash import handle_esc
from jobs.sla_reminders import deliver_reminder
from storage.escalation_effects import REMINDER


def register(surface: SlackSurface) -> None:
    surface.command(ids.COMMAND, handle_esc, description="Raise and work support escalations",
                    usage_hint="new [P1-P4] [L1|L2|L3] summary · take|release|wait|resume|edit|up|down|resolve ESC-12 · list · help")
    surface.event("reaction_added", handle_reaction)
    surface.event("message", handle_requester_reply)
    surface.message_shortcut(ids.SHORTCUT_ESCALATE_MESSAGE, handle_shortcut, name=ids.SHORTCUT_NAME,
                             description="Raise an escalation from this message")
    for action_id in ids.CARD_BUTTONS:
        surface.action(action_id, handle_button)
    surface.action(ids.ACTION_CARD_MENU, handle_card_menu)
    surface.action(ids.ACTION_NEXT_PAGE, handle_next_page)
    surface.action(ids.ACTION_LIST_ROW, handle_row_menu)
    surface.view_submission(ids.MODAL_ASSIGN, handle_assign_form, check=check_assign_form)
    surface.view_submission(ids.MODAL_NEW, handle_form, check=check_form)
    surface.view_submission(ids.MODAL_ESCALATE, handle_escalate_form, check=check_escalate_form)
    surface.view_submission(ids.MODAL_EDIT, handle_edit_form, check=check_edit_form)
    for kind, deliver in DELIVERIES.items():
        surface.delivery(kind, deliver)
    surface.delivery(REMINDER, deliver_reminder)
    surface.needs("chat:write", "reactions:read", "channels:history", "groups:history",
                  "channels:read", "channels:join", "groups:read", "users:read")
