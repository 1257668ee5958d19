"""Who a person is to their Home, from Slack: the lines they work, whether they lead or broadcast.

A line's agents are its `responders` (people or user groups); a line without responders counts
the members of its channel. Channel and user-group members are read from Slack at most every few
minutes: Homes are published often, `usergroups.users.list` allows about 20 calls a minute and
a team changes rarely.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from slack_sdk import WebClient

from bot.config import TeamConfig
from commands.people import members
from storage.home_visits import Audience
from storage.sla import ACK_LINE

MEMBERS_KEPT_FOR = timedelta(minutes=5)


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
        return Audience(self.lines | ({ACK_LINE} if self.lead else set()), self.lead, self.broadcaster)


class Members:
    """Members of channels and user groups, each kept for MEMBERS_KEPT_FOR."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[datetime, frozenset[str]]] = {}

    def of_channel(self, client: WebClient, channel: str, now: datetime) -> frozenset[str]:
        return self._kept(channel, now, lambda: frozenset(
            user for page in client.conversations_members(channel=channel, limit=200) for user in page["members"]))

    def of_people(self, client: WebClient, refs: tuple[str, ...], now: datetime) -> frozenset[str]:
        """User IDs as they are, user groups (S…) as their members."""
        found = {ref for ref in refs if not ref.startswith("S")}
        for group in set(refs) - found:
            found |= self._kept(group, now, lambda group=group: members(client, (group,)))
        return frozenset(found)

    def _kept(self, key: str, now: datetime, read: Callable[[], frozenset[str]]) -> frozenset[str]:
        read_at, people = self._known.get(key, (None, frozenset()))
        if read_at is None or now - read_at >= MEMBERS_KEPT_FOR:
            people = read()
            self._known[key] = (now, people)
        return people


def roles_of(user: str, client: WebClient, team: TeamConfig, known: Members, now: datetime) -> Roles:
    lines = frozenset(line.level for line in team.lines
                      if user in (known.of_people(client, line.responders, now) if line.responders
                                  else known.of_channel(client, line.channel, now)))
    return Roles(lines, user in known.of_people(client, team.leads_users, now),
                 user in known.of_people(client, team.incidents.broadcasters, now))
