"""The outbox's incident rows: each step of a notice, and each Retry, carried out in turn.

The core writes a row per step in the transaction that writes the step
(storage/incident_effects.py); the delivery loop (bot/delivery.py) hands an incident's rows here
one at a time, in order, across processes. A row tried before may have reached Slack: it takes
over its step's unfinished channels, adopting the posts Slack has.
"""

from bot.delivery import Delivery
from commands.incident.card_posts import deliver_card
from commands.incident.publish import NoticePublisher
from storage import incident_effects as effects
from storage import incident_records as ir


def deliver_step(job: Delivery) -> None:
    step = ir.load_step(job.db(), job.payload["incident_id"], job.payload["step"])
    publisher = NoticePublisher(job, job.payload.get("actor") or step.actor)
    if job.retried:
        publisher.resume(step)
    else:
        publisher.send(step, retry=job.payload.get("retry", False))


DELIVERIES = {effects.STEP: deliver_step, effects.CARD: deliver_card}
