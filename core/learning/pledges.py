"""Positivity pledges: a personal promise, signed by the agent then co-signed by a mentor, kept
alive by a daily mind check. Check-in notes are private to the agent and their mentor: leads
and managers see participation only (a narrower rule than the general one, on purpose)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from core.models import (
    MindAnswer,
    MindCheck,
    NotificationKind,
    Person,
    Pledge,
    PledgeStatus,
    Role,
    Team,
)
from core.notify.notifications import notify
from core.people.access import Actor, require_view_team
from core.people.org import people_labels
from core.platform.calendar import WorkCalendar, organisation_calendar
from core.platform.clock import today, utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits

TEMPLATES = (
    "I will value relationships over results.",
    "I will support our leadership where it does not conflict with my integrity.",
    "I will pursue excellence and take pride in my work.",
    "I will look for solutions that make work better for everyone.",
    "I will not tear co-workers down in conversation.",
)
LIVE = (PledgeStatus.ACTIVE, PledgeStatus.RENEWED)
# A pledge stays short enough to remember: its commitments are stored as one JSON list.
MAX_COMMITMENTS = 12
COMMITMENT_LENGTH = 300
# The most the form's commitments box holds: every commitment at its longest, one a line.
COMMITMENTS_TEXT_LENGTH = MAX_COMMITMENTS * (COMMITMENT_LENGTH + 1)
NUDGE_LENGTH = 500


@dataclass(frozen=True)
class PledgeRead:
    id: int
    agent_id: int
    agent: str
    mentor_id: int
    mentor: str
    commitments: tuple[str, ...]
    start_date: dt.date
    status: PledgeStatus
    agent_signed_at: dt.datetime | None
    mentor_signed_at: dt.datetime | None


@dataclass(frozen=True)
class CheckRead:
    date: dt.date  # the day the check was made
    about: dt.date  # the working day it looks back on (the one before `date`)
    answer: MindAnswer
    note: str | None  # None when the reader may not see notes
    commitment: int | None


@dataclass(frozen=True)
class CheckDay:
    """What a mind check made on `day` is about. The check looks back on the working day before
    it, so a pledge's first check is the working day after its first working day: on the day a
    pledge starts there is no "yesterday" with it to look back on. A renewed pledge carries on
    from the one before, so its checks never pause."""

    day: dt.date
    about: dt.date | None  # the working day looked back on; None before the first check
    first_day: dt.date  # the pledge's first working day
    first_check: dt.date  # the first day a check can be made


def check_day(
    start_date: dt.date, *, day: dt.date, calendar: WorkCalendar, renewed: bool = False
) -> CheckDay:
    first_day = (
        start_date if calendar.is_working_day(start_date) else calendar.next_working_day(start_date)
    )
    first_check = calendar.next_working_day(first_day)
    about = calendar.previous_working_day(day)
    if renewed:
        return CheckDay(day, about, first_day, first_check)
    return CheckDay(day, about if about >= first_day else None, first_day, first_check)


def may_mentor(person: Person) -> bool:
    """Any active colleague but an admin: admins look after Headway, not people's promises."""
    return person.active and Role(person.role) is not Role.ADMIN


class _Colleague(NamedTuple):
    id: int
    name: str
    email: str
    role: str
    team_id: int | None


def mentor_choices(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Who `actor` may ask to mentor their pledge, as (id, "name · team"): their team lead
    first, then their own team, then everyone else by name. No one is chosen for them.
    (Plain columns, not records: the whole organisation is listed, on every rerun of the page.)"""
    teams = dict(session.exec(select(Team.id, Team.name)).all())
    own_lead = (
        session.exec(select(Team.lead_id).where(Team.id == actor.team_id)).first()
        if actor.team_id is not None
        else None
    )
    people = [
        _Colleague(*row)
        for row in session.execute(
            sa_select(
                col(Person.id),
                col(Person.name),
                col(Person.email),
                col(Person.role),
                col(Person.team_id),
            )
            .where(
                col(Person.id) != actor.id,
                col(Person.active).is_(True),  # may_mentor: active colleagues but admins
                col(Person.role) != Role.ADMIN,
            )
            .order_by(col(Person.name))
        ).all()
    ]

    def rank(p: _Colleague) -> int:
        if own_lead is not None and p.id == own_lead:
            return 0
        return 1 if actor.team_id is not None and p.team_id == actor.team_id else 2

    names = people_labels(people)  # namesakes told apart

    def label(p: _Colleague) -> str:
        team = teams.get(p.team_id) if p.team_id is not None else None
        lead = " (your team lead)" if own_lead is not None and p.id == own_lead else ""
        return f"{names[p.id]}{lead} · {team if team else Role(p.role).label}"

    return [(p.id, label(p)) for p in sorted(people, key=rank)]


def _read(session: Session, p: Pledge) -> PledgeRead:
    names = dict(
        session.exec(
            select(Person.id, Person.name).where(col(Person.id).in_([p.agent_id, p.mentor_id]))
        ).all()
    )
    assert p.id is not None
    return PledgeRead(
        p.id,
        p.agent_id,
        names[p.agent_id],
        p.mentor_id,
        names[p.mentor_id],
        tuple(json.loads(p.commitments)),
        p.start_date,
        PledgeStatus(p.status),
        p.agent_signed_at,
        p.mentor_signed_at,
    )


def _commitments(items: list[str]) -> list[str]:
    clean = [c.strip() for c in items if c.strip()]
    if not clean:
        raise InvalidInput("A pledge needs at least one commitment.")
    if len(clean) > MAX_COMMITMENTS:
        extra = len(clean) - MAX_COMMITMENTS
        raise InvalidInput(
            f"A pledge has at most {MAX_COMMITMENTS} commitments; this one has {len(clean)} — "
            f"remove {extra} or join {'some' if extra > 1 else 'two'} of them."
        )
    # Named by number and opening words: the box may hold only some of them, one a line.
    require_fits(
        *(
            (f"Commitment {n}, {c[:24]}…", c, COMMITMENT_LENGTH)
            for n, c in enumerate(clean, start=1)
        )
    )
    return clean


def draft_pledge(
    session: Session,
    *,
    actor: Actor,
    mentor_id: int | None,
    commitments: list[str],
    start_date: dt.date,
) -> int:
    if actor.role is not Role.AGENT:
        raise AccessDenied("Pledges are made by agents.")
    if mentor_id is None:
        raise InvalidInput(
            "Choose your mentor: the colleague who co-signs your pledge and holds you to it."
        )
    mentor = session.get(Person, mentor_id)
    if mentor is None or not mentor.active:
        raise InvalidInput("Choose an active colleague as your mentor.")
    if not may_mentor(mentor):
        raise InvalidInput(
            "Admins look after Headway and do not mentor pledges: choose a colleague, your team "
            "lead or a manager."
        )
    if mentor_id == actor.id:
        raise InvalidInput("Your mentor is someone else: the person who holds you to your promise.")
    if session.exec(
        select(Pledge).where(
            Pledge.agent_id == actor.id,
            col(Pledge.status).in_((PledgeStatus.DRAFT, PledgeStatus.AWAITING_MENTOR, *LIVE)),
        )
    ).first():
        raise InvalidInput("You already have a pledge; retire it before making a new one.")
    pledge = Pledge(
        agent_id=actor.id,
        mentor_id=mentor_id,
        commitments=json.dumps(_commitments(commitments)),
        start_date=start_date,
    )
    session.add(pledge)
    session.flush()
    assert pledge.id is not None
    return pledge.id


def _pledge(session: Session, pledge_id: int) -> Pledge:
    pledge = session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound("That pledge does not exist.")
    return pledge


def edit_commitments(
    session: Session, *, actor: Actor, pledge_id: int, commitments: list[str]
) -> None:
    pledge = _pledge(session, pledge_id)
    if pledge.agent_id != actor.id:
        raise AccessDenied("Only the author of a pledge edits its commitments.")
    if pledge.status != PledgeStatus.DRAFT:
        raise InvalidInput(
            "Only the author of a pledge edits its commitments, and only before signing it; "
            "to change a signed pledge, retire it and make a new one."
        )
    pledge.commitments = json.dumps(_commitments(commitments))
    session.add(pledge)


def sign(session: Session, *, actor: Actor, pledge_id: int) -> PledgeStatus:
    """The agent signs (draft → awaiting mentor); then the mentor co-signs (→ active)."""
    pledge = _pledge(session, pledge_id)
    if actor.id == pledge.agent_id and pledge.status == PledgeStatus.DRAFT:
        pledge.agent_signed_at, pledge.status = utcnow(), PledgeStatus.AWAITING_MENTOR
        notify(
            session,
            person_id=pledge.mentor_id,
            kind=NotificationKind.PLEDGE_COSIGN,
            subject=f"pledge:{pledge.id}",
            title=f"{actor.name} asks you to co-sign their positivity pledge",
            body="Read their commitments and co-sign: you are the one who holds them to it.",
            link="pledge",
        )
    elif actor.id == pledge.mentor_id and pledge.status == PledgeStatus.AWAITING_MENTOR:
        pledge.mentor_signed_at, pledge.status = utcnow(), PledgeStatus.ACTIVE
    elif actor.id == pledge.mentor_id and pledge.status == PledgeStatus.DRAFT:
        raise InvalidInput("The agent signs first; then you co-sign.")
    else:
        raise AccessDenied("Only the agent, then their mentor, sign this pledge.")
    session.add(pledge)
    return PledgeStatus(pledge.status)


def nudge(session: Session, *, actor: Actor, pledge_id: int, message: str = "") -> None:
    """A mentor's nudge to the agent whose live pledge they co-signed (one a day)."""
    pledge = _pledge(session, pledge_id)
    if pledge.mentor_id != actor.id:
        raise AccessDenied("Only the pledge's mentor can nudge its agent.")
    if pledge.status not in LIVE:
        # A former mentor (retired pledge) or one not yet asked to co-sign has no say any more.
        raise AccessDenied(
            "A nudge is for a live pledge you co-signed: this one is not active, so its "
            "mentor no longer nudges."
        )
    require_fits(("A word of encouragement", message, NUDGE_LENGTH))
    sent = notify(
        session,
        person_id=pledge.agent_id,
        kind=NotificationKind.MENTOR_NUDGE,
        subject=f"pledge:{pledge.id}",
        title=f"A nudge from {actor.name}, your mentor",
        body=message.strip() or "Thinking of your pledge today. How is it going?",
        link="pledge",
    )
    if not sent:
        raise InvalidInput(
            "You have nudged them today already (or they have switched nudges off): try again tomorrow."
        )


def renew(session: Session, *, actor: Actor, pledge_id: int) -> None:
    pledge = _pledge(session, pledge_id)
    if pledge.agent_id != actor.id:
        raise AccessDenied("Only the agent renews their pledge.")
    if pledge.status not in LIVE:
        raise InvalidInput("Only an active pledge can be renewed.")
    pledge.status, pledge.start_date = PledgeStatus.RENEWED, today()
    session.add(pledge)


def retire(session: Session, *, actor: Actor, pledge_id: int) -> None:
    pledge = _pledge(session, pledge_id)
    if pledge.agent_id != actor.id:
        raise AccessDenied("Only the agent retires their pledge.")
    pledge.status = PledgeStatus.RETIRED
    session.add(pledge)


def my_pledge(session: Session, *, actor: Actor) -> PledgeRead | None:
    pledge = session.exec(
        select(Pledge)
        .where(Pledge.agent_id == actor.id, Pledge.status != PledgeStatus.RETIRED)
        .order_by(col(Pledge.id).desc())
    ).first()
    return _read(session, pledge) if pledge else None


def mentored(session: Session, *, actor: Actor) -> list[PledgeRead]:
    rows = session.exec(
        select(Pledge).where(Pledge.mentor_id == actor.id, Pledge.status != PledgeStatus.RETIRED)
    ).all()
    return [_read(session, p) for p in rows]


def check_in(
    session: Session,
    *,
    actor: Actor,
    answer: MindAnswer,
    note: str = "",
    commitment: int | None = None,
) -> None:
    """Today's mind check, about the working day before (see CheckDay): one a day, editable the
    same day; needs a live pledge that has had a working day to look back on."""
    if actor.role is not Role.AGENT:
        raise AccessDenied("Mind checks are for agents with a pledge.")
    pledge = session.exec(
        select(Pledge).where(Pledge.agent_id == actor.id, col(Pledge.status).in_(LIVE))
    ).first()
    if pledge is None:
        raise InvalidInput(
            "Your pledge is not active yet: it needs your signature and your mentor's."
        )
    require_fits(("A note for me and my mentor", note, max_length(MindCheck, "note")))
    if commitment is not None and not 0 <= commitment < len(json.loads(pledge.commitments)):
        raise InvalidInput("Pick one of your pledge's commitments.")
    day = today()
    when = check_day(
        pledge.start_date,
        day=day,
        calendar=organisation_calendar(session),
        renewed=pledge.status == PledgeStatus.RENEWED,
    )
    if when.about is None:
        raise InvalidInput(
            f"Your first mind check is on {when.first_check:%A %-d %B}: it looks back on "
            f"{when.first_day:%A %-d %B}, your first day with this pledge."
        )
    row = session.exec(
        select(MindCheck).where(MindCheck.agent_id == actor.id, MindCheck.date == day)
    ).first()
    row = row or MindCheck(pledge_id=pledge.id or 0, agent_id=actor.id, date=day, answer=answer)
    row.answer, row.note, row.commitment = answer, note.strip(), commitment
    session.add(row)


def check_ins(session: Session, *, actor: Actor, agent_id: int, days: int = 120) -> list[CheckRead]:
    """An agent's mind checks: the agent reads all of theirs; the mentor who co-signed the
    agent's live pledge reads the checks of that pledge, and only while it is live (a former
    mentor, or one asked to co-sign a draft, reads none); no one else may read them."""
    query = select(MindCheck).where(
        MindCheck.agent_id == agent_id, MindCheck.date > today() - dt.timedelta(days=days)
    )
    if actor.id != agent_id:
        live = session.exec(
            select(Pledge.id).where(
                Pledge.agent_id == agent_id,
                Pledge.mentor_id == actor.id,
                col(Pledge.status).in_(LIVE),
            )
        ).first()
        if live is None:
            raise AccessDenied(
                "Mind checks are private to the agent and the mentor of their live pledge."
            )
        query = query.where(MindCheck.pledge_id == live)
    rows = session.exec(query.order_by(col(MindCheck.date))).all()
    calendar = organisation_calendar(session)
    return [
        CheckRead(
            r.date,
            calendar.previous_working_day(r.date),
            MindAnswer(r.answer),
            r.note,
            r.commitment,
        )
        for r in rows
    ]


KEEPS = (MindAnswer.KEPT, MindAnswer.PARTLY)


def streak(checks: list[CheckRead], *, until: dt.date, calendar: WorkCalendar) -> int:
    """Days kept in a row: consecutive working days, up to `until` (or the working day before
    when today's check is not done yet), whose check says the promise was kept, fully or partly.
    A slip or a working day without a check starts the count again: being honest about a
    partly kept day never costs the streak."""
    answers = {c.date: c.answer for c in checks}
    day, count = until, 0
    if day not in answers:
        day -= dt.timedelta(days=1)
    while True:
        if calendar.is_working_day(day):
            if answers.get(day) not in KEEPS:
                return count
            count += 1
        day -= dt.timedelta(days=1)


def answer_counts(checks: list[CheckRead], *, since: dt.date) -> dict[MindAnswer, int]:
    """How many checks since `since` said kept, partly and slipped (every answer listed)."""
    counts = dict.fromkeys(MindAnswer, 0)
    for c in checks:
        if c.date >= since:
            counts[c.answer] += 1
    return counts


@dataclass(frozen=True)
class PledgeToday:
    """What an agent's pledge asks of them today, and which pledges wait for their co-signature."""

    pledge: PledgeRead | None
    check: CheckDay | None  # for a live pledge
    checked_today: bool
    to_cosign: tuple[str, ...]  # the agents whose pledge waits for the actor's co-signature


def pledge_today(session: Session, *, actor: Actor, day: dt.date) -> PledgeToday:
    mine = my_pledge(session, actor=actor) if actor.role is Role.AGENT else None
    check, checked = None, False
    if mine is not None and mine.status in LIVE:
        check = check_day(
            mine.start_date,
            day=day,
            calendar=organisation_calendar(session),
            renewed=mine.status is PledgeStatus.RENEWED,
        )
        checked = (
            session.exec(
                select(MindCheck.id).where(MindCheck.agent_id == actor.id, MindCheck.date == day)
            ).first()
            is not None
        )
    waiting = tuple(
        p.agent for p in mentored(session, actor=actor) if p.status is PledgeStatus.AWAITING_MENTOR
    )
    return PledgeToday(mine, check, checked, waiting)


@dataclass(frozen=True)
class Participation:
    team: str
    agents: int
    with_live_pledge: int
    check_in_rate: (
        float | None
    )  # share of working days in the last 30 with a check-in, live pledges only


def participation(
    session: Session, *, actor: Actor, team_ids: list[int], names: dict[int, str]
) -> list[Participation]:
    """Per team: who has a live pledge and how often they check in; never the notes."""
    out = []
    start = today() - dt.timedelta(days=29)
    workdays = len(list(organisation_calendar(session).days(start, today())))
    for team_id in team_ids:
        require_view_team(actor, team_id)
        agents = session.exec(
            select(Person.id).where(
                Person.team_id == team_id,
                Person.role == Role.AGENT,
                col(Person.active).is_(True),
            )
        ).all()
        live = session.exec(
            select(Pledge.agent_id).where(
                col(Pledge.agent_id).in_(agents), col(Pledge.status).in_(LIVE)
            )
        ).all()
        checks = session.exec(
            select(func.count())
            .select_from(MindCheck)
            .where(col(MindCheck.agent_id).in_(live), MindCheck.date >= start)
        ).one()
        rate = checks / (len(live) * workdays) if live else None
        out.append(Participation(names.get(team_id, str(team_id)), len(agents), len(live), rate))
    return out
