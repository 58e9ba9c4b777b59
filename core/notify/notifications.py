"""Notifications: the kinds Headway sends, storing each one exactly once, the inbox, preferences.

A notification is unique per (recipient, kind, subject, due date). Everything that creates one —
the reminder jobs, the events raised by services — goes through `send`, which inserts with
"on conflict do nothing": reruns, restarts and two schedulers by mistake never duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from core.models import (
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
    Person,
)
from core.notify.chat import queue_notifications
from core.platform.actor import Actor
from core.platform.clock import today, utcnow
from core.platform.config import get_settings
from core.platform.db import dialect_insert
from core.platform.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Kind:
    key: NotificationKind
    label: str  # as a person would tick it in their preferences
    email_by_default: bool = False


KINDS: dict[NotificationKind, Kind] = {
    k.key: k
    for k in (
        Kind(
            NotificationKind.FOLLOW_UP_DUE,
            "A follow-up I promised is due today",
            email_by_default=True,
        ),
        Kind(NotificationKind.CHECK_IN_TODAY, "My coach will check in with me today"),
        Kind(
            NotificationKind.FOLLOW_UP_OVERDUE, "A coach's follow-up is overdue (escalation)", True
        ),
        Kind(NotificationKind.PD_DAY_TOMORROW, "My PD day is tomorrow", email_by_default=True),
        Kind(NotificationKind.SHARE_PROMPT, "A prompt to share what I learned after a PD day"),
        Kind(
            NotificationKind.TERM_STARTS, "My rotation term starts next week", email_by_default=True
        ),
        Kind(NotificationKind.TERM_ENDS, "My rotation term ends next week"),
        Kind(NotificationKind.MIND_CHECK, "The morning mind check on my pledge"),
        Kind(
            NotificationKind.PLEDGE_COSIGN, "A pledge awaits my co-signature", email_by_default=True
        ),
        Kind(NotificationKind.MENTOR_NUDGE, "A nudge from my mentor"),
        Kind(NotificationKind.COACHING_NOTE, "A coaching note about me was written"),
        Kind(NotificationKind.PD_PUBLISHED, "A PD day of mine was published"),
        Kind(NotificationKind.ROTATION_PUBLISHED, "A rotation of mine was published"),
        Kind(NotificationKind.SHARE_HIDDEN, "A learning share of mine was hidden"),
        Kind(
            NotificationKind.WEEKLY_DIGEST,
            "The weekly digest of my team(s), on the week's first working day",
            email_by_default=True,
        ),
        Kind(NotificationKind.INTERESTS_REFRESH, "Rank my rotation interests for the next term"),
        Kind(
            NotificationKind.PD_DAY_CLOSED,
            "A PD day (mine, or my team's) falls on a newly closed day",
            email_by_default=True,
        ),
        Kind(
            NotificationKind.PD_DAY_CHANGED,
            "A published PD day of mine was moved, unpublished or cancelled",
            email_by_default=True,
        ),
        Kind(
            NotificationKind.CALIBRATION_INVITE,
            "I am invited to score a calibration session",
            email_by_default=True,
        ),
        Kind(NotificationKind.CALIBRATION_REVEALED, "A calibration session I scored is revealed"),
        Kind(
            NotificationKind.COMMENT,
            "A comment or a 1:1 sign-off on a coaching note or evaluation (mine, or one I coach)",
            email_by_default=True,
        ),
        Kind(
            NotificationKind.DISPUTE,
            "A disputed evaluation: one to review, or the decision on one",
            email_by_default=True,
        ),
        Kind(
            NotificationKind.DISPUTE_DUE,
            "A dispute I review is due tomorrow or overdue",
            email_by_default=True,
        ),
        Kind(
            NotificationKind.VOICE_OUTCOME,
            "What a department did with a customer insight I raised or heard",
        ),
        Kind(
            NotificationKind.VOICE_THEME,
            "A customer theme waits for the department I am an ambassador or host for",
        ),
        Kind(NotificationKind.VOICE_REASON, "A contact reason an agent proposed waits for me"),
    )
}


@dataclass(frozen=True)
class Message:
    """A notification to create; `person_id` is None for an address only (a host contact)."""

    recipient_email: str
    person_id: int | None
    kind: NotificationKind
    subject: str
    due_date: dt.date
    title: str
    body: str = ""
    link: str = ""

    @property
    def key(self) -> tuple[str, str, str, dt.date]:
        return (self.recipient_email.lower(), self.kind, self.subject, self.due_date)


def message_to(
    person: Person,
    *,
    kind: NotificationKind,
    subject: str,
    title: str,
    body: str = "",
    link: str = "",
    due_date: dt.date | None = None,
) -> Message:
    return Message(person.email, person.id, kind, subject, due_date or today(), title, body, link)


def active_people(session: Session, ids: Iterable[int | None]) -> dict[int, Person]:
    """The active people among `ids` (nobody notifies a deactivated account)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(
        select(Person).where(col(Person.id).in_(wanted), col(Person.active).is_(True))
    ).all()
    return {p.id: p for p in rows if p.id is not None}


def notify(
    session: Session, *, person_id: int, kind: NotificationKind, subject: str, **fields: Any
) -> bool:
    """An event as it happens, to one person; False when it was already sent today (or the
    person is inactive or has switched the kind off)."""
    person = active_people(session, [person_id]).get(person_id)
    if person is None:
        return False
    return bool(send(session, [message_to(person, kind=kind, subject=subject, **fields)]))


@dataclass(frozen=True, order=True)
class Created:
    recipient: str
    kind: NotificationKind
    subject: str
    title: str

    def line(self) -> str:
        return f"{self.recipient} {self.kind} {self.subject}"


def _channels(pref: NotificationPreference | None, kind: NotificationKind) -> tuple[bool, bool]:
    """(in Headway, by e-mail) for a person: their stored choice, else the kind's default."""
    if pref is not None:
        return pref.in_app, pref.email
    return True, KINDS[kind].email_by_default


def send(session: Session, messages: Iterable[Message]) -> list[Created]:
    """Store the messages that are not stored yet, as each recipient's preferences say; return
    those created (sorted). E-mail is queued only when SMTP is configured, so that switching it
    on later does not send a backlog."""
    unique = {m.key: m for m in messages}
    if not unique:
        return []
    people = {m.person_id for m in unique.values() if m.person_id is not None}
    prefs = {
        (p.person_id, p.kind): p
        for p in session.exec(
            select(NotificationPreference).where(col(NotificationPreference.person_id).in_(people))
        ).all()
    }
    email_on = bool(get_settings().smtp_url)
    rows = []
    for (address, *_), m in unique.items():
        if m.person_id is None:  # an address only: e-mail is the one way to reach it
            in_app, wants_email = False, True
        else:
            in_app, wants_email = _channels(prefs.get((m.person_id, m.kind)), m.kind)
        if not (in_app or wants_email):
            continue
        rows.append(
            {
                "person_id": m.person_id,
                "recipient_email": address,
                "kind": m.kind,
                "subject": m.subject,
                "due_date": m.due_date,
                "title": m.title[:200],
                "body": m.body[:8000],
                "link": m.link,
                "in_app": in_app,
                "email_state": (
                    EmailState.PENDING if wants_email and email_on else EmailState.NONE
                ),
                "email_error": "",
                "created_at": utcnow(),
            }
        )
    created: list[Created] = []
    for start in range(0, len(rows), 500):
        statement = (
            dialect_insert(session, Notification)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing()
            .returning(
                col(Notification.recipient_email),
                col(Notification.kind),
                col(Notification.subject),
                col(Notification.title),
                col(Notification.id),
                col(Notification.person_id),
            )
        )
        stored = session.execute(statement).all()
        created.extend(Created(*row[:4]) for row in stored)
        # Chat (where an admin set a webhook) is queued with the notification: same transaction.
        queue_notifications(session, [(row[4], row[5], row[1]) for row in stored])
    return sorted(created)


# --- the inbox ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationRead:
    id: int
    kind: NotificationKind
    title: str
    body: str
    page: str  # url path of the page to open
    query: dict[str, str]  # its query parameters
    due_date: dt.date
    created_at: dt.datetime
    read: bool


def split_link(link: str) -> tuple[str, dict[str, str]]:
    page, _, query = link.partition("?")
    return page, dict(parse_qsl(query))


def link_to(page: str, **query: object) -> str:
    return f"{page}?{urlencode(query)}" if query else page


def _mine(actor: Actor) -> Any:
    return (col(Notification.person_id) == actor.id) & col(Notification.in_app).is_(True)


def inbox(
    session: Session, *, actor: Actor, unread_only: bool = False, limit: int = 100
) -> list[NotificationRead]:
    """The actor's own notifications, newest first (nobody reads another person's inbox)."""
    query = select(Notification).where(_mine(actor))
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    rows = session.exec(
        query.order_by(col(Notification.due_date).desc(), col(Notification.id).desc()).limit(limit)
    ).all()
    return [
        NotificationRead(
            n.id or 0,
            n.kind,
            n.title,
            n.body,
            *split_link(n.link),
            n.due_date,
            n.created_at,
            n.read_at is not None,
        )
        for n in rows
    ]


def unread_count(session: Session, *, actor: Actor) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(_mine(actor), col(Notification.read_at).is_(None))
        ).one()
    )


def mark_read(session: Session, *, actor: Actor, notification_id: int, read: bool = True) -> None:
    result = session.execute(
        update(Notification)
        .where(col(Notification.id) == notification_id, _mine(actor))
        .values(read_at=utcnow() if read else None)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("That notification is not in your inbox.")


def mark_all_read(session: Session, *, actor: Actor) -> int:
    result = session.execute(
        update(Notification)
        .where(_mine(actor), col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- preferences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    kind: NotificationKind
    label: str
    in_app: bool
    email: bool


def preferences(session: Session, *, actor: Actor) -> list[Preference]:
    stored = {
        p.kind: p
        for p in session.exec(
            select(NotificationPreference).where(NotificationPreference.person_id == actor.id)
        ).all()
    }
    return [
        Preference(k.key, k.label, *_channels(stored.get(k.key), k.key)) for k in KINDS.values()
    ]


def set_preferences(session: Session, *, actor: Actor, choices: Sequence[Preference]) -> None:
    """Save the actor's own choices (one per kind)."""
    for choice in choices:
        try:
            kind = NotificationKind(choice.kind)
        except ValueError:
            raise InvalidInput(f"Unknown notification kind {choice.kind!r}.") from None
        row = session.get(NotificationPreference, (actor.id, kind))
        row = row or NotificationPreference(person_id=actor.id, kind=kind)
        row.in_app, row.email = bool(choice.in_app), bool(choice.email)
        session.add(row)
