"""Every Slack identifier the reports feature owns."""

COMMAND_DIGEST = "/digest"
COMMAND_SHIFT = "/shift"
