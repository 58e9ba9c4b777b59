"""Insights: an agent logs what a customer wanted or said (personal data masked), colleagues who
heard the same add their contact ("I heard this too"), and leads and managers see them grouped
by reason and department, search them, merge two that say the same thing and promote one to a
theme.

Who sees what: everyone may log, hear too and look up similar insights (their texts and counts,
never who raised them); an agent reads their own insights and what became of them; the
grouped view, merging and promoting follow the coaching scopes (a team lead the insights their
teams raised or heard, managers all; admins are not coaches).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, distinct, true, update
from sqlmodel import Session, col, func, select

from core.models import (
    AuditAction,
    ContactReason,
    Department,
    Insight,
    InsightContact,
    InsightKind,
    Person,
    ReasonStatus,
    Role,
    Theme,
    ThemeEvent,
    ThemeStep,
    id_of,
)
from core.people import audit
from core.people.access import Actor
from core.platform.clock import today
from core.platform.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from core.platform.limits import max_length, require_fits
from core.voice.masking import mask_personal_data

PAGE_SIZE = 20
SIMILAR = 8
WEEKS = 26
Order = Literal["newest", "most heard"]


@dataclass(frozen=True)
class InsightInput:
    text: str
    reason_id: int | None
    department_id: int | None
    kind: InsightKind = InsightKind.PROBLEM
    contact_ref: str = ""


@dataclass(frozen=True)
class Logged:
    id: int
    masked: str  # the sentence telling the agent what was masked ("" when nothing)


def _department(session: Session, department_id: int | None) -> Department:
    department = session.get(Department, department_id) if department_id is not None else None
    if department is None or not department.active:
        raise InvalidInput("Choose the department the insight concerns.")
    return department


def _reason(session: Session, reason_id: int | None) -> ContactReason:
    reason = session.get(ContactReason, reason_id) if reason_id is not None else None
    if reason is None or reason.status is not ReasonStatus.ACTIVE:
        raise InvalidInput(
            "Choose a contact reason from the list (or propose a new one: until a team lead "
            "accepts it, choose the closest)."
        )
    return reason


def log_insight(session: Session, *, actor: Actor, data: InsightInput) -> Logged:
    """Save an insight with the actor's own contact; e-mail addresses, phone numbers and card
    numbers are masked first and the agent is told."""
    if not data.text.strip():
        raise InvalidInput("Write what the customer wanted or said (a sentence is enough).")
    reason = _reason(session, data.reason_id)
    department = _department(session, data.department_id)
    words = mask_personal_data(" ".join(data.text.split()))
    ref = mask_personal_data(data.contact_ref.strip(), phones=False)
    require_fits(
        ("What the customer said", words.text, max_length(Insight, "text")),
        ("Contact reference", ref.text, max_length(Insight, "contact_ref")),
    )
    insight = Insight(
        author_id=actor.id,
        reason_id=id_of(reason),
        department_id=id_of(department),
        kind=InsightKind(data.kind),
        text=words.text,
        contact_ref=ref.text,
    )
    session.add(insight)
    session.flush()
    assert insight.id is not None
    add_contact(session, insight, actor.id, today())
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=audit.INSIGHT,
        record_id=insight.id,
        subject_id=actor.id,
    )
    found = words.masked + ref.masked
    masked = type(words)(words.text, found).sentence()
    return Logged(insight.id, masked)


def _surviving(session: Session, insight_id: int) -> Insight:
    """The insight, or the one it was merged into (followed to the end)."""
    insight = session.get(Insight, insight_id)
    seen = set()
    while insight is not None and insight.merged_into_id is not None and insight.id not in seen:
        seen.add(insight.id)
        insight = session.get(Insight, insight.merged_into_id)
    if insight is None:
        raise NotFound("That insight no longer exists.")
    return insight


def hear_too(session: Session, *, actor: Actor, insight_id: int) -> int:
    """Count one more contact on an insight without retyping it; returns its contacts now."""
    insight = _surviving(session, insight_id)
    add_contact(session, insight, actor.id, today())
    session.flush()
    return insight.contacts


def take_back(session: Session, *, actor: Actor, insight_id: int) -> int:
    """Take back the last "I heard this too" `actor` counted on an insight today (a click too
    many, a wrong insight); returns its contacts now. The author's own logging, a contact merged
    in from elsewhere and an earlier day's contact stay: there is nothing else to take back."""
    insight = _surviving(session, insight_id)
    mine = session.exec(
        select(InsightContact)
        .where(
            InsightContact.insight_id == insight.id,
            InsightContact.person_id == actor.id,
            col(InsightContact.from_insight_id).is_(None),
        )
        .order_by(col(InsightContact.id))
    ).all()
    if actor.id == insight.author_id:
        mine = mine[1:]  # the first is their logging of it
    last = mine[-1] if mine else None
    if last is None or last.day != today():
        raise InvalidInput(
            "You have no “I heard this too” counted today on this insight to take back."
        )
    session.delete(last)
    refresh_counts(session, insight)
    session.flush()
    return insight.contacts


def add_contact(session: Session, insight: Insight, person_id: int, day: dt.date) -> None:
    """One more contact on `insight`, keeping its counts (contacts, agents, first and last day)."""
    new_agent = (
        insight.contacts == 0
        or session.exec(
            select(InsightContact.id).where(
                InsightContact.insight_id == insight.id, InsightContact.person_id == person_id
            )
        ).first()
        is None
    )
    session.add(
        InsightContact(
            insight_id=id_of(insight),
            reason_id=insight.reason_id,
            department_id=insight.department_id,
            person_id=person_id,
            day=day,
        )
    )
    insight.contacts += 1
    insight.agents += int(new_agent)
    insight.first_heard = min(insight.first_heard or day, day)
    insight.last_heard = max(insight.last_heard or day, day)
    session.add(insight)


def refresh_counts(session: Session, insight: Insight) -> None:
    """Count `insight`'s contacts again from its InsightContact rows (after a merge)."""
    session.flush()
    contacts, agents, first, last = session.exec(
        select(
            func.count(),
            func.count(distinct(col(InsightContact.person_id))),
            func.min(InsightContact.day),
            func.max(InsightContact.day),
        ).where(InsightContact.insight_id == insight.id)
    ).one()
    insight.contacts, insight.agents = int(contacts), int(agents)
    insight.first_heard, insight.last_heard = first, last
    session.add(insight)


# ------------------------------------------------------------------ reading


# ------------------------------------------------------------------ merging and promoting


def _coached(session: Session, actor: Actor, insight_id: int, version: int | None) -> Insight:
    """An insight a coach may act on (in their scope), unmerged, at the version they saw."""
    insight = session.exec(
        select(Insight).where(col(Insight.id) == insight_id, _coached_scope(actor))
    ).first()
    if insight is None:
        if session.get(Insight, insight_id) is None:
            raise NotFound("That insight no longer exists.")
        raise AccessDenied("You can only act on insights your teams raised or heard.")
    if insight.merged_into_id is not None:
        raise InvalidInput(
            f"Insight #{insight_id} was already merged into #{insight.merged_into_id}."
        )
    if version is not None and insight.version != version:
        raise StaleEdit(
            f"Insight #{insight_id} changed since you opened the page (someone merged or "
            "promoted it); look again and redo what you meant."
        )
    return insight


def merge_insights(
    session: Session,
    *,
    actor: Actor,
    keep_id: int,
    merge_id: int,
    keep_version: int,
    merge_version: int,
) -> int:
    """Merge `merge_id` into `keep_id`: its contacts move over (the counts add up, each still
    says where it was first logged) and it stays, marked merged. Returns the contacts now."""
    if keep_id == merge_id:
        raise InvalidInput("Choose two different insights to merge.")
    keep = _coached(session, actor, keep_id, keep_version)
    merge = _coached(session, actor, merge_id, merge_version)
    if (keep.reason_id, keep.department_id) != (merge.reason_id, merge.department_id):
        # Merged, the contacts would move to the other reason and department, and a theme the
        # merged one carried would then speak for what it never said.
        raise InvalidInput(
            f"Insights #{keep_id} ({_where(session, keep)}) and #{merge_id} "
            f"({_where(session, merge)}) are about different things: merge only insights with "
            "the same contact reason and department."
        )
    if merge.theme_id is not None and keep.theme_id not in (None, merge.theme_id):
        raise InvalidInput(
            f"Insights #{keep_id} and #{merge_id} belong to different themes; merge them "
            "before either becomes a theme, or keep both."
        )
    for contact in session.exec(
        select(InsightContact).where(InsightContact.insight_id == merge_id)
    ).all():
        contact.from_insight_id = contact.from_insight_id or merge_id
        contact.insight_id = keep_id
        contact.reason_id, contact.department_id = keep.reason_id, keep.department_id
        session.add(contact)
    if keep.theme_id is None and merge.theme_id is not None:
        keep.theme_id = merge.theme_id
    merge.merged_into_id = keep_id
    keep.version += 1
    merge.version += 1
    session.add_all([keep, merge])
    refresh_counts(session, keep)
    refresh_counts(session, merge)
    for insight_id in (keep_id, merge_id):
        audit.record(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            record_type=audit.INSIGHT,
            record_id=insight_id,
            detail=f"merged #{merge_id} into #{keep_id}",
        )
    session.flush()
    return int(session.exec(select(func.count()).where(InsightContact.insight_id == keep_id)).one())


def _where(session: Session, insight: Insight) -> str:
    """ "Refund status · Billing": an insight's contact reason and department."""
    reason = session.get(ContactReason, insight.reason_id)
    department = session.get(Department, insight.department_id)
    return f"{reason.name if reason else '?'} · {department.name if department else '?'}"


def promote_to_theme(
    session: Session, *, actor: Actor, insight_id: int, title: str, expected_version: int
) -> int:
    """Make an insight a theme with a short title, to be carried to its department; the
    department's ambassadors (and host, if they have an account) are told. Returns the theme."""
    from core.voice.themes import announce_theme  # themes builds on insights, not the reverse

    insight = _coached(session, actor, insight_id, expected_version)
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("Give the theme a short title, e.g. “Refund status not visible”.")
    require_fits(("Title", title, max_length(Theme, "title")))
    if insight.theme_id is not None:
        raise InvalidInput(f"Insight #{insight_id} is already part of a theme.")
    theme = Theme(
        title=title,
        reason_id=insight.reason_id,
        department_id=insight.department_id,
        created_by_id=actor.id,
        created_on=today(),
    )
    session.add(theme)
    session.flush()
    assert theme.id is not None
    session.add(ThemeEvent(theme_id=theme.id, step=ThemeStep.CREATED, by_id=actor.id))
    insight.theme_id = theme.id
    insight.version += 1
    session.add(insight)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=audit.THEME,
        record_id=theme.id,
        detail=f"from insight #{insight_id}",
    )
    announce_theme(session, theme)
    return theme.id


# ------------------------------------------------------------------ the agent's own


def refresh_all_counts(session: Session) -> None:
    """Count every insight's contacts again (after contacts were written in bulk: the demo)."""
    session.flush()
    per = (
        select(func.count())
        .where(col(InsightContact.insight_id) == col(Insight.id))
        .scalar_subquery()
    )
    agents = (
        select(func.count(distinct(col(InsightContact.person_id))))
        .where(col(InsightContact.insight_id) == col(Insight.id))
        .scalar_subquery()
    )
    first = (
        select(func.min(InsightContact.day))
        .where(col(InsightContact.insight_id) == col(Insight.id))
        .scalar_subquery()
    )
    last = (
        select(func.max(InsightContact.day))
        .where(col(InsightContact.insight_id) == col(Insight.id))
        .scalar_subquery()
    )
    session.execute(
        update(Insight).values(contacts=per, agents=agents, first_heard=first, last_heard=last)
    )


def _coached_scope(actor: Actor) -> ColumnElement[bool]:
    """Insights in a coach's scope: managers all; a lead those their teams raised or heard."""
    if actor.role is Role.MANAGER:
        return true()
    if actor.role is not Role.TEAM_LEAD:
        raise AccessDenied(
            "The grouped customer insights are for team leads and managers; everyone sees the "
            "themes."
        )
    heard = (
        select(InsightContact.insight_id)
        .join(Person, col(Person.id) == InsightContact.person_id)
        .where(col(Person.team_id).in_(sorted(actor.led_team_ids)))
    )
    return col(Insight.id).in_(heard)
