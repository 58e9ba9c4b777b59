"""Positivity pledges: a personal promise, signed by the agent then co-signed by a mentor, kept
alive by a daily mind check. Check-in notes are private to the agent and their mentor: leads
and managers see participation only (a narrower rule than the general one, on purpose)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.access import Actor, require_view_team
from core.calendar import WorkCalendar, organisation_calendar
from core.clock import today, utcnow
from core.errors import AccessDenied, InvalidInput, NotFound
from core.limits import max_length, require_fits
from core.models import (
    MindAnswer,
    MindCheck,
    NotificationKind,
    Person,
    Pledge,
    PledgeStatus,
    Role,
)
from core.notifications import notify

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
    date: dt.date
    answer: MindAnswer
    note: str | None  # None when the reader may not see notes
    commitment: int | None


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
    session: Session, *, actor: Actor, mentor_id: int, commitments: list[str], start_date: dt.date
) -> int:
    if actor.role is not Role.AGENT:
        raise AccessDenied("Pledges are made by agents.")
    mentor = session.get(Person, mentor_id)
    if mentor is None or not mentor.active:
        raise InvalidInput("Choose an active colleague as your mentor.")
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
    if pledge.agent_id != actor.id or pledge.status != PledgeStatus.DRAFT:
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
        raise InvalidInput("A nudge is for a live pledge: this one is not active.")
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
    if pledge.agent_id != actor.id or pledge.status not in LIVE:
        raise InvalidInput("Only your own active pledge can be renewed.")
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
    """Today's mind check about yesterday: one a day, editable the same day; needs a live pledge."""
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
    row = session.exec(
        select(MindCheck).where(MindCheck.agent_id == actor.id, MindCheck.date == day)
    ).first()
    row = row or MindCheck(pledge_id=pledge.id or 0, agent_id=actor.id, date=day, answer=answer)
    row.answer, row.note, row.commitment = answer, note.strip(), commitment
    session.add(row)


def check_ins(session: Session, *, actor: Actor, agent_id: int, days: int = 120) -> list[CheckRead]:
    """An agent's mind checks: the agent and their mentor read the notes; no one else may read them."""
    mentors = set(session.exec(select(Pledge.mentor_id).where(Pledge.agent_id == agent_id)).all())
    if actor.id != agent_id and actor.id not in mentors:
        raise AccessDenied("Mind checks are private to the agent and their mentor.")
    rows = session.exec(
        select(MindCheck)
        .where(MindCheck.agent_id == agent_id, MindCheck.date > today() - dt.timedelta(days=days))
        .order_by(col(MindCheck.date))
    ).all()
    return [CheckRead(r.date, MindAnswer(r.answer), r.note, r.commitment) for r in rows]


def streak(checks: list[CheckRead], *, until: dt.date, calendar: WorkCalendar) -> int:
    """Consecutive working days up to `until` (or the working day before) with a mind check."""
    done = {c.date for c in checks}
    day, count = until, 0
    if day not in done:
        day -= dt.timedelta(days=1)
    while True:
        if calendar.is_working_day(day):
            if day not in done:
                return count
            count += 1
        day -= dt.timedelta(days=1)


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
