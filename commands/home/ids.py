"""Every Slack identifier the App Home owns. Its escalation buttons map onto the card's own."""

from commands.esc import ids as card
from commands.line3.ids import ACTION_ACK

EVENT_OPENED = "app_home_opened"
TAB_HOME = "home"

ACTION_NEW = "home-new-escalation"
ACTION_TAKE = "home-take"
ACTION_ESCALATE = "home-escalate"
ACTION_RESOLVE = "home-resolve"
ACTION_ACKNOWLEDGE = "home-acknowledge"
ACTION_PERIOD = "home-period"
CARD_ACTION = {  # a Home button → the card button whose handler it runs
    ACTION_TAKE: card.ACTION_TAKE,
    ACTION_ESCALATE: card.ACTION_ESCALATE,
    ACTION_RESOLVE: card.ACTION_RESOLVE,
    ACTION_ACKNOWLEDGE: ACTION_ACK,
}

MODAL_NEW = "home-new-modal"
BLOCK_CHANNEL = "home-channel"
INPUT_CHANNEL = "home-channel-input"
