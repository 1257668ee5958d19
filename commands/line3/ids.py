"""Every Slack identifier the line-3 feature owns."""

ACTION_ACK = "esc-acknowledge"
ACK_REACTION = "eyes"
CONFIRM_REACTION = "white_check_mark"
