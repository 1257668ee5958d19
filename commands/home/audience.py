"""Who a person is to their Home, from Slack: the lines they work, whether they lead or broadcast.

A line's agents are its `responders` (people or user groups); a line without responders counts
the members of its channel, read from Slack at most every few minutes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.config import TeamConfig
from commands.people import members
from storage.home_visits import Audience
from storage.sla import ACK_LINE

CHANNEL_MEMBERS_FOR = timedelta(minutes=5)


@dataclass(frozen=True)
class Roles:
    lines: frozenset[int]  # lines whose queue they work (responders, or their channel's members)
    lead: bool
    broadcaster: bool

    @property
    def acknowledges(self) -> bool:
        """Line 3's responders and the leads see line 3's waiting list with Acknowledge."""
        return ACK_LINE in self.lines or self.lead

    @property
    def audience(self) -> Audience:
        return Audience(self.lines | ({ACK_LINE} if self.lead else set()), self.lead)


class ChannelMembers:
    """Members of a channel, kept for CHANNEL_MEMBERS_FOR: a Home is published often, a team changes rarely."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[datetime, frozenset[str]]] = {}

    def of(self, client: WebClient, channel: str, now: datetime) -> frozenset[str]:
        read_at, people = self._known.get(channel, (None, frozenset()))
        if read_at is None or now - read_at >= CHANNEL_MEMBERS_FOR:
            people = frozenset(user for page in client.conversations_members(channel=channel, limit=200)
                               for user in page["members"])
            self._known[channel] = (now, people)
        return people


def roles_of(user: str, client: WebClient, team: TeamConfig, channel_members: ChannelMembers,
             now: datetime) -> Roles:
    lines = frozenset(line.level for line in team.lines
                      if user in (members(client, line.responders) if line.responders
                                  else channel_members.of(client, line.channel, now)))
    return Roles(lines, user in members(client, team.leads_users),
                 user in members(client, team.incidents.broadcasters))
