"""What the broadcaster sees once a step reached every channel: `(shown, plain)` wordings.

The request that sent the step shows it when its own thread delivered the step's row at its
first try; when the row had to be tried again, or another thread delivered it, the delivery
shows it at the end (commands/incident/publish.py).
"""

from commands.incident.follow_up_form import channel_count
from storage.incident_model import Incident, IncidentStatus, Step


def step_receipt(incident: Incident, step: Step, retry: bool = False) -> tuple[str, str]:
    """The broadcast went out, the update or resolution is under every copy, or (`retry`) the
    Retry button reached what was missing."""
    key = incident.key
    if retry:
        text = f"{key} reached every channel, and every copy is up to date."
        return f"📣 {text}", text
    if step.number == 0:
        return (f"📣 *{key}* went out to {', '.join(f'<#{channel}>' for channel in incident.channels)}.",
                f"{key} went out to {channel_count(incident.channels)}.")
    if step.status is IncidentStatus.RESOLVED:
        return f"✅ *{key}* is resolved everywhere.", f"{key} is resolved everywhere."
    return f"*{key}* is now {step.status.word} everywhere.", f"{key} is now {step.status.word} everywhere."
