"""The daily rules: each reads the current state and returns the messages due on one day
(coaching follow-ups and escalations, PD days, rotation terms, pledge mind checks)."""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session, col, select

from core.learning.pledges import LIVE, check_day
from core.models import (
    Assignment,
    AssignmentStatus,
    CoachingNote,
    Department,
    Dispute,
    DisputeStatus,
    LearningShare,
    MindCheck,
    Notification,
    NotificationKind,
    PdDay,
    PdStatus,
    Person,
    Pledge,
    PledgeStatus,
    Role,
    Team,
    Term,
)
from core.notify.notifications import Message, active_people, link_to, message_to
from core.platform.calendar import organisation_calendar
from core.rotations.interests import interest_checks, next_term
from core.rotations.terms import weekly_session

ESCALATE_AFTER_WORKING_DAYS = 2
# An escalation that could not be sent for a week (downtime) is left to the Monday digest.
ESCALATION_LOOKBACK_DAYS = 7


def _when(day: dt.date) -> str:
    """The day in words, never "today": a reminder is read later than it is made (a run caught up
    after downtime on Monday for a Friday, an inbox opened days later)."""
    return f"on {day:%A %-d %B}"


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
        when = _when(n.follow_up_date)
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


# --- disputes of evaluations --------------------------------------------------------------------


def disputes_due(session: Session, day: dt.date) -> list[Message]:
    """An open dispute due on the next working day reminds its reviewer the working day before;
    one past its due date reminds them once, the working day after (the digest keeps counting
    it)."""
    calendar = organisation_calendar(session)
    rows = session.exec(
        select(Dispute).where(
            Dispute.status == DisputeStatus.OPEN,
            Dispute.due_date <= calendar.next_working_day(day),
        )
    ).all()
    people = active_people(session, [i for d in rows for i in (d.owner_id, d.agent_id)])
    messages = []
    for d in rows:
        owner, agent = people.get(d.owner_id), people.get(d.agent_id)
        if owner is None or agent is None:
            continue
        overdue = d.due_date < day
        if d.due_date == day:
            continue  # reminded the working day before
        messages.append(
            message_to(
                owner,
                kind=NotificationKind.DISPUTE_DUE,
                subject=f"dispute:{d.id}",
                due_date=calendar.next_working_day(d.due_date) if overdue else day,
                title=(
                    f"Overdue: {agent.name}'s dispute was due {_when(d.due_date)}"
                    if overdue
                    else f"{agent.name}'s dispute is due {_when(d.due_date)}"
                ),
                body=(
                    f"They dispute a score of {d.old_score:g}: uphold it or adjust it, with a "
                    "reason, on the QA evaluations page."
                ),
                link=link_to("evaluations", dispute=d.id),
            )
        )
    return messages


# --- PD days ------------------------------------------------------------------------------------

LIVE_PD = (PdStatus.PUBLISHED, PdStatus.COMPLETED)


def pd_days_tomorrow(session: Session, day: dt.date) -> list[Message]:
    """The working day before a PD day: the agent, with their goal."""
    rows = session.exec(
        select(PdDay).where(
            PdDay.date > day,
            # on Friday: the weekend and Monday (and any holiday before the next working day)
            PdDay.date <= organisation_calendar(session).next_working_day(day),
            col(PdDay.status).in_(LIVE_PD),
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
        .where(PdDay.date >= start, PdDay.date < day, col(PdDay.status).in_(LIVE_PD))
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
            f"You represent the support team in {dept.name}: "
            + weekly_session(
                session, term_id=term.id or 0, department_id=a.department_id
            ).sentence()
            + "."
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


REFRESH_INTERESTS_DAYS_AHEAD = 21


def interests_refresh(session: Session, day: dt.date) -> list[Message]:
    """The next term starts within three weeks: each active agent whose interests are stale or
    exhausted (core.rotations.interests) is asked to rank them, once per term."""
    term = next_term(session, day)
    if term is None or (term.start - day).days > REFRESH_INTERESTS_DAYS_AHEAD:
        return []
    subject = f"term:{term.id}"
    asked = set(
        session.exec(
            select(Notification.person_id).where(
                Notification.kind == NotificationKind.INTERESTS_REFRESH,
                Notification.subject == subject,
            )
        ).all()
    )
    teams = list(session.exec(select(Team.id)).all())
    due = [
        c
        for c in interest_checks(session, team_ids=[t for t in teams if t is not None], day=day)
        if c.needs_refresh and c.person_id not in asked
    ]
    people = active_people(session, [c.person_id for c in due])
    return [
        message_to(
            people[c.person_id],
            kind=NotificationKind.INTERESTS_REFRESH,
            subject=subject,
            due_date=day,
            title=f"Rank your rotation interests for {term.name}",
            body=f"{c.advice()} The term starts on {term.start:%A %-d %B}.",
            link="my_rotation",
        )
        for c in due
        if c.person_id in people
    ]


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
    calendar = organisation_calendar(session)
    # None on a pledge's first day: there is no day with it to look back on yet.
    about = {
        p.id: check_day(
            p.start_date, day=day, calendar=calendar, renewed=p.status == PledgeStatus.RENEWED
        ).about
        for p in rows
    }
    rows = [p for p in rows if about[p.id] is not None]
    people = active_people(session, [p.agent_id for p in rows])
    return [
        message_to(
            people[p.agent_id],
            kind=NotificationKind.MIND_CHECK,
            subject=f"pledge:{p.id}",
            due_date=day,
            title=f"Your mind check: how did {about[p.id]:%A %-d %B} go with your pledge?",
            body="One tap: kept, partly, or slipped. “"
            + (json.loads(p.commitments) or [""])[0]
            + "”",
            link="pledge",
        )
        for p in rows
        if p.agent_id in people
    ]
