"""The incident scene of `supportbot demo`: a notice drafted together in a thread (with an edit),
broadcast to three channels with @here, updated through its preview form and resolved."""

import time
from typing import Callable, TextIO

from standin import SlackDriver, SlackStandIn, form_values, selected_option
from commands.incident import ids

LEADS, STATUS, GENERAL, HELP = "C0LEADS", "C0STATUS", "C0GENERAL", "C0HELP"
NOTICE_CHANNELS = (STATUS, GENERAL, HELP)
SHOWN = {LEADS: "#support-leads", STATUS: "#status", GENERAL: "#general"}
LEA, ANA, BO = "U0LEAD1", "U0AGENT1", "U0AGENT2"


def play_incident(slack: SlackStandIn, driver: SlackDriver, out: TextIO) -> None:
    def say(line: str) -> None:
        print(line, file=out)

    say("\n━━━━━━━━ incident notices ━━━━━━━━")
    say("▶ Lea types `/incident draft Card payments failing` in #support-leads")
    driver.command("draft Card payments failing", command=ids.COMMAND, user=LEA, channel=LEADS)
    card_ts = slack.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == LEADS)[0].response["ts"]
    say("▶ Ana and Bo write the notice in the card's thread; Bo edits his reply")
    driver.user_message(LEADS, "Payments fail. @channel please check", user=ANA, thread_ts=card_ts)
    bo_ts, _ = driver.user_message(LEADS, "Card payments fail for some customers.", user=BO, thread_ts=card_ts)
    driver.edit_message(LEADS, bo_ts, "Card payments fail for some EU customers. We are investigating.")
    slack.wait_idle(quiet=0.2)
    say("▶ Lea clicks Broadcast and sends it to #status, #general and #help with @here")
    _broadcast(slack, driver, card_ts)
    say("▶ Bo posts the cause in the thread; Lea clicks Update")
    driver.user_message(LEADS, "Cause found: our payment provider rejects EU cards. A fix is rolling out.",
                        user=BO, thread_ts=card_ts)
    form = _open_follow_up(slack, lambda: driver.block_action(ids.ACTION_UPDATE, "1", user=LEA, channel=LEADS,
                                                              message_ts=card_ts))
    say(f"  The form \"{form['title']['text']}\" shows Bo's reply and the status Identified;"
        f" its button reads \"{form['submit']['text']}\". Nothing is posted yet.")
    say("▶ Lea adds when to expect the fix and clicks the button")
    _submit_and_wait(slack, driver, form, "identified", "Cause found: our payment provider rejects EU cards. "
                     "A fix is rolling out; we expect payments to work again within the hour.", replies=1)
    say("▶ Lea: `/incident resolve INC-1 The provider fixed it; payments work again.` and sends the form")
    form = _open_follow_up(slack, lambda: driver.command("resolve INC-1 The provider fixed it; payments work again.",
                                                         command=ids.COMMAND, user=LEA, channel=LEADS))
    _submit_and_wait(slack, driver, form, "resolved", "The provider fixed it; payments work again.", replies=2)
    for channel, name in SHOWN.items():
        say(f"\n━━━━━━━━ {name} ━━━━━━━━\n{slack.transcript(channel)}")
    say("\n(#help got the same copy.)")


def _broadcast(slack: SlackStandIn, driver: SlackDriver, card_ts: str) -> None:
    driver.block_action(ids.ACTION_BROADCAST, "1", user=LEA, channel=LEADS, message_ts=card_ts)
    slack.wait_for("views.open", where=lambda call: call.args.get("view", {}).get("callback_id") == ids.MODAL_BROADCAST)
    driver.view_submission(slack.last_view(ids.MODAL_BROADCAST), form_values({
        f"{ids.BLOCK_CHANNELS}/{ids.INPUT_CHANNELS}": {"type": "multi_conversations_select",
                                                       "selected_conversations": list(NOTICE_CHANNELS)},
        f"{ids.BLOCK_SEVERITY}/{ids.INPUT_SEVERITY}": selected_option("SEV1"),
        f"{ids.BLOCK_NOTIFY}/{ids.INPUT_NOTIFY}": {"type": "checkboxes", "selected_options": [
            {"text": {"type": "mrkdwn", "text": "@here"}, "value": ids.NOTIFY_HERE}]},
    }), user=LEA)
    _wait_until(slack, lambda: all(_copy_of(slack, channel) for channel in NOTICE_CHANNELS))


def _open_follow_up(slack: SlackStandIn, action: Callable[[], object]) -> dict:
    def opened(call) -> bool:
        return not call.failed and call.args.get("view", {}).get("callback_id") == ids.MODAL_FOLLOW_UP

    count = len([call for call in slack.calls_to("views.open") if opened(call)])
    action()
    slack.wait_for("views.open", count=count + 1, where=opened)
    return slack.last_view(ids.MODAL_FOLLOW_UP)


def _submit_and_wait(slack: SlackStandIn, driver: SlackDriver, form: dict, status: str, words: str,
                     replies: int) -> None:
    """Posts to one channel are spaced a second apart, so wait for the threads, not for a quiet moment."""
    driver.view_submission(form, form_values({
        f"{ids.BLOCK_FOLLOW_UP_STATUS}/{ids.INPUT_FOLLOW_UP_STATUS}": selected_option(status),
        f"{ids.BLOCK_FOLLOW_UP_TEXT}/{ids.INPUT_FOLLOW_UP_TEXT}": words,
    }), user=LEA)
    _wait_until(slack, lambda: all(len(slack.thread(channel, _copy_of(slack, channel)["ts"])) > replies
                                   for channel in NOTICE_CHANNELS))
    slack.wait_idle(quiet=0.2)


def _copy_of(slack: SlackStandIn, channel: str) -> dict | None:
    return next((m for m in slack.messages(channel) if m.get("user") == "U0BOT" and "INC-1" in m.get("text", "")), None)


def _wait_until(slack: SlackStandIn, done: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the demo's bot did not finish the incident step in time")
        time.sleep(0.05)
