"""The "New escalation" form: checked while Slack waits, raised after the ack."""

from bot.deps import Deps
from commands.esc import operations as op
from commands.esc.modal_view import FormOrigin, form_errors, read_form
from bot.turn import Turn
from storage.model import NewEscalation


def check_form(body: dict, deps: Deps) -> dict[str, str]:
    return form_errors(read_form(body["view"]["state"]["values"]), deps.team)


def handle_form(turn: Turn, deps: Deps) -> None:
    """A refusal reaches the person in the conversation the form was opened from."""
    origin = FormOrigin.from_metadata(turn.body["view"]["private_metadata"])
    turn.channel = origin.channel
    raise_from_form(turn, deps, origin)


def raise_from_form(turn: Turn, deps: Deps, origin: FormOrigin) -> None:
    values = read_form(turn.body["view"]["state"]["values"])
    new = NewEscalation(
        summary=values.summary, requester=origin.author or turn.user, channel=origin.channel, source=origin.source,
        priority=values.priority, line=values.line, message_ts=origin.message_ts,
        category=values.category, customer_ref=values.customer_ref,
        raised_by=turn.user, origin_link=origin.link,
    )
    op.raise_new(turn, deps, new)
