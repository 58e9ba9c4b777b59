"""Calibration sessions: do our evaluators score alike?

A manager (managers own the scorecards) picks interactions by reference, with a link to the
recording or ticket when there is one, and invites evaluators (leads and managers). Each scores
every interaction **blind** with the session's scorecard: until the reveal, a service returns an
evaluator only their own scores, and nobody else's (the manager who runs the session neither).
On reveal everyone invited sees every score side by side, item by item, with how well they agree
(core.quality.agreement); the session then records an agreed reference score per interaction, with notes.

Nothing is deleted: a score is final once saved, the reveal happens once, a new agreed reference
is a new row. Every change is in the audit trail (record type `calibration_session`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import (
    AuditAction,
    CalibrationCall,
    CalibrationInvite,
    CalibrationReference,
    CalibrationScore,
    CalibrationSession,
    NotificationKind,
    Person,
    Role,
    Scorecard,
)
from core.notify.notifications import link_to, notify
from core.people import audit
from core.people.access import Actor, owns_scorecards
from core.platform.clock import utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits
from core.quality.evaluations import Answer, Section, parse_definition, score_answers

RECORD_TYPE = "calibration_session"
MAX_CALLS = 20
EVALUATOR_ROLES = (Role.TEAM_LEAD, Role.MANAGER)


@dataclass(frozen=True)
class CallInput:
    reference: str
    link: str = ""


def _require_runner(actor: Actor) -> None:
    if not owns_scorecards(actor):
        raise AccessDenied(
            "Only a manager runs calibration sessions (managers own the scorecards); ask a "
            "manager to invite you."
        )


def safe_link(link: str) -> bool:
    """Only a web address (http or https) is ever shown as a link."""
    return link.lower().startswith(("http://", "https://")) and " " not in link


def create_session(
    session: Session,
    *,
    actor: Actor,
    title: str,
    scorecard_id: int,
    calls: Sequence[CallInput],
    evaluator_ids: Sequence[int],
) -> int:
    """A new session with its interactions and invited evaluators (each is notified)."""
    _require_runner(actor)
    title = title.strip()
    if not title:
        raise InvalidInput("Give the session a title, e.g. “November calibration”.")
    card = session.get(Scorecard, scorecard_id)
    if card is None or not card.active:
        raise InvalidInput("Choose one of the current scorecards.")
    cleaned = [CallInput(c.reference.strip(), c.link.strip()) for c in calls]
    cleaned = [c for c in cleaned if c.reference or c.link]
    if not cleaned:
        raise InvalidInput("Add at least one interaction (its reference, e.g. CALL-10423).")
    if len(cleaned) > MAX_CALLS:
        raise InvalidInput(f"A session holds at most {MAX_CALLS} interactions; split it in two.")
    for number, c in enumerate(cleaned, start=1):
        if not c.reference:
            raise InvalidInput(f"Interaction {number} has a link but no reference: add one.")
        if c.link and not safe_link(c.link):
            raise InvalidInput(
                f"The link of {c.reference} must be a web address starting with https:// "
                "(or http://); leave it empty if there is none."
            )
        require_fits(
            ("Reference", c.reference, max_length(CalibrationCall, "reference")),
            ("Link", c.link, max_length(CalibrationCall, "link")),
        )
    references = [c.reference.lower() for c in cleaned]
    if len(set(references)) != len(references):
        twice = sorted({c.reference for c in cleaned if references.count(c.reference.lower()) > 1})
        raise InvalidInput(f"{', '.join(twice)} is listed twice: list each interaction once.")
    require_fits(("Title", title, max_length(CalibrationSession, "title")))
    wanted = sorted(set(evaluator_ids))
    people = session.exec(select(Person).where(col(Person.id).in_(wanted))).all()
    evaluators = [p for p in people if p.active and Role(p.role) in EVALUATOR_ROLES]
    if len(evaluators) != len(wanted):
        raise InvalidInput("Invite team leads and managers only (active accounts).")
    if len(evaluators) < 2:
        raise InvalidInput("Invite at least two evaluators: agreement needs someone to agree.")
    row = CalibrationSession(title=title, scorecard_id=scorecard_id, created_by_id=actor.id)
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add_all(
        CalibrationCall(session_id=row.id, position=i, reference=c.reference, link=c.link)
        for i, c in enumerate(cleaned, start=1)
    )
    session.add_all(CalibrationInvite(session_id=row.id, evaluator_id=p.id or 0) for p in people)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=RECORD_TYPE,
        record_id=row.id,
        detail=f"session created: {len(cleaned)} interactions, {len(evaluators)} evaluators "
        "invited",
    )
    for person in evaluators:
        assert person.id is not None
        if person.id == actor.id:  # the manager who invites themself needs no invitation
            continue
        notify(
            session,
            person_id=person.id,
            kind=NotificationKind.CALIBRATION_INVITE,
            subject=f"calibration:{row.id}",
            title=f"{actor.name} invites you to a calibration session: {title}",
            body=f"Score {len(cleaned)} interaction{'s' if len(cleaned) != 1 else ''} with the "
            "scorecard; nobody sees your scores until the session is revealed.",
            link=link_to("calibration", session=row.id),
        )
    session.flush()
    return row.id


@dataclass(frozen=True)
class SessionSummary:
    id: int
    title: str
    created_by: str
    created_at: dt.datetime
    revealed_at: dt.datetime | None
    calls: int
    evaluators: int
    invited: bool  # the reader is invited to score
    my_scored: int  # interactions the reader has scored

    @property
    def state(self) -> str:
        if self.revealed_at is not None:
            return "revealed"
        return "scoring"


def _invited(session: Session, calibration_id: int, person_id: int) -> bool:
    return (
        session.get(CalibrationInvite, {"session_id": calibration_id, "evaluator_id": person_id})
        is not None
    )


def list_sessions(session: Session, *, actor: Actor) -> list[SessionSummary]:
    """Managers: every session. Leads: the sessions they are invited to. Newest first."""
    if actor.role not in EVALUATOR_ROLES:
        raise AccessDenied("Calibration sessions are for team leads and managers.")
    query = select(CalibrationSession).order_by(col(CalibrationSession.id).desc())
    if not owns_scorecards(actor):
        query = query.join(
            CalibrationInvite, col(CalibrationInvite.session_id) == CalibrationSession.id
        ).where(CalibrationInvite.evaluator_id == actor.id)
    rows = session.exec(query).all()
    ids = [r.id for r in rows]
    calls: dict[int | None, int] = dict(
        session.exec(
            select(CalibrationCall.session_id, func.count())
            .where(col(CalibrationCall.session_id).in_(ids))
            .group_by(col(CalibrationCall.session_id))
        ).all()
    )
    invites = session.exec(
        select(CalibrationInvite).where(col(CalibrationInvite.session_id).in_(ids))
    ).all()
    mine: dict[int | None, int] = dict(
        session.exec(
            select(CalibrationCall.session_id, func.count())
            .join(CalibrationScore, col(CalibrationScore.call_id) == CalibrationCall.id)
            .where(
                col(CalibrationCall.session_id).in_(ids),
                CalibrationScore.evaluator_id == actor.id,
            )
            .group_by(col(CalibrationCall.session_id))
        ).all()
    )
    names = _names(session, [r.created_by_id for r in rows])
    return [
        SessionSummary(
            r.id or 0,
            r.title,
            names.get(r.created_by_id, "?"),
            r.created_at,
            r.revealed_at,
            calls.get(r.id, 0),
            sum(1 for i in invites if i.session_id == r.id),
            any(i.session_id == r.id and i.evaluator_id == actor.id for i in invites),
            mine.get(r.id, 0),
        )
        for r in rows
    ]


def _names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    rows = session.exec(select(Person.id, Person.name).where(col(Person.id).in_(wanted))).all()
    return {i: n for i, n in rows if i is not None}


@dataclass(frozen=True)
class Progress:
    evaluator_id: int
    name: str
    scored: int  # how many interactions (never what they scored before the reveal)


def unfinished_sentence(unfinished: Sequence[Progress], calls: int) -> str:
    """Who has not scored every interaction, for the reveal's confirmation: "Tina Stevens has
    scored 0 of 3 calls; after the reveal nobody can score"."""
    who = [
        f"{p.name} has scored {p.scored} of {calls} call{'' if calls == 1 else 's'}"
        for p in unfinished
    ]
    return "; ".join(who) + "; after the reveal nobody can score"


def _load(session: Session, calibration_id: int) -> CalibrationSession:
    row = session.get(CalibrationSession, calibration_id)
    if row is None:
        raise NotFound(f"There is no calibration session {calibration_id}.")
    return row


def _require_member(session: Session, actor: Actor, row: CalibrationSession) -> bool:
    """Managers and the invited evaluators open a session; True when `actor` is invited."""
    assert row.id is not None
    invited = _invited(session, row.id, actor.id)
    if not invited and not owns_scorecards(actor):
        raise AccessDenied(
            "Only the evaluators invited to this calibration session and managers open it."
        )
    return invited


def _call(session: Session, call_id: int) -> tuple[CalibrationCall, CalibrationSession]:
    call = session.get(CalibrationCall, call_id)
    if call is None:
        raise NotFound(f"There is no interaction {call_id} in a calibration session.")
    return call, _load(session, call.session_id)


def _sections(session: Session, row: CalibrationSession) -> tuple[Section, ...]:
    card = session.get(Scorecard, row.scorecard_id)
    assert card is not None
    return parse_definition(json.loads(card.definition))


def score_call(
    session: Session, *, actor: Actor, call_id: int, answers: list[list[Answer]]
) -> float:
    """The actor's blind score of one interaction (final once saved); returns the score."""
    call, row = _call(session, call_id)
    assert row.id is not None and call.id is not None
    if not _invited(session, row.id, actor.id):
        raise AccessDenied(
            "You are not invited to score this calibration session; ask the manager who runs "
            "it to invite you."
        )
    if row.revealed_at is not None:
        raise InvalidInput(
            "This session has been revealed: scores can no longer be added. Record the agreed "
            "score instead."
        )
    already = session.exec(
        select(CalibrationScore).where(
            CalibrationScore.call_id == call.id, CalibrationScore.evaluator_id == actor.id
        )
    ).first()
    if already is not None:
        raise InvalidInput(
            f"You have scored {call.reference} already; a score is final once saved."
        )
    result = score_answers(_sections(session, row), answers)
    session.add(
        CalibrationScore(
            call_id=call.id,
            evaluator_id=actor.id,
            answers=json.dumps(answers),
            score=result.score,
            critical_failed=result.critical_failed,
        )
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=RECORD_TYPE,
        record_id=row.id,
        detail=f"blind score of {call.reference}",
    )
    session.flush()
    return result.score


def unfinished_evaluators(session: Session, calibration_id: int) -> list[Progress]:
    """The invited evaluators who have not scored every interaction of the session yet."""
    calls = session.exec(
        select(CalibrationCall.id).where(CalibrationCall.session_id == calibration_id)
    ).all()
    invites = session.exec(
        select(CalibrationInvite.evaluator_id).where(CalibrationInvite.session_id == calibration_id)
    ).all()
    scored: dict[int, int] = dict(
        session.exec(
            select(CalibrationScore.evaluator_id, func.count())
            .where(col(CalibrationScore.call_id).in_(calls))
            .group_by(col(CalibrationScore.evaluator_id))
        ).all()
    )
    names = _names(session, list(invites))
    return sorted(
        (
            Progress(e, names.get(e, "?"), scored.get(e, 0))
            for e in invites
            if scored.get(e, 0) < len(calls)
        ),
        key=lambda p: p.name,
    )


def reveal(session: Session, *, actor: Actor, calibration_id: int, confirmed: bool = False) -> int:
    """Show every score to everyone invited; returns how many scores there are. Once only.
    While an invited evaluator has not scored every interaction, only with `confirmed` (the
    manager was told who, and that nobody can score afterwards)."""
    _require_runner(actor)
    row = _load(session, calibration_id)
    if row.revealed_at is not None:
        raise InvalidInput("This session has been revealed already.")
    count = session.exec(
        select(func.count())
        .select_from(CalibrationScore)
        .join(CalibrationCall, col(CalibrationCall.id) == CalibrationScore.call_id)
        .where(CalibrationCall.session_id == calibration_id)
    ).one()
    if count == 0:
        raise InvalidInput(
            "Nobody has scored yet: reveal once the invited evaluators have scored the "
            "interactions."
        )
    unfinished = unfinished_evaluators(session, calibration_id)
    if unfinished and not confirmed:
        calls = len(
            session.exec(
                select(CalibrationCall.id).where(CalibrationCall.session_id == calibration_id)
            ).all()
        )
        said = unfinished_sentence(unfinished, calls)
        raise InvalidInput(
            said[0].upper() + said[1:] + ". Confirm to reveal anyway, or wait until they "
            "have scored."
        )
    row.revealed_at = utcnow()
    row.revealed_by_id = actor.id
    session.add(row)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type=RECORD_TYPE,
        record_id=calibration_id,
        detail=f"session revealed with {count} scores",
    )
    for invite in session.exec(
        select(CalibrationInvite).where(CalibrationInvite.session_id == calibration_id)
    ).all():
        if invite.evaluator_id != actor.id:
            notify(
                session,
                person_id=invite.evaluator_id,
                kind=NotificationKind.CALIBRATION_REVEALED,
                subject=f"calibration:{calibration_id}",
                title=f"Calibration session revealed: {row.title}",
                body="Every score is now side by side, with how well you agree.",
                link=link_to("calibration", session=calibration_id),
            )
    session.flush()
    return int(count)


def record_reference(
    session: Session,
    *,
    actor: Actor,
    call_id: int,
    answers: list[list[Answer]],
    notes: str = "",
) -> float:
    """The score the session agreed for one interaction, after the reveal; a later one is
    added beside the earlier (the latest counts). Returns the agreed score."""
    _require_runner(actor)
    call, row = _call(session, call_id)
    if row.revealed_at is None:
        raise InvalidInput(
            "Reveal the session first: the agreed score comes after everyone has compared."
        )
    require_fits(("Notes", notes, max_length(CalibrationReference, "notes")))
    result = score_answers(_sections(session, row), answers)
    session.add(
        CalibrationReference(
            call_id=call.id or 0,
            answers=json.dumps(answers),
            score=result.score,
            critical_failed=result.critical_failed,
            notes=notes.strip(),
            by_id=actor.id,
        )
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type=RECORD_TYPE,
        record_id=row.id,
        detail=f"agreed score of {call.reference}: {result.score:g}",
    )
    session.flush()
    return result.score


def evaluator_choices(session: Session, *, actor: Actor) -> dict[int, str]:
    """Who may be invited (active leads and managers), id → name, for the session's runner."""
    _require_runner(actor)
    rows = session.exec(
        select(Person.id, Person.name, Person.role)
        .where(col(Person.active).is_(True), col(Person.role).in_(EVALUATOR_ROLES))
        .order_by(col(Person.name))
    ).all()
    return {
        i: f"{n} ({'manager' if Role(r) is Role.MANAGER else 'team lead'})"
        for i, n, r in rows
        if i is not None
    }
