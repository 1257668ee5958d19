"""Every Slack identifier the escalation feature owns, in one place."""

COMMAND = "/esc"
SHORTCUT_ESCALATE_MESSAGE = "esc-escalate-message"
SHORTCUT_NAME = "Escalate message"
MODAL_NEW = "esc-new-modal"

ACTION_TAKE = "esc-take"
ACTION_ESCALATE = "esc-escalate"
ACTION_RESOLVE = "esc-resolve"
ACTION_REOPEN = "esc-reopen"
ACTION_ASSIGN = "esc-assign"  # the leads' breach alert: opens the Assign… people picker
# every button that carries an escalation's state ("12:3[:U…]"), all handled by commands/esc/buttons.py
CARD_BUTTONS = (ACTION_TAKE, ACTION_ESCALATE, ACTION_RESOLVE, ACTION_REOPEN, ACTION_ASSIGN)
ACTION_NEXT_PAGE = "esc-list-next-page"

BLOCK_CARD_ACTIONS = "esc-card-actions"
BLOCK_REMINDER_ACTIONS = "esc-reminder-actions"
BLOCK_SUMMARY = "esc-summary"
BLOCK_PRIORITY = "esc-priority"
BLOCK_LINE = "esc-line"
BLOCK_CATEGORY = "esc-category"
BLOCK_CUSTOMER = "esc-customer"
INPUT_SUMMARY = "esc-summary-input"
INPUT_PRIORITY = "esc-priority-input"
INPUT_LINE = "esc-line-input"
INPUT_CATEGORY = "esc-category-input"
INPUT_CUSTOMER = "esc-customer-input"

ACTION_LIST_ROW = "esc-list-row"
MODAL_ASSIGN = "esc-assign-modal"
BLOCK_ASSIGNEE = "esc-assignee"
INPUT_ASSIGNEE = "esc-assignee-input"

MODAL_ESCALATE = "esc-escalate-modal"
BLOCK_REASON = "esc-reason"
INPUT_REASON = "esc-reason-input"
