"""Themes carried to departments: an ambassador of the current term takes a theme to their host
department and records the department's answer (will change, changed, won't change, needs more
evidence). Where no ambassador is placed this term, a team lead or a manager carries it; the
department's host (the rotations name one) may answer for their department. Every step is a
ThemeEvent with who and when, never edited; everyone who raised or heard one of the theme's
insights is told, in one sentence with the department's words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import distinct
from sqlmodel import Session, col, func, select

from core.models import (
    AuditAction,
    ContactReason,
    Department,
    Insight,
    InsightContact,
    NotificationKind,
    Person,
    Theme,
    ThemeEvent,
    ThemeStatus,
    ThemeStep,
)
from core.notify.notifications import active_people, message_to, send
from core.people import audit
from core.people.access import Actor
from core.platform.clock import today
from core.platform.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from core.platform.limits import max_length, require_fits
from core.voice.carriers import Carrier, ambassadors, day_text

ANSWERS = (
    ThemeStatus.WILL_CHANGE,
    ThemeStatus.CHANGED,
    ThemeStatus.WONT_CHANGE,
    ThemeStatus.NEEDS_EVIDENCE,
)
CLOSED = (ThemeStatus.CHANGED, ThemeStatus.WONT_CHANGE)
WORDS_ASKED = {
    ThemeStatus.WILL_CHANGE: "what the department will change",
    ThemeStatus.CHANGED: "what the department changed",
    ThemeStatus.WONT_CHANGE: "why the department won't change it",
    ThemeStatus.NEEDS_EVIDENCE: "what evidence the department needs",
}


# ------------------------------------------------------------------ who carries what


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class ThemeRead:
    id: int
    title: str
    reason: str
    department_id: int
    department: str
    status: ThemeStatus
    created_on: dt.date
    taken_by: str
    taken_on: dt.date | None
    answered_on: dt.date | None
    change_date: dt.date | None
    words: str  # the department's latest words
    answer_day: dt.date | None  # will change: by when; changed: first day in effect
    contacts: int
    agents: int
    first_heard: dt.date | None
    version: int
    outcome: str  # the theme's state in one sentence
    may_take: bool = False
    may_answer: bool = False


@dataclass(frozen=True)
class EventRead:
    step: ThemeStep
    answer: ThemeStatus | None
    words: str
    day: dt.date | None
    by: str
    at: dt.datetime


def last_answers(session: Session, theme_ids: set[int]) -> dict[int, ThemeEvent]:
    if not theme_ids:
        return {}
    latest = (
        select(func.max(ThemeEvent.id))
        .where(col(ThemeEvent.theme_id).in_(theme_ids), ThemeEvent.step == ThemeStep.ANSWERED)
        .group_by(col(ThemeEvent.theme_id))
    )
    return {
        e.theme_id: e
        for e in session.exec(select(ThemeEvent).where(col(ThemeEvent.id).in_(latest))).all()
    }


def outcome_sentence(
    theme: Theme, department: str, answer: ThemeEvent | None, taken_by: str = ""
) -> str:
    """What became of a theme, in one sentence with the department's words."""
    words = f": “{answer.words}”" if answer is not None and answer.words else "."
    status = ThemeStatus(theme.status)
    if status is ThemeStatus.OPEN:
        return f"Made a theme on {day_text(theme.created_on)}; waiting to be taken to {department}."
    if status is ThemeStatus.TAKEN:
        assert theme.taken_on is not None
        by = f" by {taken_by}" if taken_by else ""
        return f"Taken to {department} on {day_text(theme.taken_on)}{by}."
    day = answer.day if answer is not None else None
    if status is ThemeStatus.WILL_CHANGE:
        when = f" by {day_text(day)}" if day else ""
        return f"{department} will change it{when}{words}"
    if status is ThemeStatus.CHANGED:
        since = f", in effect from {day_text(day)}" if day else ""
        return f"{department} changed it{since}{words}"
    if status is ThemeStatus.WONT_CHANGE:
        return f"{department} won't change it{words}"
    return f"{department} needs more evidence{words}"


def theme_reads(
    session: Session, themes: list[Theme], carrier: Carrier | None = None
) -> list[ThemeRead]:
    """ThemeReads of `themes` (with what `carrier` may do on each, if given)."""
    ids = {t.id for t in themes if t.id is not None}
    if not ids:
        return []
    counts = {
        theme_id: (int(c), int(a), first)
        for theme_id, c, a, first in session.exec(
            select(
                Insight.theme_id,
                func.count(),
                func.count(distinct(col(InsightContact.person_id))),
                func.min(InsightContact.day),
            )
            .join(InsightContact, col(InsightContact.insight_id) == Insight.id)
            .where(col(Insight.theme_id).in_(ids))
            .group_by(col(Insight.theme_id))
        ).all()
    }
    reasons = dict(session.exec(select(ContactReason.id, ContactReason.name)).all())
    departments = dict(session.exec(select(Department.id, Department.name)).all())
    takers = {t.taken_by_id for t in themes if t.taken_by_id is not None}
    names = dict(
        session.exec(select(Person.id, Person.name).where(col(Person.id).in_(takers))).all()
    )
    answers = last_answers(session, ids)
    out = []
    for t in themes:
        assert t.id is not None
        department = departments.get(t.department_id, "")
        taken_by = names.get(t.taken_by_id, "") if t.taken_by_id else ""
        answer = answers.get(t.id)
        status = ThemeStatus(t.status)
        c, a, first = counts.get(t.id, (0, 0, None))
        out.append(
            ThemeRead(
                t.id,
                t.title,
                reasons.get(t.reason_id, ""),
                t.department_id,
                department,
                status,
                t.created_on,
                taken_by,
                t.taken_on,
                t.answered_on,
                t.change_date,
                answer.words if answer else "",
                answer.day if answer else None,
                c,
                a,
                first,
                t.version,
                outcome_sentence(t, department, answer, taken_by),
                may_take=carrier is not None
                and t.department_id in carrier.carries
                and status in (ThemeStatus.OPEN, ThemeStatus.NEEDS_EVIDENCE),
                may_answer=carrier is not None
                and status not in CLOSED
                and (
                    (t.department_id in carrier.carries and status is not ThemeStatus.OPEN)
                    or t.department_id in (carrier.answers - carrier.carries)
                ),
            )
        )
    return out


def list_themes(
    session: Session,
    *,
    actor: Actor,
    status: ThemeStatus | None = None,
    department_id: int | None = None,
    limit: int = 200,
) -> list[ThemeRead]:
    """The organisation's themes, newest first: everyone reads them (counts, never who raised)."""
    query = select(Theme)
    if status is not None:
        query = query.where(Theme.status == status)
    if department_id is not None:
        query = query.where(Theme.department_id == department_id)
    themes = list(session.exec(query.order_by(col(Theme.id).desc()).limit(limit)).all())
    return theme_reads(session, themes, Carrier.of(session, actor))


def themes_to_carry(session: Session, *, actor: Actor) -> list[ThemeRead]:
    """The themes the actor may take to a department or answer for it: an ambassador's host
    department this term, a host's own department, and for leads and managers the departments
    without an ambassador. Closed themes are left out."""
    carrier = Carrier.of(session, actor)
    if not carrier.answers:
        return []
    themes = session.exec(
        select(Theme)
        .where(
            col(Theme.department_id).in_(sorted(carrier.answers)), col(Theme.status).not_in(CLOSED)
        )
        .order_by(col(Theme.id))
    ).all()
    return [t for t in theme_reads(session, list(themes), carrier) if t.may_take or t.may_answer]


def theme_history(session: Session, *, actor: Actor, theme_id: int) -> list[EventRead]:
    """Every step of a theme, oldest first, with who and when (everyone may read it)."""
    if session.get(Theme, theme_id) is None:
        raise NotFound("That theme no longer exists.")
    rows = session.exec(
        select(ThemeEvent, Person.name)
        .join(Person, col(Person.id) == ThemeEvent.by_id)
        .where(ThemeEvent.theme_id == theme_id)
        .order_by(col(ThemeEvent.id))
    ).all()
    return [
        EventRead(
            ThemeStep(e.step), ThemeStatus(e.answer) if e.answer else None, e.words, e.day, n, e.at
        )
        for e, n in rows
    ]


# ------------------------------------------------------------------ carrying and answering


def _theme(session: Session, theme_id: int, expected_version: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("That theme no longer exists.")
    if theme.version != expected_version:
        raise StaleEdit(
            f"“{theme.title}” changed since you opened it (now {ThemeStatus(theme.status).value}); "
            "look at it again before you record anything."
        )
    return theme


def _department_name(session: Session, theme: Theme) -> str:
    department = session.get(Department, theme.department_id)
    return department.name if department else "the department"


def take_theme(session: Session, *, actor: Actor, theme_id: int, expected_version: int) -> str:
    """Take a theme to its department ("taken to Billing on 3 March"); returns that sentence."""
    theme = _theme(session, theme_id, expected_version)
    department = _department_name(session, theme)
    carrier = Carrier.of(session, actor)
    if theme.department_id not in carrier.carries:
        raise AccessDenied(
            f"Themes for {department} are taken there by its ambassadors this term"
            + (
                " (a lead or manager carries them only where no ambassador is placed)."
                if carrier.unplaced
                else "."
            )
        )
    status = ThemeStatus(theme.status)
    if status not in (ThemeStatus.OPEN, ThemeStatus.NEEDS_EVIDENCE):
        raise InvalidInput(f"“{theme.title}” is already {status.value}: {department} has it.")
    theme.status, theme.taken_by_id, theme.taken_on = ThemeStatus.TAKEN, actor.id, today()
    theme.version += 1
    session.add(theme)
    event = ThemeEvent(theme_id=theme_id, step=ThemeStep.TAKEN, by_id=actor.id, day=today())
    session.add(event)
    session.flush()
    sentence = outcome_sentence(theme, department, None, actor.name)
    _record(session, actor, theme, "taken")
    _tell_raisers(session, theme, event, sentence)
    return sentence


def answer_theme(
    session: Session,
    *,
    actor: Actor,
    theme_id: int,
    answer: ThemeStatus,
    words: str,
    day: dt.date | None = None,
    expected_version: int,
) -> str:
    """Record the department's answer (a new step; earlier answers stay as they were). Will
    change needs the day it will by; changed the first day it was in effect (not before the
    theme existed, not in the future). Returns the sentence the raisers are told."""
    theme = _theme(session, theme_id, expected_version)
    department = _department_name(session, theme)
    carrier = Carrier.of(session, actor)
    status = ThemeStatus(theme.status)
    hosts = theme.department_id in carrier.answers - carrier.carries
    if theme.department_id not in carrier.answers:
        raise AccessDenied(
            f"{department}'s answer is recorded by its ambassadors this term or its host."
        )
    if status in CLOSED:
        raise InvalidInput(
            f"“{theme.title}” is closed ({department} answered “{status.value}”); its answer "
            "stays as recorded. Promote a new insight if customers still raise it."
        )
    if status is ThemeStatus.OPEN and not hosts:
        raise InvalidInput(f"Take “{theme.title}” to {department} first, then record its answer.")
    if answer not in ANSWERS:
        raise InvalidInput(
            "Choose the answer: will change, changed, won't change or needs more evidence."
        )
    words = " ".join(words.split())
    if not words:
        raise InvalidInput(f"Write {WORDS_ASKED[answer]}, in the department's words.")
    require_fits(("The department's words", words, max_length(ThemeEvent, "words")))
    if answer is ThemeStatus.WILL_CHANGE:
        if day is None:
            raise InvalidInput(f"Say by when {department} will change it.")
        if day < today():
            raise InvalidInput(
                f"By when is in the past ({day_text(day)}); if it changed, record “changed”."
            )
    elif answer is ThemeStatus.CHANGED:
        if day is None:
            raise InvalidInput("Give the first day the change was in effect.")
        if day < theme.created_on:
            raise InvalidInput(
                f"The change date ({day_text(day)}) is before “{theme.title}” became a theme "
                f"({day_text(theme.created_on)}); a change cannot answer a theme before it existed."
            )
        if day > today():
            raise InvalidInput(
                f"The change is not in effect yet ({day_text(day)}); record “will change” by then."
            )
    else:
        day = None
    theme.status = answer
    theme.answered_on = theme.answered_on or today()
    if answer is ThemeStatus.CHANGED:
        theme.change_date = day
    if theme.taken_on is None:  # the host answered an open theme: it reached the department
        theme.taken_by_id, theme.taken_on = actor.id, today()
    theme.version += 1
    session.add(theme)
    event = ThemeEvent(
        theme_id=theme_id,
        step=ThemeStep.ANSWERED,
        answer=answer,
        words=words,
        day=day,
        by_id=actor.id,
    )
    session.add(event)
    session.flush()
    sentence = outcome_sentence(theme, department, event)
    _record(session, actor, theme, f"answered {answer.value}")
    _tell_raisers(session, theme, event, sentence)
    return sentence


def _record(session: Session, actor: Actor, theme: Theme, what: str) -> None:
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type=audit.THEME,
        record_id=theme.id,
        detail=what,
    )


def raisers(session: Session, theme_id: int) -> set[int]:
    """Everyone who raised or heard one of the theme's insights."""
    return set(
        session.exec(
            select(InsightContact.person_id)
            .join(Insight, col(Insight.id) == InsightContact.insight_id)
            .where(Insight.theme_id == theme_id)
            .distinct()
        ).all()
    )


def _tell_raisers(session: Session, theme: Theme, event: ThemeEvent, sentence: str) -> None:
    assert theme.id is not None
    people = active_people(session, raisers(session, theme.id))
    title = f"Customer voice: “{theme.title}” — {ThemeStatus(theme.status).value}"
    send(
        session,
        [
            message_to(
                person,
                kind=NotificationKind.VOICE_OUTCOME,
                subject=f"theme:{theme.id}:{event.id}",
                title=title[:200],
                body=sentence + "\n\nYou raised or heard one of the insights in this theme. "
                "Thank you: this is what customers told you, carried to the department.",
                link="voice",
            )
            for person in people.values()
        ],
    )


def announce_theme(session: Session, theme: Theme) -> None:
    """Tell the department's ambassadors this term (and its host, if they have an account)
    that a theme waits to be taken there."""
    assert theme.id is not None
    department = session.get(Department, theme.department_id)
    if department is None:
        return
    ids = set(ambassadors(session, theme.department_id).get(theme.department_id, set()))
    if department.host_contact_email:
        host = session.exec(
            select(Person.id).where(
                func.lower(Person.email) == department.host_contact_email.lower()
            )
        ).first()
        if host is not None:
            ids.add(host)
    people = active_people(session, ids)
    send(
        session,
        [
            message_to(
                person,
                kind=NotificationKind.VOICE_THEME,
                subject=f"theme:{theme.id}",
                title=f"A customer theme for {department.name}: “{theme.title}”"[:200],
                body="Customers keep raising it with support. Take it to the department and "
                "record its answer on My rotation (or Customer voice).",
                link="voice",
            )
            for person in people.values()
        ],
    )
