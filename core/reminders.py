"""Reminders, follow-ups and digests: what is due at a moment, one named rule per kind.

Every rule reads the current state and returns the messages due on one day; `run_due` gathers
the rules whose time has come and stores what is missing (core.notifications.send keeps each
notification unique). So running a moment twice creates nothing new, and running it later the
same day picks up what became due since (a follow-up recorded at noon for today).

Schedule, in the organisation's time zone (HEADWAY_TIMEZONE): daily reminders at 07:00 on working
days (HEADWAY_REMINDERS_AT, HEADWAY_WORKING_DAYS, default Monday to Friday), the weekly digest at
07:30 on Mondays (HEADWAY_DIGEST_AT). A reminder whose natural day is not a working day (a
follow-up promised for a Saturday) is sent on the working day before it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.calendar import organisation_calendar
from core.config import get_settings
from core.follow_ups import follow_up_status, is_overdue
from core.growth_analytics import falling_agents
from core.models import (
    Assignment,
    AssignmentStatus,
    CoachingNote,
    Department,
    LearningShare,
    MindCheck,
    NotificationKind,
    PdDay,
    PdStatus,
    Person,
    Pledge,
    Role,
    Team,
    Term,
)
from core.notifications import Created, Message, active_people, link_to, message_to, send
from core.pledges import LIVE

ESCALATE_AFTER_WORKING_DAYS = 2
# An escalation that could not be sent for a week (downtime) is left to the Monday digest.
ESCALATION_LOOKBACK_DAYS = 7


def _when(day: dt.date, reference: dt.date) -> str:
    return "today" if day == reference else f"on {day:%A %-d %B}"


# --- coaching follow-ups ------------------------------------------------------------------------


def follow_ups_due(session: Session, day: dt.date) -> list[Message]:
    """A follow-up due today: the coach checks back in; the agent hears their coach will."""
    notes = session.exec(
        select(CoachingNote).where(
            col(CoachingNote.closed).is_(False),
            col(CoachingNote.follow_up_date).in_(organisation_calendar(session).reminded_on(day)),
        )
    ).all()
    people = active_people(session, [i for n in notes for i in (n.agent_id, n.coach_id)])
    messages = []
    for n in notes:
        agent, coach = people.get(n.agent_id), people.get(n.coach_id)
        if agent is None or coach is None or n.follow_up_date is None:
            continue
        when = _when(n.follow_up_date, day)
        promise = n.to_try or n.actions
        messages.append(
            message_to(
                coach,
                kind=NotificationKind.FOLLOW_UP_DUE,
                subject=f"coaching_note:{n.id}",
                due_date=day,
                title=f"Check back in with {agent.name} {when}",
                body=f"On {n.date:%-d %B} you agreed: {promise}",
                link=link_to("coaching", agent=n.agent_id),
            )
        )
        messages.append(
            message_to(
                agent,
                kind=NotificationKind.CHECK_IN_TODAY,
                subject=f"coaching_note:{n.id}",
                due_date=day,
                title=f"{coach.name} will check in with you {when}",
                body=f"What you agreed to try: {promise}",
                link="growth",
            )
        )
    return messages


def escalation_recipients(session: Session, coach: Person) -> list[Person]:
    """The coach's lead: the lead of the coach's team when that is someone else; for a team lead
    (who leads their own team) the managers. A manager's own follow-ups escalate to no one."""
    team = session.get(Team, coach.team_id) if coach.team_id else None
    if team is not None and team.lead_id not in (None, coach.id):
        lead = session.get(Person, team.lead_id)
        return [lead] if lead is not None and lead.active else []
    if coach.role == Role.TEAM_LEAD:
        return list(
            session.exec(
                select(Person).where(Person.role == Role.MANAGER, col(Person.active).is_(True))
            ).all()
        )
    return []


def overdue_escalations(session: Session, day: dt.date) -> list[Message]:
    """A follow-up still open two working days after its date goes to the coach's lead."""
    notes = session.exec(
        select(CoachingNote).where(
            col(CoachingNote.closed).is_(False),
            col(CoachingNote.follow_up_date).is_not(None),
            col(CoachingNote.follow_up_date) < day,
            col(CoachingNote.follow_up_date)
            >= day - dt.timedelta(days=ESCALATION_LOOKBACK_DAYS + 4),
        )
    ).all()
    people = active_people(session, [i for n in notes for i in (n.agent_id, n.coach_id)])
    leads_of: dict[int, list[Person]] = {}  # per coach: a few coaches, many notes
    calendar = organisation_calendar(session)
    messages = []
    for n in notes:
        assert n.follow_up_date is not None
        due = calendar.add_working_days(n.follow_up_date, ESCALATE_AFTER_WORKING_DAYS)
        if not (day - dt.timedelta(days=ESCALATION_LOOKBACK_DAYS) <= due <= day):
            continue
        agent, coach = people.get(n.agent_id), people.get(n.coach_id)
        if agent is None or coach is None:
            continue
        if n.coach_id not in leads_of:
            leads_of[n.coach_id] = escalation_recipients(session, coach)
        for lead in leads_of[n.coach_id]:
            messages.append(
                message_to(
                    lead,
                    kind=NotificationKind.FOLLOW_UP_OVERDUE,
                    subject=f"coaching_note:{n.id}",
                    due_date=due,
                    title=f"Overdue: {coach.name} has not checked back in with {agent.name}",
                    body=(
                        f"The follow-up was due on {n.follow_up_date:%A %-d %B} and the note is "
                        "still open. A word with the coach may help."
                    ),
                    link=link_to("coaching", agent=n.agent_id),
                )
            )
    return messages


# --- PD days ------------------------------------------------------------------------------------

_LIVE_PD = (PdStatus.PUBLISHED, PdStatus.COMPLETED)


def pd_days_tomorrow(session: Session, day: dt.date) -> list[Message]:
    """The working day before a PD day: the agent, with their goal."""
    rows = session.exec(
        select(PdDay).where(
            PdDay.date > day,
            # on Friday: the weekend and Monday (and any holiday before the next working day)
            PdDay.date <= organisation_calendar(session).next_working_day(day),
            col(PdDay.status).in_(_LIVE_PD),
        )
    ).all()
    people = active_people(session, [r.person_id for r in rows])
    messages = []
    for r in rows:
        agent = people.get(r.person_id)
        if agent is None:
            continue
        when = "tomorrow" if r.date == day + dt.timedelta(days=1) else f"on {r.date:%A %-d %B}"
        goal = (
            f"Your goal: {r.goal}"
            if r.goal
            else "You have not set a goal yet: a sentence on My PD days helps you use the day."
        )
        purpose = f" You plan to {r.purpose}." if r.purpose else ""
        messages.append(
            message_to(
                agent,
                kind=NotificationKind.PD_DAY_TOMORROW,
                subject=f"pd_day:{r.id}",
                due_date=day,
                title=f"Your PD day is {when}",
                body=goal + purpose,
                link="my_pd_days",
            )
        )
    return messages


def share_prompts(session: Session, day: dt.date) -> list[Message]:
    """The working day after a PD day with no learning share yet: a gentle prompt to share."""
    start = organisation_calendar(session).previous_working_day(day)
    rows = session.exec(
        select(PdDay)
        .where(PdDay.date >= start, PdDay.date < day, col(PdDay.status).in_(_LIVE_PD))
        .where(~select(LearningShare.id).where(LearningShare.pd_day_id == PdDay.id).exists())
    ).all()
    people = active_people(session, [r.person_id for r in rows])
    return [
        message_to(
            people[r.person_id],
            kind=NotificationKind.SHARE_PROMPT,
            subject=f"pd_day:{r.id}",
            due_date=day,
            title="How was your PD day? Share what you learned",
            body=(
                f"A few lines about your PD day on {r.date:%A %-d %B}: what you learned, what "
                "worked, where it failed, and what you will try next time. Your team learns too."
            ),
            link="learning",
        )
        for r in rows
        if r.person_id in people
    ]


# --- rotations ----------------------------------------------------------------------------------

_LIVE_ASSIGNMENT = (AssignmentStatus.PUBLISHED, AssignmentStatus.ACTIVE)


def _terms_in_a_week(session: Session, day: dt.date, field: str) -> list[Term]:
    """Terms whose start (or end) is next week, as seen from working day `day`: the day a week
    before it, or the working day before that."""
    natural = [d + dt.timedelta(days=7) for d in organisation_calendar(session).reminded_on(day)]
    column = col(getattr(Term, field))
    return list(session.exec(select(Term).where(column.in_(natural))).all())


def term_changes(session: Session, day: dt.date) -> list[Message]:
    """A rotation term starts / ends next week: each ambassador and each host contact."""
    messages: list[Message] = []
    for field, kind, verb in (
        ("start", NotificationKind.TERM_STARTS, "starts"),
        ("end", NotificationKind.TERM_ENDS, "ends"),
    ):
        for term in _terms_in_a_week(session, day, field):
            messages.extend(_term_messages(session, term, kind, verb, day))
    return messages


def _term_messages(
    session: Session, term: Term, kind: NotificationKind, verb: str, day: dt.date
) -> list[Message]:
    rows = session.exec(
        select(Assignment).where(
            Assignment.term_id == term.id, col(Assignment.status).in_(_LIVE_ASSIGNMENT)
        )
    ).all()
    people = active_people(session, [a.person_id for a in rows])
    departments = {d.id: d for d in session.exec(select(Department)).all()}
    on = getattr(term, "start" if verb == "starts" else "end")
    messages = []
    ambassadors: dict[int, list[str]] = {}
    for a in rows:
        agent, dept = people.get(a.person_id), departments[a.department_id]
        if agent is None:
            continue
        ambassadors.setdefault(a.department_id, []).append(agent.name)
        body = (
            f"You represent the support team in {dept.name}, {term.hours_per_week:g} hours a week."
            + (f" Your host is {dept.host_contact_name}." if dept.host_contact_name else "")
            if verb == "starts"
            else "Time to wrap up: record your projects and what you learned, and thank your hosts."
        )
        messages.append(
            message_to(
                agent,
                kind=kind,
                subject=f"assignment:{a.id}",
                due_date=day,
                title=f"Your ambassador term in {dept.name} {verb} on {on:%A %-d %B}",
                body=body,
                link="my_rotation",
            )
        )
    hosts = {
        p.email.lower(): p
        for p in session.exec(
            select(Person).where(
                col(Person.email).in_([d.host_contact_email.lower() for d in departments.values()])
            )
        ).all()
    }
    for dept_id, names in ambassadors.items():
        dept = departments[dept_id]
        if not dept.host_contact_email:
            continue
        address = dept.host_contact_email.lower()
        messages.append(
            Message(
                address,
                hosts[address].id if address in hosts else None,
                kind,
                f"term:{term.id}/department:{dept_id}",
                day,
                f"Support ambassadors: term {term.name} {verb} on {on:%A %-d %B}",
                (
                    f"{'Joining' if verb == 'starts' else 'Finishing their term with'} "
                    f"{dept.name}: " + ", ".join(sorted(names)) + "."
                ),
                "my_rotation",
            )
        )
    return messages


# --- pledges ------------------------------------------------------------------------------------


def mind_checks(session: Session, day: dt.date) -> list[Message]:
    """Each working morning, agents with a live pledge who have not done today's mind check."""
    rows = session.exec(
        select(Pledge)
        .where(col(Pledge.status).in_(LIVE), Pledge.start_date <= day)
        .where(
            ~select(MindCheck.id)
            .where(MindCheck.agent_id == Pledge.agent_id, MindCheck.date == day)
            .exists()
        )
    ).all()
    people = active_people(session, [p.agent_id for p in rows])
    return [
        message_to(
            people[p.agent_id],
            kind=NotificationKind.MIND_CHECK,
            subject=f"pledge:{p.id}",
            due_date=day,
            title="Your mind check: how did yesterday go with your pledge?",
            body="One tap: kept, partly, or slipped. “"
            + (json.loads(p.commitments) or [""])[0]
            + "”",
            link="pledge",
        )
        for p in rows
        if p.agent_id in people
    ]


# --- the Monday digest --------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamWeek:
    team_id: int
    team: str
    due_follow_ups: list[str]  # "Agent — Wed 2 Dec" (overdue ones first)
    overdue: int
    falling: list[str]  # "Agent: evidence"
    agents: int
    with_pd_day: int
    pd_days: int
    busiest: tuple[dt.date, int] | None
    new_shares: list[str]


def team_weeks(session: Session, day: dt.date, team_ids: list[int]) -> list[TeamWeek]:
    """What a lead needs to know on Monday morning, per team."""
    teams = {
        t.id or 0: t.name
        for t in session.exec(select(Team).where(col(Team.id).in_(team_ids))).all()
    }
    agents = session.exec(
        select(Person.id, Person.name, Person.team_id).where(
            col(Person.team_id).in_(team_ids),
            Person.role == Role.AGENT,
            col(Person.active).is_(True),
        )
    ).all()
    team_of = {a: t for a, _, t in agents}
    name_of = {a: n for a, n, _ in agents}
    week_end = day + dt.timedelta(days=6)
    status = follow_up_status(session, agent_ids=[a for a in team_of if a is not None], day=day)
    notes = sorted(
        ((a, d) for a, s in status.items() for d in s.due_by(week_end)), key=lambda n: n[1]
    )
    pd_rows = session.exec(
        select(col(PdDay.person_id), col(PdDay.date)).where(
            col(PdDay.person_id).in_(team_of),
            col(PdDay.status).in_(_LIVE_PD),
            PdDay.date >= day,
            PdDay.date <= day + dt.timedelta(days=13),
        )
    ).all()
    shares = session.exec(
        select(LearningShare.author_id, LearningShare.title)
        .where(col(LearningShare.author_id).in_(team_of))
        .where(col(LearningShare.hidden_reason).is_(None))
        .where(
            LearningShare.created_at
            >= dt.datetime.combine(day - dt.timedelta(days=7), dt.time(), get_settings().tz)
        )
        .order_by(col(LearningShare.created_at))
    ).all()
    falling = falling_agents(session, team_ids=team_ids, as_of=day)
    agents_in: dict[int | None, int] = defaultdict(int)
    due: dict[int | None, list[tuple[dt.date, str]]] = defaultdict(list)
    away: dict[int | None, list[tuple[int, dt.date]]] = defaultdict(list)
    shared: dict[int | None, list[str]] = defaultdict(list)
    for team in team_of.values():
        agents_in[team] += 1
    for a, d in notes:
        if d is not None:
            due[team_of[a]].append((d, name_of[a]))
    for p, d in pd_rows:
        away[team_of[p]].append((p, d))
    for a, title in shares:
        shared[team_of[a]].append(f"{name_of[a]}: “{title}”")
    weeks = []
    for team_id in sorted(teams, key=lambda t: teams[t]):
        per_day = Counter(d for _, d in away[team_id])
        busiest = max(per_day.items(), key=lambda kv: (kv[1], -kv[0].toordinal()), default=None)
        weeks.append(
            TeamWeek(
                team_id,
                teams[team_id],
                [
                    f"{n} — {d:%a %-d %b}" + (" (overdue)" if is_overdue(d, day) else "")
                    for d, n in due[team_id]
                ],
                sum(is_overdue(d, day) for d, _ in due[team_id]),
                [f"{n}: {f.headline}" for _, n, f in falling.get(team_id, [])],
                agents_in[team_id],
                len({p for p, _ in away[team_id]}),
                len(away[team_id]),
                busiest,
                shared[team_id],
            )
        )
    return weeks


def _block(heading: str, items: list[str], limit: int) -> str:
    more = [f"- … and {len(items) - limit} more"] if len(items) > limit else []
    return "\n".join([heading, *(f"- {x}" for x in items[:limit]), *more])


def _digest_section(week: TeamWeek) -> str:
    busiest = (
        f"; busiest day {week.busiest[0]:%a %-d %b} with {week.busiest[1]} away"
        if week.busiest
        else ""
    )
    overdue = f" ({week.overdue} overdue)" if week.overdue else ""
    blocks = [
        _block(
            f"**Follow-ups due this week: {len(week.due_follow_ups)}**{overdue}",
            week.due_follow_ups,
            15,
        ),
        _block(f"**Falling trends: {len(week.falling)}**", week.falling, 10),
        f"**PD days in the next two weeks: {week.pd_days}** "
        f"({week.with_pd_day} of {week.agents} agents{busiest})",
        _block(f"**New learning shares: {len(week.new_shares)}**", week.new_shares, 10),
    ]
    return "\n\n".join(blocks)


def _team_line(week: TeamWeek) -> str:
    overdue = f" ({week.overdue} overdue)" if week.overdue else ""
    return (
        f"**{week.team}**: {len(week.due_follow_ups)} follow-ups due{overdue} · "
        f"{len(week.falling)} falling trends · PD days for {week.with_pd_day} of {week.agents} "
        f"agents in the next two weeks · {len(week.new_shares)} new learning shares"
    )


def weekly_digests(session: Session, day: dt.date) -> list[Message]:
    """The week's first working day: each lead gets their team's week; each manager the same
    for every team."""
    teams = session.exec(select(Team).where(col(Team.lead_id).is_not(None))).all()
    managers = session.exec(
        select(Person).where(Person.role == Role.MANAGER, col(Person.active).is_(True))
    ).all()
    team_ids = [t.id for t in session.exec(select(Team)).all() if t.id is not None]
    weeks = {w.team_id: w for w in team_weeks(session, day, team_ids)} if team_ids else {}
    leads = active_people(session, [t.lead_id for t in teams])
    title = f"Your week ahead: {day:%-d %B}"
    messages = [
        message_to(
            leads[t.lead_id],
            kind=NotificationKind.WEEKLY_DIGEST,
            subject=f"team:{t.id}",
            due_date=day,
            title=f"{title} — {t.name}",
            body=_digest_section(weeks[t.id]),
            link="team",
        )
        for t in teams
        if t.lead_id in leads and t.id in weeks
    ]
    if managers and weeks:
        overdue = sum(w.overdue for w in weeks.values())
        summary = (
            f"{len(weeks)} teams · {sum(len(w.due_follow_ups) for w in weeks.values())} follow-ups "
            f"due ({overdue} overdue) · {sum(len(w.falling) for w in weeks.values())} falling "
            f"trends · {sum(len(w.new_shares) for w in weeks.values())} new learning shares"
        )
        ranked = sorted(
            weeks.values(), key=lambda w: (-w.overdue, -len(w.falling), -len(w.due_follow_ups))
        )
        body = "\n\n".join(
            [
                summary,
                _block(
                    "**Teams, those needing attention first**", [_team_line(w) for w in ranked], 40
                ),
            ]
        )
        messages += [
            message_to(
                m,
                kind=NotificationKind.WEEKLY_DIGEST,
                subject="organisation",
                due_date=day,
                title=f"{title} — every team",
                body=body,
                link="organisation",
            )
            for m in managers
        ]
    return messages


# --- running what is due ------------------------------------------------------------------------

Rule = Callable[[Session, dt.date], list[Message]]
DAILY_RULES: tuple[Rule, ...] = (
    follow_ups_due,
    overdue_escalations,
    pd_days_tomorrow,
    share_prompts,
    term_changes,
    mind_checks,
)


def local(at: dt.datetime) -> dt.datetime:
    """`at` in the organisation's time zone (a naive moment is read as local time)."""
    tz = get_settings().tz
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def due_messages(session: Session, at: dt.datetime) -> list[Message]:
    moment = local(at)
    day, time = moment.date(), moment.time().replace(tzinfo=None)
    messages: list[Message] = []
    settings, calendar = get_settings(), organisation_calendar(session)
    if calendar.is_working_day(day) and time >= settings.reminders_at:
        for rule in DAILY_RULES:
            messages.extend(rule(session, day))
    if calendar.starts_the_week(day) and time >= settings.digest_at:
        messages.extend(weekly_digests(session, day))
    return messages


def run_due(session: Session, *, at: dt.datetime) -> list[Created]:
    """Create every notification due by `at` that does not exist yet; return those created."""
    return send(session, due_messages(session, at))


def latest_scheduled(now: dt.datetime, *, at: dt.time, weekdays: frozenset[int]) -> dt.datetime:
    """The latest moment of a daily schedule (`at` on `weekdays`) at or before `now`."""
    moment = local(now)
    day = moment.date()
    while True:
        candidate = dt.datetime.combine(day, at, tzinfo=moment.tzinfo)
        if day.weekday() in weekdays and candidate <= moment:
            return candidate
        day -= dt.timedelta(days=1)


def catch_up_moment(now: dt.datetime, *, at: dt.time, weekdays: frozenset[int]) -> dt.datetime:
    """The moment a scheduled run stands for: now on the day it was due; for a run caught up
    after midnight (downtime, at most a day late) the end of the day it was due."""
    due = latest_scheduled(now, at=at, weekdays=weekdays)
    moment = local(now)
    if due.date() == moment.date():
        return moment
    return dt.datetime.combine(due.date(), dt.time(23, 59, 59), tzinfo=due.tzinfo)
