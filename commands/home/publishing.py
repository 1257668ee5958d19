"""Publishing a person's Home: the outbox's `home-publish` rows (storage/home_visits.py).

A row renders the Home as it is when delivered, so several changes in a row make one publish.
What the Home shows the person (their lines, whether they lead) is written before it is built,
so a change committed while it is being published knows the Home concerns it and publishes again.
"""

from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlite_utils import Database

from bot.config import TeamConfig
from bot.delivery import Delivery
from commands.home.audience import Members, Roles, roles_of
from commands.home.home_blocks import INCIDENTS_SHOWN, MINE_SHOWN, QUEUE_SHOWN, HomeFacts, render_home
from commands.home.team_blocks import render_team_view
from storage import home_queries as q
from storage import home_visits
from storage.sla import ACK_LINE
from storage.team_figures import team_figures


@dataclass
class HomePublisher:
    members: Members = field(default_factory=Members)
    workspace_url: str | None = None  # from auth.test, once: permalinks are built from it

    def deliver(self, job: Delivery) -> None:
        user, now = job.payload["user"], job.deps.clock()
        roles = roles_of(user, job.client, job.deps.team, self.members, now)
        job.record_now(lambda db: home_visits.shows(db, user, roles.audience))
        view = build_home(job.db(), job.deps.team, now, user, roles, self._url(job.client))
        job.still_mine()
        job.client.views_publish(user_id=user, view=view)
        job.record(lambda db: home_visits.published(db, user, now))

    def _url(self, client: WebClient) -> str:
        if self.workspace_url is None:
            self.workspace_url = client.auth_test()["url"]
        return self.workspace_url


def build_home(db: Database, team: TeamConfig, now: datetime, user: str, roles: Roles, workspace_url: str) -> dict:
    """The person's Home view from the database: no Slack call."""
    figures = team_figures(db, now, home_visits.period_days(db, user), team.timezone, team.reports.shifts) \
        if roles.lead else None
    unowned = {line.line: line.unowned for line in figures.lines} if figures else {}
    queues = {line: q.waiting_on_line(db, line, QUEUE_SHOWN, unowned.get(line))
              for line in roles.lines if line != ACK_LINE}
    waiting_ack = q.waiting_on_line(db, ACK_LINE, QUEUE_SHOWN, unowned.get(ACK_LINE)) if roles.acknowledges else None
    incidents = q.active_incidents(db) if roles.broadcaster else None
    mine = q.owned_by(db, user, MINE_SHOWN)
    listings = [mine, *queues.values(), *([waiting_ack] if waiting_ack else [])]
    shown = {row.escalation.id: row.escalation for listing in listings for row in listing.rows}
    card_links = {}
    for escalation_id, places in q.card_places(db, list(shown)).items():
        queue = team.line(shown[escalation_id].line).channel
        channel, ts = min(places, key=lambda place: place[0] != queue)  # its queue's card, else the first
        card_links[escalation_id] = permalink(workspace_url, channel, ts)
    incident_links = {incident.id: permalink(workspace_url, incident.card_channel, incident.card_ts)
                      for incident in (incidents or [])[:INCIDENTS_SHOWN] if incident.card_ts}
    team_view = render_team_view(figures, team) if figures else []
    facts = HomeFacts(now, mine, queues, waiting_ack, incidents, card_links, incident_links, team_view)
    return render_home(facts, team)


def permalink(workspace_url: str, channel: str, ts: str) -> str:
    """Slack's message permalink: https://team.slack.com/archives/C123/p1712345678000100."""
    return f"{workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
