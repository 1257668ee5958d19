"""Every Slack identifier the CSAT feature owns."""

COMMAND = "/csat"
ACTION_SCORES = tuple(f"csat-score-{score}" for score in range(1, 6))
ACTION_COMMENT = "csat-add-comment"
BLOCK_SURVEY_SCORES = "csat-survey-scores"
MODAL_COMMENT = "csat-comment-modal"
BLOCK_COMMENT = "csat-comment"
INPUT_COMMENT = "csat-comment-input"
