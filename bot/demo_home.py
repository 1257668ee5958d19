"""The demo's last scene: Ana's and the lead's App Home, as the stand-in received them."""

from typing import TextIO

from standin import SlackDriver, SlackStandIn

HOMES = (("U0AGENT1", "Ana's"), ("U0LEAD1", "Lea the lead's"))


def play_homes(slack: SlackStandIn, driver: SlackDriver, out: TextIO) -> None:
    for user, whose in HOMES:
        print(f"\n▶ {whose.removesuffix(chr(39) + 's')} opens supportbot's Home tab", file=out)
        published = len([call for call in slack.calls_to("views.publish") if call.args.get("user_id") == user])
        driver.app_home_opened(user=user)
        slack.wait_for("views.publish", count=published + 1, where=lambda call, user=user: call.args.get("user_id") == user)
        print(f"\n━━━━━━━━ {whose} Home ━━━━━━━━\n{slack.transcript_of_blocks(slack.home(user)['blocks'])}", file=out)
