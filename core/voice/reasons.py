"""The organisation's contact reasons: admins keep the list; an agent may propose a new one, which
waits for a team lead (or a manager) to accept or decline it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import ContactReason, NotificationKind, Person, ReasonStatus, Role, Team
from core.notify.notifications import notify
from core.people.access import Actor, require_admin
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits


@dataclass(frozen=True)
class ReasonRead:
    id: int
    name: str
    status: ReasonStatus
    proposed_by: str  # "" unless an agent proposed it


def _read(reason: ContactReason, proposer: str = "") -> ReasonRead:
    assert reason.id is not None
    return ReasonRead(reason.id, reason.name, ReasonStatus(reason.status), proposer)


def active_reasons(session: Session) -> list[ReasonRead]:
    """The reasons an insight or a contacts file may name, by name (everyone may read them)."""
    rows = session.exec(
        select(ContactReason)
        .where(ContactReason.status == ReasonStatus.ACTIVE)
        .order_by(col(ContactReason.name))
    ).all()
    return [_read(r) for r in rows]


def all_reasons(session: Session) -> list[ReasonRead]:
    rows = session.exec(select(ContactReason).order_by(col(ContactReason.name))).all()
    return [_read(r) for r in rows]


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Name the contact reason, e.g. “Refund status”.")
    require_fits(("Reason", name, max_length(ContactReason, "name")))
    return name


def _existing(session: Session, name: str) -> ContactReason | None:
    return session.exec(
        select(ContactReason).where(func.lower(ContactReason.name) == name.lower())
    ).first()


def add_reason(session: Session, *, actor: Actor, name: str) -> ReasonRead:
    """An admin adds a reason to the list (or brings a retired one back)."""
    require_admin(actor)
    name = _clean_name(name)
    reason = _existing(session, name)
    if reason is not None and reason.status is ReasonStatus.ACTIVE:
        raise InvalidInput(f"“{reason.name}” is already on the list.")
    if reason is None:
        reason = ContactReason(name=name, status=ReasonStatus.ACTIVE, decided_by_id=actor.id)
    reason.status, reason.decided_by_id = ReasonStatus.ACTIVE, actor.id
    session.add(reason)
    session.flush()
    return _read(reason)


def retire_reason(session: Session, *, actor: Actor, reason_id: int) -> None:
    """An admin takes a reason off the list; its insights, themes and volumes stay."""
    require_admin(actor)
    reason = session.get(ContactReason, reason_id)
    if reason is None:
        raise NotFound("That contact reason no longer exists.")
    reason.status = ReasonStatus.RETIRED
    session.add(reason)


def propose_reason(session: Session, *, actor: Actor, name: str) -> ReasonRead:
    """Anyone may propose a reason that is missing; it waits for a team lead. The proposer's
    lead (or the managers, for someone without a lead) is told."""
    name = _clean_name(name)
    if (reason := _existing(session, name)) is not None:
        if reason.status is ReasonStatus.PROPOSED:
            raise InvalidInput(f"“{reason.name}” is already proposed and waits for a team lead.")
        if reason.status is ReasonStatus.ACTIVE:
            raise InvalidInput(f"“{reason.name}” is already on the list: choose it.")
        raise InvalidInput(
            f"“{reason.name}” was taken off the list; ask an admin to bring it back."
        )
    reason = ContactReason(name=name, status=ReasonStatus.PROPOSED, proposed_by_id=actor.id)
    session.add(reason)
    session.flush()
    assert reason.id is not None
    deciders: list[int | None] = []
    if actor.team_id is not None:
        team = session.get(Team, actor.team_id)
        if team is not None and team.lead_id is not None and team.lead_id != actor.id:
            deciders.append(team.lead_id)
    if not deciders:
        deciders = list(
            session.exec(
                select(Person.id).where(Person.role == Role.MANAGER, col(Person.active).is_(True))
            ).all()
        )
    for person_id in deciders:
        if person_id is not None:
            notify(
                session,
                person_id=person_id,
                kind=NotificationKind.VOICE_REASON,
                subject=f"contact_reason:{reason.id}",
                title=f"{actor.name} proposes a contact reason: “{name}”",
                body="Accept it to put it on the list, or decline it, on Customer themes.",
                link="voice_themes",
            )
    return _read(reason, actor.name)


def proposed_reasons(session: Session, *, actor: Actor) -> list[ReasonRead]:
    """Proposals waiting for a decision: for team leads, managers and admins."""
    _require_decider(actor)
    rows = session.exec(
        select(ContactReason, Person.name)
        .join(Person, col(Person.id) == ContactReason.proposed_by_id)
        .where(ContactReason.status == ReasonStatus.PROPOSED)
        .order_by(col(ContactReason.created_at))
    ).all()
    return [_read(r, n) for r, n in rows]


def _require_decider(actor: Actor) -> None:
    if actor.role is Role.AGENT:
        raise AccessDenied("Team leads, managers and admins decide on proposed contact reasons.")


def decide_reason(session: Session, *, actor: Actor, reason_id: int, accept: bool) -> None:
    """Accept a proposal (it joins the list) or decline it (it is retired, never offered)."""
    _require_decider(actor)
    reason = session.get(ContactReason, reason_id)
    if reason is None:
        raise NotFound("That contact reason no longer exists.")
    if reason.status is not ReasonStatus.PROPOSED:
        raise InvalidInput(f"“{reason.name}” was already decided ({reason.status.value}).")
    reason.status = ReasonStatus.ACTIVE if accept else ReasonStatus.RETIRED
    reason.decided_by_id = actor.id
    session.add(reason)
