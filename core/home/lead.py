""" "My day" at a glance: recent quality per person and per team, aggregated in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, func, select

from core.coaching.follow_ups import follow_up_status, is_overdue
from core.coaching.notes import QueueRow, coaching_queue, notes_about
from core.growth.teams import falling_agents, visible_teams
from core.growth.wording import TrendFlag
from core.learning.pledges import PledgeToday, pledge_today
from core.learning.shares import pd_day_to_share, search_shares
from core.models import (
    METRICS,
    Assignment,
    AssignmentStatus,
    CoachingNote,
    Comment,
    CommentOn,
    Dispute,
    DisputeStatus,
    Evaluation,
    NoteAgreement,
    Observation,
    PdDay,
    Person,
    PledgeStatus,
    Role,
    Team,
)
from core.pd.closures import ClosureRead, list_closures
from core.pd.days import PdDayRead, my_pd_days
from core.pd.planning import FIXED as PD_FIXED
from core.people.access import (
    Actor,
    Purpose,
    require_admin,
    require_view_person,
    require_view_team,
    teams_for,
    visible_people,
)
from core.platform.calendar import organisation_calendar
from core.platform.errors import AccessDenied, NotFound
from core.quality.calibration_sessions import list_sessions
from core.quality.glance import QaGlance, qa_glance
from core.rotations.planning import my_rotations
from core.rotations.terms import TermRead, list_terms

GLANCE_DAYS = 28


@dataclass(frozen=True)
class MetricChange:
    metric: str
    label: str
    current: float | None  # mean over the last GLANCE_DAYS
    previous: float | None  # mean over the GLANCE_DAYS before that
    count: int

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class GlanceRow:
    id: int
    name: str
    agents: int
    values: dict[str, float | None]


def _windows(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    current_start = today - dt.timedelta(days=GLANCE_DAYS - 1)
    previous_start = current_start - dt.timedelta(days=GLANCE_DAYS)
    return previous_start, current_start, today


def person_changes(
    session: Session, *, actor: Actor, person_id: int, today: dt.date
) -> list[MetricChange]:
    """Each metric's last-four-weeks mean against the four weeks before, for one person."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    require_view_person(actor, person)
    previous_start, current_start, end = _windows(today)
    is_current = col(Observation.date) >= current_start
    rows = session.exec(
        select(Observation.metric, is_current, func.avg(Observation.value), func.count())
        .where(Observation.person_id == person_id)
        .where(Observation.date >= previous_start, Observation.date <= end)
        .group_by(col(Observation.metric), is_current)
    ).all()
    found = {(m, bool(c)): (float(v), int(n)) for m, c, v, n in rows}
    return [
        MetricChange(
            metric=key,
            label=metric.label,
            current=found.get((key, True), (None, 0))[0],
            previous=found.get((key, False), (None, 0))[0],
            count=found.get((key, True), (None, 0))[1],
        )
        for key, metric in METRICS.items()
    ]


def weekly_trend(
    session: Session, *, actor: Actor, person_id: int, metric: str, today: dt.date, weeks: int = 26
) -> list[tuple[dt.date, float, int]]:
    """Weekly means (week start, mean, count) of one person's metric."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    require_view_person(actor, person)
    start = today - dt.timedelta(days=7 * weeks - 1)
    rows = session.exec(
        select(col(Observation.date), col(Observation.value))
        .where(Observation.person_id == person_id, Observation.metric == metric)
        .where(Observation.date >= start, Observation.date <= today)
    ).all()
    buckets: dict[dt.date, list[float]] = {}
    for day, value in rows:
        week = start + dt.timedelta(days=7 * ((day - start).days // 7))
        buckets.setdefault(week, []).append(value)
    return [(w, sum(v) / len(v), len(v)) for w, v in sorted(buckets.items())]


GLANCE_METRICS = ("qa_score", "csat", "fcr", "aht_seconds")


def team_glance(session: Session, *, actor: Actor, team_id: int, today: dt.date) -> list[GlanceRow]:
    """One row per active agent of the team: their last-four-weeks means."""
    require_view_team(actor, team_id)
    _, start, end = _windows(today)
    agents = session.exec(
        select(Person)
        .where(Person.team_id == team_id, Person.role == Role.AGENT)
        .where(col(Person.active).is_(True), visible_people(actor))
        .order_by(col(Person.name))
    ).all()
    # By the agents' ids, so the database walks (person, metric, date) for this team only
    # rather than four weeks of every agent's scores (0.1 s to 3 ms on 2,000 agents).
    ids = [a.id for a in agents if a.id is not None]
    rows = session.exec(
        select(Observation.person_id, Observation.metric, func.avg(Observation.value))
        .where(col(Observation.person_id).in_(ids), col(Observation.metric).in_(GLANCE_METRICS))
        .where(Observation.date >= start, Observation.date <= end)
        .group_by(col(Observation.person_id), col(Observation.metric))
    ).all()
    means = {(p, m): float(v) for p, m, v in rows}
    return [
        GlanceRow(a.id, a.name, 1, {m: means.get((a.id, m)) for m in GLANCE_METRICS})
        for a in agents
        if a.id is not None
    ]


def organisation_glance(session: Session, *, actor: Actor, today: dt.date) -> list[GlanceRow]:
    """One row per team the actor may see: agents and last-four-weeks means."""
    _, start, end = _windows(today)
    teams = [
        t
        for t in session.exec(select(Team).order_by(col(Team.name))).all()
        if t.id is not None and (actor.sees_everyone or t.id in actor.led_team_ids)
    ]
    sizes = dict(
        session.exec(
            select(Person.team_id, func.count())
            .where(Person.role == Role.AGENT, col(Person.active).is_(True))
            .group_by(col(Person.team_id))
        ).all()
    )
    rows = session.exec(
        select(Person.team_id, Observation.metric, func.avg(Observation.value))
        .join(Person, col(Person.id) == Observation.person_id)
        .where(col(Observation.metric).in_(GLANCE_METRICS))
        .where(Observation.date >= start, Observation.date <= end)
        .group_by(col(Person.team_id), col(Observation.metric))
    ).all()
    means = {(t, m): float(v) for t, m, v in rows}
    return [
        GlanceRow(
            t.id, t.name, int(sizes.get(t.id, 0)), {m: means.get((t.id, m)) for m in GLANCE_METRICS}
        )
        for t in teams
        if t.id is not None
    ]


# --- what to do today, per role -----------------------------------------------------------------
# Each role's "My day" leads with a few sentences about today, then the details. Every number
# comes from the function the linked page uses (core.coaching.follow_ups, core.coaching.notes.coaching_queue,
# core.growth.teams.falling_agents, core.learning.shares.search_shares), so the two always agree.

WEEKDAY_DATE = "%a %-d %b"


def _first_line(text: str, limit: int = 140) -> str:
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _on(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "today"
    if day == today + dt.timedelta(days=1):
        return "tomorrow"
    return f"on {day:{WEEKDAY_DATE}}"


@dataclass(frozen=True)
class CheckInAhead:
    """An open coaching note's next check-in, as the agent sees it."""

    coach: str
    date: dt.date
    about: str  # the agreed next step (user text: show it as text)
    overdue: bool


@dataclass(frozen=True)
class SignOffWaiting:
    """A 1:1 sign-off ("We agreed on: …") a coach proposed and signed, waiting for the agent."""

    note_id: int
    note_date: dt.date
    coach: str


@dataclass(frozen=True)
class RotationTerm:
    department: str
    term: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class AgentDay:
    day: dt.date
    check_ins: list[CheckInAhead]
    rotation_now: RotationTerm | None
    rotation_next: RotationTerm | None
    pledge: PledgeToday
    pd_days: list[PdDayRead]  # today's and the coming ones, earliest first
    to_share: dt.date | None  # the PD day Headway asks about
    closed: dict[dt.date, str] = field(default_factory=dict)  # PD days now on closed days: why
    qa: QaGlance | None = None  # their QA evaluations and disputes
    to_sign: tuple[SignOffWaiting, ...] = ()  # 1:1 sign-offs waiting for their signature

    def pd_day_line(self, pd_day: PdDayRead) -> str:
        """One coming PD day in words, with what to do about it."""
        line = f"PD day {pd_day.date:%A %d %B}"
        if pd_day.date in self.closed:
            return f"{line} — cannot stay: {self.closed[pd_day.date]}; your team lead will move it"
        return line + (f" — {pd_day.goal}" if pd_day.goal else " — set your goal on My PD days")

    def headline(self) -> list[str]:
        """At most three sentences about today, the most pressing first."""
        said: list[str] = []
        pd_today = next((d for d in self.pd_days if d.date == self.day), None)
        if pd_today is not None:
            said.append("Today is your PD day: enjoy it, and share what you learned afterwards.")
        for c in self.check_ins[:1]:
            if c.overdue:
                said.append(
                    f"Your coach {c.coach} meant to check back in with you "
                    f"{_on(c.date, self.day)}: ask them for it."
                )
            else:
                said.append(
                    f"Your coach {c.coach} checks back in with you {_on(c.date, self.day)}."
                )
        for s in self.to_sign[:1]:
            more = len(self.to_sign) - 1
            said.append(
                f"{s.coach} signed what you agreed on in your 1:1 of {s.note_date:%-d %b} and "
                "waits for your signature"
                + (f" ({more} more sign-off{'' if more == 1 else 's'} waiting)" if more else "")
                + "."
            )
        p = self.pledge
        if p.check is not None and p.check.about is not None and not p.checked_today:
            said.append(f"Your mind check for {p.check.about:%A} is waiting.")
        if p.pledge is not None and p.pledge.status is PledgeStatus.AWAITING_MENTOR:
            said.append(f"Your pledge waits for {p.pledge.mentor} to co-sign.")
        if p.to_cosign:
            said.append(f"{_names(list(p.to_cosign))} asked you to co-sign their pledge.")
        if self.to_share is not None:
            said.append(f"Tell your team how your PD day on {self.to_share:%A} went.")
        if pd_today is None and self.pd_days:
            first = self.pd_days[0].date
            said.append(
                f"Your next PD day, {first:%A %-d %B}, falls on a closed day: your team lead "
                "will move it."
                if first in self.closed
                else f"Your next PD day is {first:%A %-d %B}."
            )
        return said[:3] or [
            "Nothing needs you today: no check-in, sign-off, mind check or PD day waiting."
        ]


def _names(names: list[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def agent_day(session: Session, *, actor: Actor, day: dt.date) -> AgentDay:
    """What an agent has ahead: check-ins, rotation, pledge, PD days, the share prompt, and
    their QA evaluations and disputes."""
    if actor.role is not Role.AGENT:
        raise AccessDenied(
            "This day plan is an agent's; leads, managers and admins have their own."
        )
    check_ins = []
    for note in notes_about(
        session, actor=actor, agent_id=actor.id, include_closed=False, with_check_in_only=True
    ):
        if note.follow_up_date is None:
            continue
        steps = [f.next_step for f in note.follow_ups if f.next_step]
        about = _first_line(steps[-1] if steps else note.actions or note.to_try)
        check_ins.append(
            CheckInAhead(
                note.coach, note.follow_up_date, about, is_overdue(note.follow_up_date, day)
            )
        )
    terms = {t.id: t for t in list_terms(session)}
    now = upcoming = None
    for a in sorted(my_rotations(session, actor=actor), key=lambda a: terms[a.term_id].start):
        term = terms[a.term_id]
        read = RotationTerm(a.department, a.term, term.start, term.end)
        if term.start <= day <= term.end:
            now = read
        elif term.start > day and upcoming is None:
            upcoming = read
    shared = pd_day_to_share(session, actor=actor)
    pd_days = [d for d in my_pd_days(session, actor=actor) if d.date >= day]
    calendar = organisation_calendar(session)
    closed = {d.date: why for d in pd_days if (why := calendar.closed_because(d.date)) is not None}
    return AgentDay(
        day,
        sorted(check_ins, key=lambda c: c.date),
        now,
        upcoming,
        pledge_today(session, actor=actor, day=day),
        pd_days,
        shared.date if shared else None,
        closed,
        qa_glance(session, agent_id=actor.id, day=day),
        sign_offs_waiting(session, agent_id=actor.id),
    )


def sign_offs_waiting(session: Session, *, agent_id: int) -> tuple[SignOffWaiting, ...]:
    """The agent's 1:1 sign-offs a coach proposed and signed that the agent has not signed yet,
    oldest 1:1 first (no acting user: the caller shows the agent their own)."""
    rows = session.exec(
        select(col(CoachingNote.id), col(CoachingNote.date), col(Person.name))
        .join(NoteAgreement, col(NoteAgreement.note_id) == CoachingNote.id)
        .join(Person, col(Person.id) == NoteAgreement.coach_id)
        .where(
            CoachingNote.agent_id == agent_id,
            col(NoteAgreement.superseded).is_(False),
            col(NoteAgreement.agent_signed_at).is_(None),
            col(NoteAgreement.coach_signed_at).is_not(None),
        )
        .order_by(col(CoachingNote.date), col(CoachingNote.id))
    ).all()
    return tuple(SignOffWaiting(note_id or 0, day, str(coach)) for note_id, day, coach in rows)


@dataclass(frozen=True)
class TeamDay:
    """A lead's team today: who is due a check-in, who is away, rotations, new shares."""

    team_id: int
    team: str
    check_ins: list[QueueRow]  # due today or overdue, most overdue first (the coaching queue)
    pd_today: list[str]
    pd_this_week: list[tuple[dt.date, str]]  # after today, to the end of the week
    rotation_todo: str | None  # e.g. "Spring 2027 (from 4 Jan) is not planned yet"
    new_shares: int  # shares by the team in the last 7 days (the Learning page, filtered)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.check_ins)

    @property
    def due_today(self) -> int:
        return sum(r.due_today for r in self.check_ins)


@dataclass(frozen=True)
class DisputeToDecide:
    id: int
    agent: str
    evaluation_date: dt.date
    due_date: dt.date
    overdue: bool

    def sentence(self) -> str:
        due = (
            f"overdue: was due {self.due_date:{WEEKDAY_DATE}}"
            if self.overdue
            else f"due {self.due_date:{WEEKDAY_DATE}}"
        )
        return f"{self.agent}'s dispute of the evaluation of {self.evaluation_date:%-d %b} — {due}"


@dataclass(frozen=True)
class CalibrationToScore:
    id: int
    title: str
    scored: int
    calls: int

    def sentence(self) -> str:
        return f"{self.title}: you have scored {self.scored} of {self.calls} interactions"


@dataclass(frozen=True)
class CommentToAnswer:
    """An agent's comment, the latest word on a record the reader wrote or joined."""

    agent_id: int
    agent: str
    record_type: CommentOn
    record_id: int
    record_date: dt.date
    at: dt.datetime

    def sentence(self) -> str:
        what = "QA evaluation" if self.record_type is CommentOn.EVALUATION else "coaching note"
        return f"{self.agent} commented on your {what} of {self.record_date:%-d %b}"


REPLY_DAYS = 30  # an agent's comment left unanswered for longer drops off My day


@dataclass(frozen=True)
class QaWork:
    """The QA work waiting for a lead or manager: disputes they own (overdue first), calibration
    sessions waiting for their scores, and agents' comments that wait for a reply."""

    disputes: tuple[DisputeToDecide, ...] = ()
    calibrations: tuple[CalibrationToScore, ...] = ()
    replies: tuple[CommentToAnswer, ...] = ()
    others_overdue: int = 0  # a manager's: overdue disputes owned by someone else they may decide

    @property
    def overdue(self) -> int:
        return sum(d.overdue for d in self.disputes)

    @property
    def empty(self) -> bool:
        return not (self.disputes or self.calibrations or self.replies or self.others_overdue)

    def others_sentence(self) -> str | None:
        n = self.others_overdue
        if not n:
            return None
        return (
            f"{n} overdue dispute{_s(n)} owned by someone else: you may decide "
            f"{'it' if n == 1 else 'them'} as a manager."
        )

    def headline(self) -> str | None:
        """One sentence for the Today box, or None when nothing waits."""
        parts = []
        if self.disputes:
            n = len(self.disputes)
            parts.append(
                f"{n} dispute{_s(n)} to decide"
                + (f" ({self.overdue} overdue)" if self.overdue else "")
            )
        if self.calibrations:
            n = len(self.calibrations)
            parts.append(f"{n} calibration session{_s(n)} waiting for your scores")
        if self.replies:
            n = len(self.replies)
            parts.append(f"{n} agent comment{_s(n)} waiting for a reply")
        if self.others_overdue:
            n = self.others_overdue
            parts.append(f"{n} overdue dispute{_s(n)} owned by someone else")
        return f"QA: {', '.join(parts)}." if parts else None


def qa_work(session: Session, *, actor: Actor, day: dt.date) -> QaWork:
    """What QA asks of a lead or manager today (empty for anyone else)."""
    if actor.role not in (Role.TEAM_LEAD, Role.MANAGER):
        return QaWork()
    disputes = [
        DisputeToDecide(d.id or 0, str(agent), on, d.due_date, is_overdue(d.due_date, day))
        for d, agent, on in session.exec(
            select(Dispute, col(Person.name), col(Evaluation.date))
            .join(Person, col(Person.id) == Dispute.agent_id)
            .join(Evaluation, col(Evaluation.id) == Dispute.evaluation_id)
            .where(Dispute.owner_id == actor.id, Dispute.status == DisputeStatus.OPEN)
            .order_by(col(Dispute.due_date), col(Dispute.id))
        ).all()
    ]
    disputes.sort(key=lambda d: not d.overdue)  # stable: by due date within each group
    calibrations = [
        CalibrationToScore(s.id, s.title, s.my_scored, s.calls)
        for s in list_sessions(session, actor=actor)
        if s.invited and s.revealed_at is None and s.my_scored < s.calls
    ]
    others_overdue = 0
    if actor.role is Role.MANAGER:  # they may decide any dispute but one they scored
        others_overdue = len(
            session.exec(
                select(Dispute.id).where(
                    Dispute.status == DisputeStatus.OPEN,
                    Dispute.owner_id != actor.id,
                    Dispute.evaluator_id != actor.id,
                    col(Dispute.due_date) < day,
                )
            ).all()
        )
    return QaWork(
        tuple(disputes),
        tuple(calibrations),
        tuple(_comments_to_answer(session, actor, day)),
        others_overdue,
    )


def _comments_to_answer(session: Session, actor: Actor, day: dt.date) -> list[CommentToAnswer]:
    """Records the reader wrote (their evaluations, their coaching notes) or commented on whose
    latest comment, in the last REPLY_DAYS, is the agent's: newest first."""
    since = dt.datetime.combine(day - dt.timedelta(days=REPLY_DAYS), dt.time(), tzinfo=dt.UTC)

    def of_mine(kind: CommentOn, written: Any) -> Any:
        joined = select(Comment.record_id).where(
            Comment.author_id == actor.id, Comment.record_type == kind
        )
        return (col(Comment.record_type) == kind) & (
            col(Comment.record_id).in_(written) | col(Comment.record_id).in_(joined)
        )

    rows = session.exec(
        select(Comment, col(Person.name))
        .join(Person, col(Person.id) == Comment.agent_id)
        .where(Comment.created_at >= since)
        .where(
            of_mine(
                CommentOn.EVALUATION,
                select(Evaluation.id).where(Evaluation.evaluator_id == actor.id),
            )
            | of_mine(
                CommentOn.COACHING_NOTE,
                select(CoachingNote.id).where(CoachingNote.coach_id == actor.id),
            )
        )
        .order_by(col(Comment.created_at), col(Comment.id))
    ).all()
    last: dict[tuple[CommentOn, int], tuple[Comment, str]] = {}
    for c, name in rows:
        last[(c.record_type, c.record_id)] = (c, str(name))  # in time order: the latest wins
    waiting = [(c, name) for c, name in last.values() if c.author_id == c.agent_id]
    ids = {kind: [c.record_id for c, _ in waiting if c.record_type is kind] for kind in CommentOn}
    dates: dict[tuple[CommentOn, int], dt.date] = {}
    for i, on in session.exec(
        select(col(Evaluation.id), col(Evaluation.date)).where(
            col(Evaluation.id).in_(ids[CommentOn.EVALUATION])
        )
    ).all():
        dates[(CommentOn.EVALUATION, i or 0)] = on
    for i, on in session.exec(
        select(col(CoachingNote.id), col(CoachingNote.date)).where(
            col(CoachingNote.id).in_(ids[CommentOn.COACHING_NOTE])
        )
    ).all():
        dates[(CommentOn.COACHING_NOTE, i or 0)] = on
    return sorted(
        (
            CommentToAnswer(
                c.agent_id,
                name,
                c.record_type,
                c.record_id,
                dates[(c.record_type, c.record_id)],
                c.created_at,
            )
            for c, name in waiting
        ),
        key=lambda r: r.at,
        reverse=True,
    )


@dataclass(frozen=True)
class LeadDay:
    day: dt.date
    teams: list[TeamDay]
    qa: QaWork = field(default_factory=QaWork)  # disputes, calibration, agents' comments

    def headline(self) -> list[str]:
        if not self.teams:
            return ["You do not lead a team yet. Ask an admin to make you the lead of your team."]
        due = sum(t.due_today for t in self.teams)
        overdue = sum(t.overdue for t in self.teams)
        said = []
        if due or overdue:
            parts = [f"{due} check-in{_s(due)} due today"] if due else []
            parts += [f"{overdue} overdue"] if overdue else []
            said.append(f"Coaching: {' and '.join(parts)}.")
        else:
            said.append("No coaching check-ins are due today.")
        if (qa := self.qa.headline()) is not None:
            said.append(qa)
        away = sum(len(t.pd_today) for t in self.teams)
        later = sum(len(t.pd_this_week) for t in self.teams)
        if away or later:
            today_part = f"{away} agent{_s(away)} on a PD day today" if away else ""
            week_part = f"{later} {'more ' if away else ''}PD day{_s(later)} later this week"
            said.append(
                (f"{today_part}, {week_part}" if away and later else today_part or week_part) + "."
            )
        todo = [t.rotation_todo for t in self.teams if t.rotation_todo]
        if todo:
            said.append(f"Rotations: {todo[0]}.")
        return said[:3]


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _rotation_todo(
    session: Session, team_id: int, day: dt.date, terms: list[TermRead]
) -> str | None:
    """What the rotation planner needs for the team's next term: a run, or a publish."""
    upcoming = [t for t in terms if t.end >= day]
    for term in sorted(upcoming, key=lambda t: t.start):
        statuses = session.exec(
            select(Assignment.status)
            .join(Person, col(Person.id) == Assignment.person_id)
            .where(Assignment.term_id == term.id, Person.team_id == team_id)
        ).all()
        proposed = sum(s == AssignmentStatus.PROPOSED for s in statuses)
        if proposed:
            return f"{proposed} proposal{_s(proposed)} for {term.name} wait to be published"
        if not statuses and term.start > day:
            return f"{term.name} (from {term.start:%-d %b}) is not planned yet"
    return None


def lead_day(session: Session, *, actor: Actor, day: dt.date) -> LeadDay:
    teams = teams_for(session, actor=actor, purpose=Purpose.LEAD)
    week_end = day + dt.timedelta(days=6 - day.weekday())
    terms = list_terms(session)
    out = []
    for team_id, name in teams.items():
        queue = coaching_queue(session, actor=actor, team_id=team_id)
        away = session.exec(
            select(col(PdDay.date), col(Person.name))
            .join(Person, col(Person.id) == PdDay.person_id)
            .where(Person.team_id == team_id, col(Person.active).is_(True))
            .where(PdDay.date >= day, PdDay.date <= week_end, col(PdDay.status).in_(PD_FIXED))
            .order_by(col(PdDay.date), col(Person.name))
        ).all()
        shares = search_shares(
            session, actor=actor, team_id=team_id, since=day - dt.timedelta(days=6), until=day
        )
        out.append(
            TeamDay(
                team_id,
                name,
                [r for r in queue if r.overdue or r.due_today],
                [str(n) for d, n in away if d == day],
                [(d, str(n)) for d, n in away if d > day],
                _rotation_todo(session, team_id, day, terms),
                shares.total,
            )
        )
    return LeadDay(day, out, qa_work(session, actor=actor, day=day))


@dataclass(frozen=True)
class TeamAttention:
    team_id: int
    team: str
    agents: int
    overdue: int  # overdue check-ins (core.coaching.follow_ups)
    due_today: int
    falling: list[str]  # "name: evidence" (core.growth.teams.falling_agents)


@dataclass(frozen=True)
class ManagerDay:
    day: dt.date
    teams: list[TeamAttention]  # every team the manager reviews, those needing attention first
    qa: QaWork = field(default_factory=QaWork)  # disputes, calibration, agents' comments

    @property
    def needing_attention(self) -> list[TeamAttention]:
        return [t for t in self.teams if t.overdue or t.falling]

    def headline(self) -> list[str]:
        qa = [q] if (q := self.qa.headline()) is not None else []
        if not self.teams:
            return ["No teams yet. An admin creates them on the Teams page.", *qa]
        needing = self.needing_attention
        if not needing:
            return [
                f"All {len(self.teams)} teams are on track: no overdue check-ins, no falling trends.",
                *qa,
            ]
        overdue = sum(t.overdue for t in needing)
        falling = sum(len(t.falling) for t in needing)
        parts = [f"{overdue} overdue check-in{_s(overdue)}"] if overdue else []
        parts += [f"{falling} agent{_s(falling)} with a falling trend"] if falling else []
        return [
            f"{len(needing)} of {len(self.teams)} teams need attention: {' and '.join(parts)}.",
            f"Start with {needing[0].team}.",
            *qa,
        ]


Falling = dict[int, list[tuple[int, str, TrendFlag]]]


def manager_day(
    session: Session, *, actor: Actor, day: dt.date, falling: Falling | None = None
) -> ManagerDay:
    """Every team the manager reviews, those needing attention first. `falling` is
    `falling_agents` of those teams as of `day`, when the caller has it already (the page
    keeps it across reruns: it tests every agent in every metric)."""
    teams = visible_teams(session, actor=actor)
    agents = session.exec(
        select(Person.id, Person.team_id).where(
            col(Person.team_id).in_(list(teams)),
            Person.role == Role.AGENT,
            col(Person.active).is_(True),
        )
    ).all()
    status = follow_up_status(session, agent_ids=[a for a, _ in agents if a is not None], day=day)
    if falling is None:
        falling = falling_agents(session, actor=actor, team_ids=list(teams), as_of=day)
    rows = []
    for team_id, name in teams.items():
        members = [status[a] for a, t in agents if t == team_id and a is not None]
        rows.append(
            TeamAttention(
                team_id,
                name,
                len(members),
                sum(s.overdue for s in members),
                sum(s.due_today for s in members),
                [f"{n}: {f.headline}" for _, n, f in falling.get(team_id, [])],
            )
        )
    rows.sort(key=lambda t: (-(t.overdue + len(t.falling)), t.team))
    return ManagerDay(day, rows, qa_work(session, actor=actor, day=day))


@dataclass(frozen=True)
class AdminDay:
    day: dt.date
    without_password: list[str]  # active people who cannot log in yet
    one_time_password: list[str]  # active people who still have to choose their own password
    closures: list[ClosureRead]  # the next 60 days
    last_import: dt.datetime | None  # when metrics last arrived
    latest_data: dt.date | None  # the newest day any metric is about

    @property
    def stale_days(self) -> int | None:
        return None if self.latest_data is None else (self.day - self.latest_data).days

    def headline(self) -> list[str]:
        said = []
        if self.without_password:
            n = len(self.without_password)
            said.append(
                f"{n} {'person has' if n == 1 else 'people have'} no password yet and cannot log in."
            )
        if self.latest_data is None:
            said.append("No metrics have been imported yet.")
        elif (self.stale_days or 0) > STALE_IMPORT_DAYS:
            said.append(
                f"The newest metrics are from {self.latest_data:%A %-d %B}, {self.stale_days} days "
                "ago: time for an import."
            )
        if self.closures:
            c = self.closures[0]
            said.append(f"Next closure day: {c.date:%A %-d %B} ({c.reason}).")
        return said[:3] or ["Everyone can log in and the metrics are up to date."]


STALE_IMPORT_DAYS = 7


def admin_day(session: Session, *, actor: Actor, day: dt.date) -> AdminDay:
    require_admin(actor)
    people = session.exec(
        select(Person.name, Person.password_hash, Person.must_change_password)
        .where(col(Person.active).is_(True))
        .order_by(col(Person.name))
    ).all()
    last_import, latest = session.exec(
        select(func.max(Observation.created_at), func.max(Observation.date))
    ).one()
    return AdminDay(
        day,
        [n for n, h, _ in people if h is None],
        [n for n, h, must in people if h is not None and must],
        [c for c in list_closures(session, since=day) if c.date <= day + dt.timedelta(days=60)],
        last_import,
        latest,
    )
