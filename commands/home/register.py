"""Wiring the App Home into the app."""

from bot.surface import SlackSurface
from commands.esc.form import check_form
from commands.home import ids
from commands.home.clicks import handle_home_button, handle_home_opened, handle_new_form, handle_period, open_new_form
from commands.home.publishing import HomePublisher
from storage.home_visits import HOME


def register(surface: SlackSurface) -> None:
    surface.event(ids.EVENT_OPENED, handle_home_opened)
    for action_id in ids.CARD_ACTION:
        surface.action(action_id, handle_home_button)
    surface.action(ids.ACTION_NEW, open_new_form)
    surface.action(ids.ACTION_PERIOD, handle_period)
    surface.view_submission(ids.MODAL_NEW, handle_new_form, check=check_form)
    surface.delivery(HOME, HomePublisher().deliver)
    surface.needs("channels:read", "groups:read", "usergroups:read", "users:read")
