"""An agent's My day: what to do today, and the 1:1s waiting for their sign-off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.coaching.follow_ups import is_overdue
from core.coaching.notes import notes_about
from core.home.words import _first_line, _names, _on
from core.learning.pledges import PledgeToday, pledge_today
from core.learning.shares import pd_day_to_share
from core.models import (
    CoachingNote,
    NoteAgreement,
    Person,
    PledgeStatus,
    Role,
)
from core.pd.changes import who_moves
from core.pd.days import PdDayRead, closed_days, my_pd_days
from core.people.access import (
    Actor,
)
from core.platform.errors import AccessDenied
from core.quality.glance import QaGlance, qa_glance
from core.rotations.planning import my_rotations
from core.rotations.terms import list_terms


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
    mover: str = "your team lead"  # who moves a PD day that cannot stay (core.pd.changes)

    def pd_day_line(self, pd_day: PdDayRead) -> str:
        """One coming PD day in words, with what to do about it."""
        line = f"PD day {pd_day.date:%A %d %B}"
        if pd_day.date in self.closed:
            return (
                f"{line} — cannot stay: {self.closed[pd_day.date]}; {self.mover} will move it "
                "and you will be told the new date"
            )
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
                f"Your next PD day, {first:%A %-d %B}, falls on a closed day: {self.mover} "
                "will move it and you will be told the new date."
                if first in self.closed
                else f"Your next PD day is {first:%A %-d %B}."
            )
        return said[:3] or [
            "Nothing needs you today: no check-in, sign-off, mind check or PD day waiting."
        ]


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
    closed = closed_days(session, [d.date for d in pd_days])
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
        who_moves(session, actor.team_id) if closed else "your team lead",
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
