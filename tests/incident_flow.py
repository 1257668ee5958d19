"""Drafting and broadcasting incident notices the way people do it, for the flow tests."""


import yaml

from standin import form_values, selected_option
from commands.incident import ids
from tests.flow import HELP, rows, wait_until
from tests.harness import REPO

STATUS, GENERAL = "C0STATUS", "C0GENERAL"
CONFIGURED = [STATUS, HELP, GENERAL]
LEAD = "U0LEAD1"
APP_YAML = yaml.safe_load((REPO / "app.yaml").read_text())


def incident(bot, incident_id: int = 1) -> dict:
    return rows(bot.database, "SELECT * FROM incidents WHERE id = ?", [incident_id])[0]


def draft(bot, standin, title="Checkout is down", channel=HELP, user="U0AGENT1") -> str:
    """`/incident draft …`; returns the card's ts, the thread where the notice is written."""
    before = len(rows(bot.database, "SELECT id FROM incidents"))
    assert bot.driver.command(f"draft {title}", command=ids.COMMAND, user=user, channel=channel).status == 200
    return wait_until(lambda: rows(bot.database, "SELECT card_ts FROM incidents WHERE id = ? AND card_ts IS NOT NULL",
                                   [before + 1]))[0]["card_ts"]


def reply(bot, standin, card_ts: str, text: str, user="U0AGENT1", channel=HELP) -> str:
    ts, response = bot.driver.user_message(channel, text, user=user, thread_ts=card_ts)
    assert response.status == 200
    wait_until(lambda: rows(bot.database, "SELECT 1 FROM incident_revisions WHERE ts = ?", [ts]))
    return ts


def command(bot, standin, text: str, user=LEAD, channel=HELP) -> dict:
    """An /incident command and its ephemeral answer."""
    answered = len(standin.responses)
    assert bot.driver.command(text, command=ids.COMMAND, user=user, channel=channel).status == 200
    return standin.wait_for_response(count=answered + 1)[-1]["body"]


def click(bot, standin, action_id: str, card_ts: str, user=LEAD, channel=HELP, trigger_id=None):
    value = next(e["value"] for b in standin.message(channel, card_ts)["blocks"] if b["type"] == "actions"
                 for e in b["elements"] if e["action_id"] == action_id)
    response = bot.driver.block_action(action_id, value, user=user, channel=channel, message_ts=card_ts,
                                       trigger_id=trigger_id)
    assert response.status == 200


def open_modal(bot, standin, card_ts: str, user=LEAD) -> dict:
    return opened_form(standin, ids.MODAL_BROADCAST, lambda: click(bot, standin, ids.ACTION_BROADCAST, card_ts, user=user))


def opened_form(standin, callback_id: str, action) -> dict:
    """Run `action` (a click or command) and return the form it opened."""
    def opened(call) -> bool:
        return not call.failed and call.args.get("view", {}).get("callback_id") == callback_id

    count = len([call for call in standin.calls_to("views.open") if opened(call)])
    action()
    standin.wait_for("views.open", count=count + 1, where=opened)
    return standin.last_view(callback_id)


def follow_up_form(bot, standin, text: str = "update INC-1", user=LEAD, channel=HELP) -> dict:
    """The form `/incident update …` or `/incident resolve …` opens."""
    def run() -> None:
        assert bot.driver.command(text, command=ids.COMMAND, user=user, channel=channel).status == 200

    return opened_form(standin, ids.MODAL_FOLLOW_UP, run)


def submit_follow_up(bot, view: dict, user=LEAD, status: str | None = None, words: str | None = None):
    """Submit the update form as it was pre-filled, or with another status or other words."""
    blocks = {block.get("block_id"): block["element"] for block in view["blocks"] if block["type"] == "input"}
    status = status or blocks[ids.BLOCK_FOLLOW_UP_STATUS]["initial_option"]["value"]
    words = blocks[ids.BLOCK_FOLLOW_UP_TEXT].get("initial_value", "") if words is None else words
    values = form_values({f"{ids.BLOCK_FOLLOW_UP_STATUS}/{ids.INPUT_FOLLOW_UP_STATUS}": selected_option(status),
                          f"{ids.BLOCK_FOLLOW_UP_TEXT}/{ids.INPUT_FOLLOW_UP_TEXT}": words})
    response = bot.driver.view_submission(view, values, user=user)
    assert response.status == 200
    return response


def follow_up(bot, standin, text: str = "update INC-1", user=LEAD, **changes):
    """`/incident update …` or `/incident resolve …`, then its form submitted."""
    return submit_follow_up(bot, follow_up_form(bot, standin, text, user=user), user=user, **changes)


def plan(channels, severity="SEV2", here=False, at: int | None = None) -> dict:
    values = {
        f"{ids.BLOCK_CHANNELS}/{ids.INPUT_CHANNELS}": {"type": "multi_conversations_select",
                                                       "selected_conversations": list(channels)},
        f"{ids.BLOCK_SEVERITY}/{ids.INPUT_SEVERITY}": selected_option(severity),
        f"{ids.BLOCK_NOTIFY}/{ids.INPUT_NOTIFY}": {"type": "checkboxes", "selected_options": [
            {"text": {"type": "mrkdwn", "text": "@here"}, "value": ids.NOTIFY_HERE}] if here else []},
        f"{ids.BLOCK_SCHEDULE}/{ids.INPUT_SCHEDULE}": {"type": "datetimepicker", "selected_date_time": at},
    }
    return form_values(values)


def copies(standin, channel: str) -> list[dict]:
    """The incident copies in a channel: top-level bot posts whose header names an INC."""
    return [m for m in standin.messages(channel) if m.get("user") == "U0BOT" and not m.get("thread_ts")
            and m.get("blocks") and "INC-" in m["blocks"][0]["text"]["text"] and "Updates follow" in repr(m["blocks"])]


def broadcast(bot, standin, card_ts: str, channels=CONFIGURED, user=LEAD, **options) -> dict:
    """Broadcast now through the modal and wait until every channel has its copy."""
    view = open_modal(bot, standin, card_ts, user=user)
    assert bot.driver.view_submission(view, plan(channels, **options), user=user).status == 200
    wait_until(lambda: all(copies(standin, channel) for channel in channels))
    standin.wait_idle(quiet=0.2)
    return view


def told(standin, words: str, count: int = 1, timeout: float = 30.0) -> list[dict]:
    """Wait until `count` messages only the person sees (by response_url or chat.postEphemeral)
    contain `words`; returns them all."""
    def shown() -> list[dict] | None:
        found = [e for e in standin.ephemerals if words in e["text"] + repr(e["blocks"])]
        return found if len(found) >= count else None

    return wait_until(shown, timeout)


def notes(standin, channel: str) -> list[str]:
    """What the messages under the one copy in `channel` show: its updates and resolution."""
    (copy,) = copies(standin, channel)
    return [m["blocks"][0]["text"]["text"] for m in standin.thread(channel, copy["ts"])[1:]]
