"""App Home's queries, whose Home a change concerns, the leads' figures and the rendered views,
with a fixed clock."""

import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.config import parse_team_config
from bot.deps import Deps
from commands.home import ids
from commands.home.audience import Members, Roles, roles_of
from commands.home.home_blocks import MAX_BLOCKS, QUEUE_SHOWN, HomeFacts, render_home, within_limit
from commands.home.publishing import build_home
from commands.replies import REPLY_MODAL, render_error, render_reply_modal
from commands.home.team_blocks import render_team_view
from jobs.home_turns import LeadsHomesAtTurns
from storage.records import insert_row
from storage.db import Store, write_transaction
from storage import csat
from storage import escalations as core
from storage import home_queries as q
from storage import home_visits, outbox
from storage import incidents as incident_core
from storage.errors import UserError
from storage.home_visits import Audience
from storage.incident_model import BroadcastPlan, FollowUp, IncidentStatus
from storage.model import NewEscalation, Source
from storage.ownership import Crew
from storage.periods import latest_turn
from storage.queries import Card, record_cards
from storage.sla import DEFAULT_POLICY, claim_due_reminders
from storage.team_figures import team_figures
from tests.blockkit import assert_valid_view
from tests.databases import database_for

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
LINES = [{"level": 1, "name": "Frontline", "channel": "C0SUPL1"}, {"level": 2, "name": "Specialists", "channel": "C0SUPL2"},
         {"level": 3, "name": "Engineering", "channel": "C0ENGESC"}]
TEAM = parse_team_config({"lines": LINES, "escalations": {"watch_channels": ["C0HELP"]}})
SHIFTS_TEAM = parse_team_config({"lines": LINES, "timezone": "Europe/Berlin", "summaries": {"channel": "C0LEADS"}, "shifts": [
    {"name": "EMEA", "start": "08:00", "end": "16:00", "days": "mon-fri"},
    {"name": "Americas", "start": "16:00", "end": "00:00", "days": "mon-fri"}]})
HOSTILE = "<!channel> pay now <https://evil.example|bank>"


def later(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def raise_one(db, key: str, priority="P3", line=1, summary="Checkout fails", minutes=0):
    new = NewEscalation(summary=summary, requester="U0AGENT1", channel="C0HELP", source=Source.COMMAND,
                        priority=priority, line=line)
    return core.raise_escalation(db, later(minutes), new, key).escalation


def home_rows(db) -> list[tuple[str, str]]:
    return [(row["subject"], row["next_try_at"]) for row in db.query(
        "SELECT subject, next_try_at FROM outbox WHERE kind = ? AND done_at IS NULL ORDER BY id", [home_visits.HOME])]


def assert_valid_home(view: dict) -> None:
    View(**view).to_dict()
    assert view["type"] == "home" and 0 < len(view["blocks"]) <= MAX_BLOCKS
    for block in view["blocks"]:
        Block.parse(block).to_dict()


def test_own_escalations_most_urgent_first_and_the_queue_earliest_due_first(db):
    low, urgent, other = raise_one(db, "a", "P4"), raise_one(db, "b", "P1", minutes=1), raise_one(db, "c", "P2", minutes=2)
    for esc in (low, urgent):
        core.take(db, later(3), esc.id, "U0AGENT1", f"take-{esc.id}")
    mine = q.owned_by(db, "U0AGENT1", 10)
    assert [row.escalation.key for row in mine.rows] == [urgent.key, low.key] and mine.total == 2
    assert all(row.clock is None for row in mine.rows)
    queue = q.waiting_on_line(db, 1, 1)
    assert [row.escalation.key for row in queue.rows] == [other.key] and queue.more == 0
    assert queue.rows[0].clock.kind == "take"


def test_the_queue_lists_the_earliest_due_first_and_counts_the_rest(db):
    whenever = raise_one(db, "a", "P4")
    urgent, normal = raise_one(db, "b", "P1", minutes=5), raise_one(db, "c", "P3", minutes=1)
    queue = q.waiting_on_line(db, 1, 2)
    assert [row.escalation.key for row in queue.rows] == [urgent.key, normal.key] and queue.more == 1
    assert whenever.key not in repr(queue.rows)


def test_an_owners_row_links_its_queue_card_and_offers_escalate_and_resolve_with_a_confirmation(db):
    esc = raise_one(db, "a", "P2")
    core.take(db, later(1), esc.id, "U0AGENT1", "t1")
    with write_transaction(db):
        record_cards(db, esc.id, [Card("C0HELP", "100.000100", None), Card("C0SUPL1", "100.000200", None)])
    view = build_home(db, TEAM, later(2), "U0AGENT1", Roles(frozenset(), False, False), "https://acme.slack.com/")
    assert_valid_home(view)
    at = next(n for n, block in enumerate(view["blocks"]) if esc.key in repr(block))
    link = f"<https://acme.slack.com/archives/C0SUPL1/p100000200|{esc.key}>"
    assert view["blocks"][at]["text"]["text"].startswith(f"*{link}* · "), "its queue's card, not the first posted"
    escalate, resolve = view["blocks"][at + 1]["elements"]
    assert (escalate["action_id"], escalate["text"]["text"]) == (ids.ACTION_ESCALATE, "Escalate to L2")
    assert resolve["action_id"] == ids.ACTION_RESOLVE and resolve["confirm"]["title"]["text"] == f"Resolve {esc.key}?"


def test_a_leads_queues_count_what_an_agents_count_though_the_team_view_counted_them(db):
    for n in range(14):
        raise_one(db, f"one-{n}", line=1, minutes=n)
    for n in range(3):
        esc = raise_one(db, f"three-{n}", line=3, minutes=n)
        if n == 0:
            core.take(db, later(20), esc.id, "U0ENG1", "ack")
    core.take(db, later(20), 1, "U0AGENT2", "take")
    lead = repr(build_home(db, TEAM, later(30), "U0LEAD1", Roles(frozenset({1}), True, False), "https://acme.slack.com/"))
    agent = repr(build_home(db, TEAM, later(30), "U0AGENT1", Roles(frozenset({1, 3}), False, False),
                            "https://acme.slack.com/"))
    more = f"…and {13 - QUEUE_SHOWN} more: see"
    assert more in lead and more in agent, (lead, agent)
    assert lead.count("Acknowledge") == agent.count("Acknowledge") == 2, "line 3's two unacknowledged"


def shown(db, user: str, audience: Audience) -> None:
    """The person's Home was published at T0 showing them what `audience` says."""
    home_visits.shows(db, user, audience)
    home_visits.published(db, user, T0)


def test_a_change_while_a_home_is_being_published_publishes_it_again(db):
    """The Home's audience is written before it is built: a change that commits between the
    build and the end of the publish sees whom it concerns and queues one more publish."""
    home_visits.open_home(db, T0, "U0ENG1")
    [claim] = outbox.claim_due(db, T0, "instance-a", 10)
    assert outbox.write_while_held(db, claim, lambda db: home_visits.shows(db, "U0ENG1", Audience(frozenset({3}))))
    raise_one(db, "a", line=3)
    assert outbox.finish(db, claim, later(1), writes=[lambda db: home_visits.published(db, "U0ENG1", T0)])
    assert [subject for subject, _ in home_rows(db)] == ["home:U0ENG1"], "the change's publish, pending"


def test_a_home_taken_over_mid_publish_writes_nothing_for_the_paused_process(db):
    home_visits.open_home(db, T0, "U0ENG1")
    [claim] = outbox.claim_due(db, T0, "instance-a", 10)
    [taken] = outbox.claim_due(db, T0 + outbox.LEASE, "instance-b", 10)
    assert taken.id == claim.id
    assert not outbox.write_while_held(db, claim, lambda db: home_visits.shows(db, "U0ENG1", Audience(lead=True)))
    assert db.execute('SELECT lead FROM home_visits WHERE "user" = ?', ["U0ENG1"]).fetchone()[0] == 0


def test_a_change_refreshes_only_recent_visitors_it_concerns_and_not_sooner_than_every_few_seconds(db):
    for user in ("U0AGENT1", "U0SPEC1", "U0LEAD1", "U0STALE"):
        home_visits.open_home(db, T0 - (timedelta(days=2) if user == "U0STALE" else timedelta()), user)
    with write_transaction(db):
        shown(db, "U0AGENT1", Audience(frozenset({1})))
        shown(db, "U0SPEC1", Audience(frozenset({2})))
        shown(db, "U0LEAD1", Audience(frozenset({3}), lead=True))
        shown(db, "U0STALE", Audience(frozenset({1})))
        db.execute("UPDATE outbox SET done_at = ?", [T0.isoformat()])
    raise_one(db, "a", minutes=0.01)
    subjects = [subject for subject, _ in home_rows(db)]
    assert subjects == ["home:U0AGENT1", "home:U0LEAD1"]  # the line-2 specialist and the stale visitor are not told
    assert home_rows(db)[0][1] == (T0 + home_visits.AT_MOST_EVERY).isoformat()
    raise_one(db, "b", minutes=0.02)
    assert len(home_rows(db)) == 2  # coalesced into the pending publishes


def test_the_re_publishes_of_a_whole_workspace_stay_within_slacks_rate_and_an_opened_home_goes_at_once(db):
    """views.publish is Tier 4, about 100 a minute: 150 agents with their Home open and one
    change on their line must not ask for 150 publishes at once."""
    visited(db, {f"U0AGENT{n:03}": Audience(frozenset({1})) for n in range(150)})
    raise_one(db, "a", minutes=0.01)
    times = sorted(datetime.fromisoformat(at) for _, at in home_rows(db))
    assert len(times) == 150
    assert times[0] == T0 + home_visits.AT_MOST_EVERY
    assert min(b - a for a, b in zip(times, times[1:])) >= home_visits.WORKSPACE_SPACING
    assert max(sum(1 for t in times if start <= t < start + timedelta(minutes=1)) for start in times) <= 100
    home_visits.open_home(db, later(0.02), "U0NEWCOMER")
    assert dict(home_rows(db))["home:U0NEWCOMER"] == later(0.02).isoformat()


def test_the_line_3_crew_and_a_previous_owner_are_concerned(db):
    esc = raise_one(db, "a", line=3)
    for user in ("U0ENG1", "U0AGENT1"):
        home_visits.open_home(db, T0, user)
    with write_transaction(db):
        shown(db, "U0ENG1", Audience(frozenset({3})))
        db.execute("UPDATE outbox SET done_at = ?", [T0.isoformat()])
    core.take(db, later(5), esc.id, "U0ENG1", "ack", crew=Crew(frozenset({"U0ENG1"}), configured=True))
    core.take(db, later(6), esc.id, "U0AGENT1", "over", crew=Crew())
    assert {subject for subject, _ in home_rows(db)} == {"home:U0ENG1", "home:U0AGENT1"}


def visited(db, audiences: dict[str, Audience]) -> None:
    """These people opened their Home at T0 and it was published, showing them what `audiences` say."""
    for user in audiences:
        home_visits.open_home(db, T0, user)
    with write_transaction(db):
        for user, audience in audiences.items():
            shown(db, user, audience)
        db.execute("UPDATE outbox SET done_at = ?", [T0.isoformat()])


def published_homes(db) -> set[str]:
    homes = {subject for subject, _ in home_rows(db)}
    with write_transaction(db):
        db.execute("UPDATE outbox SET done_at = ? WHERE kind = ?", [T0.isoformat(), home_visits.HOME])
    return homes


def test_an_incident_drafted_carded_and_moving_status_refreshes_the_broadcasters_homes_only(db):
    visited(db, {"U0BCAST": Audience(broadcaster=True), "U0LEAD1": Audience(frozenset({3}), lead=True),
                 "U0AGENT1": Audience(frozenset({1}))})
    incident = incident_core.create_incident(db, later(1), "Checkout is down", "U0AGENT1", "C0HELP", "d1").incident
    assert published_homes(db) == {"home:U0BCAST"}
    incident_core.attach_card(db, later(2), incident.id, "100.000100")
    assert published_homes(db) == {"home:U0BCAST"}
    incident_core.add_revision(db, "C0HELP", "100.000100", "100.000200", "U0AGENT1", "Checkout fails for everyone.")
    assert published_homes(db) == set(), "a draft's wording is not on Home"
    incident_core.broadcast(db, later(3), incident.id, "U0BCAST", BroadcastPlan(("C0STATUS",), "SEV2", False), "b1")
    assert published_homes(db) == {"home:U0BCAST"}
    incident_core.follow_up(db, later(4), incident.id, "U0BCAST", FollowUp(IncidentStatus.IDENTIFIED, "Found it."), "u1")
    assert published_homes(db) == {"home:U0BCAST"}
    incident_core.retry_step(db, later(5), incident.id, 1, "U0BCAST", "r1")
    assert published_homes(db) == set(), "a retry moves no status"
    incident_core.follow_up(db, later(6), incident.id, "U0BCAST", FollowUp(IncidentStatus.RESOLVED, "Fixed."), "u2")
    assert published_homes(db) == {"home:U0BCAST"}


def test_an_sla_breach_refreshes_the_homes_of_the_line_and_the_leads(db):
    esc = raise_one(db, "a", priority="P1")
    visited(db, {"U0AGENT1": Audience(frozenset({1})), "U0SPEC1": Audience(frozenset({2})),
                 "U0LEAD1": Audience(frozenset({3}), lead=True)})
    due = DEFAULT_POLICY.allowed("take", "P1")
    claim_due_reminders(db, T0 + due, DEFAULT_POLICY)
    assert published_homes(db) == {"home:U0AGENT1", "home:U0LEAD1"}
    claim_due_reminders(db, T0 + due + DEFAULT_POLICY.remind_every, DEFAULT_POLICY)
    assert published_homes(db) == set(), "a second reminder moves no figure"
    assert q.waiting_on_line(db, 1, 1).rows[0].escalation.id == esc.id


def test_a_handoff_refreshes_the_new_owners_home(db):
    esc = raise_one(db, "a", line=2)
    core.take(db, later(1), esc.id, "U0SPEC1", "t1")
    visited(db, {"U0SPEC2": Audience(), "U0AGENT1": Audience(frozenset({1}))})
    core.handoff(db, later(2), "U0SPEC1", "U0SPEC2", "h1")
    assert published_homes(db) == {"home:U0SPEC2"}


def test_a_counting_csat_answer_refreshes_the_leads_homes(db):
    esc = raise_one(db, "a")
    core.resolve(db, later(1), esc.id, "U0AGENT1", None, "r1")
    visited(db, {"U0LEAD1": Audience(lead=True), "U0AGENT2": Audience(frozenset({1}))})
    answer = csat.CsatAnswer(f"escalation:{esc.id}", esc.id, 5, None, "U0REQ1", "survey", later(2))
    csat.record_answer(db, later(2), answer)
    assert published_homes(db) == {"home:U0LEAD1"}
    csat.record_answer(db, later(3), dataclasses.replace(answer, score=1, received_at=later(-1)))
    assert published_homes(db) == set(), "an older answer does not count"


def test_the_leads_figures_count_resolutions_for_the_resolver_and_compare_csat(db):
    first, second, third = raise_one(db, "a"), raise_one(db, "b", minutes=1), raise_one(db, "c", minutes=2)
    core.take(db, later(5), first.id, "U0AGENT1", "t1")
    core.resolve(db, later(65), first.id, "U0AGENT2", None, "r1")
    core.take(db, later(6), second.id, "U0AGENT1", "t2")
    core.resolve(db, later(31), third.id, "U0AGENT2", None, "r3")
    insert_row(db, "csat_answers", {"subject": "escalation:1", "escalation_id": first.id, "score": 4, "source": "survey",
                               "received_at": later(70).isoformat(), "recorded_at": later(70).isoformat(), "counts": 1})
    figures = team_figures(db, later(120), 7, "Europe/Berlin", ())
    agent2, agent1 = figures.people
    assert (agent2.user, agent2.resolved, agent2.median_seconds_to_resolve) == ("U0AGENT2", 2, (65 * 60 + 29 * 60) / 2)
    assert (agent2.csat_average, agent2.csat_count) == (4.0, 1)
    assert (agent1.user, agent1.resolved, agent1.open_owned) == ("U0AGENT1", 0, 1)
    assert figures.csat.count == 1 and figures.csat_before.count == 0
    assert [(line.line, line.open, line.unowned) for line in figures.lines] == [(1, 1, 0), (2, 0, 0), (3, 0, 0)]
    text = repr(render_team_view(figures, TEAM))
    assert "<@U0AGENT2> · *2 resolved*" in text and "Show 30 days" in text


def test_a_case_resolved_reopened_and_resolved_again_counts_once_for_its_resolver_to_the_last_resolution(db):
    esc = raise_one(db, "a")
    core.resolve(db, later(10), esc.id, "U0AGENT1", None, "r1")
    core.reopen(db, later(20), esc.id, "U0AGENT1", "o1")
    core.resolve(db, later(40), esc.id, "U0AGENT1", None, "r2")
    [agent] = team_figures(db, later(60), 7, "Europe/Berlin", ()).people
    assert (agent.user, agent.resolved, agent.median_seconds_to_resolve) == ("U0AGENT1", 1, 40 * 60)


def test_the_team_view_counts_todays_breaches_per_line_and_each_breach_for_who_owns_it_there(db):
    breached = raise_one(db, "a", "P1")
    raise_one(db, "b", "P4", minutes=5)
    claim_due_reminders(db, T0 + DEFAULT_POLICY.allowed("take", "P1"), DEFAULT_POLICY)
    core.take(db, later(15), breached.id, "U0AGENT1", "t1")
    figures = team_figures(db, later(20), 7, "Europe/Berlin", ())
    line_1 = figures.lines[0]
    assert (line_1.open, line_1.unowned, line_1.oldest_opened, line_1.breaches_today) == (2, 1, T0, 1)
    [agent] = figures.people
    assert (agent.user, agent.open_owned, agent.breaches) == ("U0AGENT1", 1, 1)
    text = repr(render_team_view(figures, TEAM))
    assert "2 open · 1 unowned" in text and "1 SLA breach today" in text
    assert "<@U0AGENT1> · *0 resolved* · 1 open · — to resolve · 1 breach · CSAT —" in text
    next_day = team_figures(db, T0 + timedelta(days=1), 7, "Europe/Berlin", ())
    assert next_day.lines[0].breaches_today == 0 and next_day.people[0].breaches == 1, "today's, and the period's"


def test_the_team_view_says_which_shift_is_on_duty_and_until_when_in_the_readers_zone(db):
    def on_duty_text(now: datetime) -> str:
        blocks = render_team_view(team_figures(db, now, 7, SHIFTS_TEAM.timezone, SHIFTS_TEAM.reports.shifts), SHIFTS_TEAM)
        return next(block["text"]["text"] for block in blocks if "On duty" in block.get("text", {}).get("text", ""))

    emea_ends = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)  # 16:00 in Berlin, a Tuesday
    assert on_duty_text(T0) == f"*On duty:* EMEA until <!date^{int(emea_ends.timestamp())}^{{date_short_pretty}} {{time}}|2026-11-24 15:00 UTC>"
    assert on_duty_text(emea_ends).startswith("*On duty:* Americas until <!date^")
    assert on_duty_text(datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)) == "*On duty:* no shift right now"  # a Saturday
    no_shifts = render_team_view(team_figures(db, T0, 7, "UTC", ()), TEAM)
    assert "On duty" not in repr(no_shifts)


def test_a_shift_starting_or_ending_and_a_new_day_are_the_turns_of_the_team_view():
    shifts, berlin = SHIFTS_TEAM.reports.shifts, ZoneInfo("Europe/Berlin")
    emea_began = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)  # 08:00 in Berlin, a Tuesday
    emea_ends = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
    assert latest_turn(shifts, T0, berlin) == emea_began
    assert latest_turn(shifts, emea_ends, berlin) == emea_ends
    assert latest_turn(shifts, datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc), berlin) == datetime(
        2026, 11, 27, 23, 0, tzinfo=timezone.utc), "a Saturday: Friday's Americas shift ended at midnight"
    assert latest_turn((), T0, berlin) == datetime(2026, 11, 23, 23, 0, tzinfo=timezone.utc), "midnight in Berlin"


def test_the_leads_homes_published_before_a_shift_ends_are_published_again_once(db, tmp_path):
    visited(db, {"U0LEAD1": Audience(frozenset({3}), lead=True), "U0AGENT1": Audience(frozenset({1}))})
    now = [later(60)]
    deps = Deps(store=Store(database_for(tmp_path)), team=SHIFTS_TEAM, clock=lambda: now[0])
    job = LeadsHomesAtTurns()
    assert job(None, deps) == 0 and published_homes(db) == set(), "published while EMEA was on duty"
    now[0] = datetime(2026, 11, 24, 15, 0, 1, tzinfo=timezone.utc)  # EMEA ended, Americas began
    assert job(None, deps) == 1 and published_homes(db) == {"home:U0LEAD1"}, "the agent's Home shows no shift"
    assert job(None, deps) == 0 and published_homes(db) == set(), "once per turn"


def test_a_full_home_stays_within_slacks_limits_and_escapes_summaries(db):
    for n in range(14):
        raise_one(db, f"q{n}", summary=HOSTILE, minutes=n)
        raise_one(db, f"l3-{n}", line=3, minutes=n)
    for n in range(12):
        esc = raise_one(db, f"m{n}", line=2, minutes=n)
        core.take(db, later(30), esc.id, "U0AGENT1", f"t{n}")
    facts = HomeFacts(later(60), q.owned_by(db, "U0AGENT1", 10),
                      {line: q.waiting_on_line(db, line, 10) for line in (1, 2)}, q.waiting_on_line(db, 3, 10), [],
                      team_view=render_team_view(team_figures(db, later(60), 30, "UTC", ()), TEAM))
    view = render_home(facts, TEAM)
    assert_valid_home(view)
    text = repr(view["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "…and 2 more: see `/esc list mine`" in text and "…and 4 more: see `/esc list unowned`" in text
    assert text.count(f"'action_id': '{ids.ACTION_TAKE}'") == 10
    assert text.count(f"'action_id': '{ids.ACTION_ACKNOWLEDGE}'") == 10


def test_a_view_past_the_block_limit_is_cut_and_says_so():
    blocks = within_limit([{"type": "divider"}] * 130)
    assert len(blocks) == MAX_BLOCKS and "31 more" in repr(blocks[-1])


def test_the_refusal_modal_says_why(db):
    refused = UserError("ESC-1 changed since you saw it. Nothing changed.", "Press again if you still mean it.")
    view = render_reply_modal(render_error(refused))
    assert_valid_view(view)
    assert view["callback_id"] == REPLY_MODAL and "Nothing changed" in repr(view["blocks"])


def test_opening_home_twice_keeps_one_pending_publish(db):
    home_visits.open_home(db, T0, "U0AGENT1")
    home_visits.open_home(db, later(0.01), "U0AGENT1")
    assert home_rows(db) == [("home:U0AGENT1", T0.isoformat())]
    assert outbox.pending_count(db) == 1


class CountingSlack:
    """Answers member look-ups and counts them."""

    def __init__(self):
        self.calls = 0

    def usergroups_users_list(self, usergroup):
        self.calls += 1
        return {"users": ["U0ENG1"]}

    def conversations_members(self, channel, limit):
        self.calls += 1
        return [{"members": ["U0AGENT1", "U0AGENT2"]}]


def test_roles_read_channel_and_group_members_from_slack_at_most_every_few_minutes():
    team = parse_team_config({
        "lines": [{"level": 1, "name": "Frontline", "channel": "C0SUPL1"},
                  {"level": 2, "name": "Specialists", "channel": "C0SUPL2", "responders": ["U0SPEC1"]},
                  {"level": 3, "name": "Engineering", "channel": "C0ENGESC", "responders": ["S0ENGINEERS"]}],
        "leads": {"users": ["U0LEAD1"]},
    })
    slack, known = CountingSlack(), Members()
    roles = roles_of("U0ENG1", slack, team, known, T0)
    assert roles.lines == frozenset({3}) and roles.acknowledges and not roles.lead
    assert roles_of("U0AGENT1", slack, team, known, later(4)).lines == frozenset({1})
    assert slack.calls == 2
    roles_of("U0AGENT1", slack, team, known, later(5))
    assert slack.calls == 4
    lead = roles_of("U0LEAD1", slack, team, known, later(5))
    assert lead.lead and lead.acknowledges and lead.audience == Audience(frozenset({3}), lead=True)
