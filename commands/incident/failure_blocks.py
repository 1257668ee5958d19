"""What the broadcaster is told when Slack refused some channels: which ones, why in plain
words, and what to do, with a Retry button that touches only those channels."""

from collections import defaultdict

from commands.block_kit import button
from commands.button_values import numbers_in
from commands.incident import ids
from commands.text import counted
from storage.incident_model import Incident

REASONS = {  # Slack's error: (what it means, what to do before retrying)
    "not_in_channel": ("I am not a member", "Invite me with `/invite @supportbot`"),
    "channel_not_found": ("I cannot see the channel", "Invite me with `/invite @supportbot`"),
    "is_archived": ("Archived", "Unarchive it"),
    "ratelimited": ("Rate limited, Slack kept refusing me there", "Wait a minute"),
    "unreachable": ("Slack could not be reached", "Wait a minute"),
}


def render_failures(incident: Incident, step: int, unreached: dict[str, str],
                    out_of_step: dict[str, str] | None = None) -> list[dict]:
    """`unreached` and `out_of_step` map channels to Slack's error: the channels this step could
    not be posted in, and the copies Slack would not edit to the current status."""
    blocks = []
    if unreached:
        intro = f"⚠️ *{incident.key}* could not reach {_count(unreached, 'channel')}; the others have it."
        blocks.append(_section(intro, unreached))
    if out_of_step:
        intro = (f"⚠️ {_count(out_of_step, 'copy', 'copies')} of *{incident.key}* still "
                 f"{'shows' if len(out_of_step) == 1 else 'show'} an older status.")
        blocks.append(_section(intro, out_of_step))
    hint = "Retry posts and edits only where it failed; the next update edits every copy too."
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": hint}]})
    blocks.append({"type": "actions", "block_id": ids.BLOCK_RETRY,
                   "elements": [button("Retry those channels", ids.ACTION_RETRY, f"{incident.id}:{step}", "primary")]})
    return blocks


def failures_text(incident: Incident, unreached: dict[str, str], out_of_step: dict[str, str]) -> str:
    parts = [f"could not reach {_count(unreached, 'channel')}" if unreached else "",
             f"has {_count(out_of_step, 'copy', 'copies')} out of step" if out_of_step else ""]
    return f"{incident.key} " + " and ".join(part for part in parts if part)


def parse_retry_value(value: str) -> tuple[int, int]:
    incident_id, step = numbers_in(value, 2)
    return incident_id, step


def _section(intro: str, errors: dict[str, str]) -> dict:
    """One line per reason, naming its channels, so fifty refused channels still fit."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for channel, error in errors.items():
        by_reason[error].append(f"<#{channel}>")
    lines = [intro]
    for error, channels in by_reason.items():
        why, what = _reason(error)
        lines.append(f"• *{why}:* {', '.join(channels)}. {what}, then retry.")
    return {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}


def _reason(error: str) -> tuple[str, str]:
    return REASONS.get(error, (f"Slack answered `{error}`", "Check the channel"))


def _count(items: dict, one: str, many: str | None = None) -> str:
    return counted(len(items), one, many)
