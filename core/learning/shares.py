"""Learning shares: write, edit, delete, hide, search (each database's own full-text search),
recognise with kudos, and the "next time" items an agent carries into their next PD day."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, text, true
from sqlmodel import Session, col, func, select

from core.models import (
    Assignment,
    Kudos,
    LearningShare,
    NotificationKind,
    PdDay,
    Person,
    Role,
    Visibility,
)
from core.notify.notifications import notify
from core.people.access import Actor, is_coach_of
from core.platform.clock import today, utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits

# A share's texts as the form names them; each column's max_length is its limit.
SHARE_TEXTS = {
    "title": "Title",
    "learned": "What I learned",
    "worked": "What worked",
    "didnt_work": "What didn't work",
    "next_time": "What I'll do next time",
}
SHARE_LIMITS = {name: max_length(LearningShare, name) for name in (*SHARE_TEXTS, "tags")}
TAG_LENGTH = 40
PAGE_SIZE = 20
COUNT_CAP = 1000


@dataclass(frozen=True)
class ShareInput:
    title: str
    learned: str = ""
    worked: str = ""
    didnt_work: str = ""
    next_time: str = ""
    tags: tuple[str, ...] = ()
    visibility: Visibility = Visibility.TEAM
    pd_day_id: int | None = None
    assignment_id: int | None = None


@dataclass(frozen=True)
class ShareRead:
    id: int
    author_id: int
    author: str
    team_id: int | None
    title: str
    learned: str
    worked: str
    didnt_work: str
    next_time: str
    tags: tuple[str, ...]
    visibility: Visibility
    created_at: dt.datetime
    edited_at: dt.datetime | None
    hidden_reason: str | None
    kudos: int
    mine_kudos: bool
    pd_day_id: int | None


def _clean(data: ShareInput) -> ShareInput:
    title = data.title.strip()
    if not title:
        raise InvalidInput("Give your share a title.")
    require_fits(
        *((label, getattr(data, name), SHARE_LIMITS[name]) for name, label in SHARE_TEXTS.items())
    )
    if not (
        data.learned.strip()
        or data.worked.strip()
        or data.didnt_work.strip()
        or data.next_time.strip()
    ):
        raise InvalidInput(
            "Share at least one of: what you learned, what worked, what didn't, what you'll do next time."
        )
    tags = tuple(sorted({t.strip().lower() for t in data.tags if t.strip()}))
    if long := [t for t in tags if len(t) > TAG_LENGTH]:
        raise InvalidInput(
            f"Tags are short words of at most {TAG_LENGTH} characters; shorten "
            + ", ".join(f"“{t[:30]}…” (by {len(t) - TAG_LENGTH})" for t in long)
            + " or split it at a comma."
        )
    require_fits(("Skills or tags", ",".join(tags), SHARE_LIMITS["tags"]))
    return ShareInput(
        title,
        data.learned.strip(),
        data.worked.strip(),
        data.didnt_work.strip(),
        data.next_time.strip(),
        tags,
        data.visibility,
        data.pd_day_id,
        data.assignment_id,
    )


def write_share(session: Session, *, actor: Actor, data: ShareInput) -> int:
    clean = _clean(data)
    if clean.pd_day_id is not None:
        day = session.get(PdDay, clean.pd_day_id)
        if day is None or day.person_id != actor.id:
            raise AccessDenied("Link a share to one of your own PD days.")
    if clean.assignment_id is not None:
        assignment = session.get(Assignment, clean.assignment_id)
        if assignment is None or assignment.person_id != actor.id:
            raise AccessDenied("Link a share to one of your own rotations.")
    share = LearningShare(
        author_id=actor.id,
        title=clean.title,
        learned=clean.learned,
        worked=clean.worked,
        didnt_work=clean.didnt_work,
        next_time=clean.next_time,
        tags=",".join(clean.tags),
        visibility=clean.visibility,
        pd_day_id=clean.pd_day_id,
        assignment_id=clean.assignment_id,
    )
    session.add(share)
    session.flush()
    assert share.id is not None
    return share.id


def _own(session: Session, actor: Actor, share_id: int) -> LearningShare:
    share = session.get(LearningShare, share_id)
    if share is None:
        raise NotFound("That learning share no longer exists.")
    if share.author_id != actor.id:
        raise AccessDenied("Only its author can change or delete a learning share.")
    return share


def edit_share(session: Session, *, actor: Actor, share_id: int, data: ShareInput) -> None:
    share = _own(session, actor, share_id)
    clean = _clean(data)
    share.title, share.learned, share.worked = clean.title, clean.learned, clean.worked
    share.didnt_work, share.next_time, share.tags = (
        clean.didnt_work,
        clean.next_time,
        ",".join(clean.tags),
    )
    share.visibility = clean.visibility
    share.edited_at = utcnow()
    session.add(share)


def delete_share(session: Session, *, actor: Actor, share_id: int) -> None:
    share = _own(session, actor, share_id)
    for k in session.exec(select(Kudos).where(Kudos.share_id == share_id)).all():
        session.delete(k)
    session.delete(share)


def hide_share(session: Session, *, actor: Actor, share_id: int, reason: str) -> None:
    """A lead hides a share of their team (with a reason the author sees); empty reason unhides."""
    share = session.get(LearningShare, share_id)
    if share is None:
        raise NotFound("That learning share no longer exists.")
    author = session.get(Person, share.author_id)
    assert author is not None
    if (
        not (actor.role is Role.TEAM_LEAD and is_coach_of(actor, team_id=author.team_id))
        and not actor.sees_everyone
    ):
        raise AccessDenied("Only the author's team lead or a manager can hide a share.")
    require_fits(("Reason", reason, max_length(LearningShare, "hidden_reason")))
    share.hidden_reason = reason.strip() or None
    share.hidden_by_id = actor.id if reason.strip() else None
    session.add(share)
    if share.hidden_reason:
        notify(
            session,
            person_id=share.author_id,
            kind=NotificationKind.SHARE_HIDDEN,
            subject=f"learning_share:{share.id}",
            title=f"Your learning share “{share.title}” was hidden",
            body=f"{actor.name} hid it from the team: {share.hidden_reason}\n\n"
            "You can still read and edit it; talk to them if you think it should be back.",
            link="learning",
        )


def _visible(actor: Actor) -> ColumnElement[bool]:
    """Shares the actor may read: their own; organisation-wide ones; their team's; all for
    managers; hidden ones only for the author and the author's lead or managers."""
    if actor.sees_everyone:
        return true()
    teams = sorted({*actor.led_team_ids, *([actor.team_id] if actor.team_id else [])})
    readable = or_(
        col(LearningShare.visibility) == Visibility.ORGANISATION,
        col(Person.team_id).in_(teams),
    )
    not_hidden = or_(
        col(LearningShare.hidden_reason).is_(None),
        col(Person.team_id).in_(sorted(actor.led_team_ids)),
    )
    return or_(col(LearningShare.author_id) == actor.id, and_(readable, not_hidden))


def _match(session: Session, words: str) -> ColumnElement[bool] | None:
    """The database's own full-text match for all the words (stemmed), or None for no words."""
    terms = re.findall(r"\w+", words.lower())[:12]
    if not terms:
        return None
    if session.get_bind().dialect.name == "sqlite":
        query = " ".join(f'"{t}"' for t in terms)  # quoted terms: no FTS5 syntax from users
        matches = select(text("rowid")).select_from(text("learning_share_fts"))
        return col(LearningShare.id).in_(
            matches.where(text("learning_share_fts MATCH :q").bindparams(q=query))
        )
    return text("learning_share.search @@ plainto_tsquery('english', :q)").bindparams(
        q=" ".join(terms)
    )  # type: ignore[return-value]


@dataclass(frozen=True)
class Feed:
    shares: list[ShareRead]
    total: int
    page: int
    pages: int


def search_shares(
    session: Session,
    *,
    actor: Actor,
    words: str = "",
    team_id: int | None = None,
    tag: str = "",
    author_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    linked: str = "",
    page: int = 1,
) -> Feed:
    """The feed, newest first, with filters and full-text search; PAGE_SIZE a page."""
    query = (
        select(LearningShare, Person.name, Person.team_id)
        .join(Person, col(Person.id) == LearningShare.author_id)
        .where(_visible(actor))
    )
    match = _match(session, words)
    if match is not None:
        query = query.where(match)
    if team_id is not None:
        query = query.where(Person.team_id == team_id)
    if tag.strip():
        query = query.where(func.lower(LearningShare.tags).like(f"%{tag.strip().lower()}%"))
    if author_id is not None:
        query = query.where(LearningShare.author_id == author_id)
    if since is not None:
        query = query.where(
            LearningShare.created_at >= dt.datetime.combine(since, dt.time(), dt.UTC)
        )
    if until is not None:
        query = query.where(
            LearningShare.created_at
            < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    if linked == "pd day":
        query = query.where(col(LearningShare.pd_day_id).is_not(None))
    elif linked == "rotation":
        query = query.where(col(LearningShare.assignment_id).is_not(None))
    # Counting stops at COUNT_CAP: "1,000+" reads as well as an exact number and costs far less.
    total = session.exec(
        select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery())
    ).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.exec(
        query.order_by(col(LearningShare.created_at).desc(), col(LearningShare.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return Feed(_reads(session, actor, rows), total, page, pages)


def _reads(session: Session, actor: Actor, rows: Sequence[Any]) -> list[ShareRead]:
    ids = [s.id for s, _, _ in rows]
    counts = dict(
        session.exec(
            select(Kudos.share_id, func.count())
            .where(col(Kudos.share_id).in_(ids))
            .group_by(col(Kudos.share_id))
        ).all()
    )
    mine = set(
        session.exec(
            select(Kudos.share_id).where(col(Kudos.share_id).in_(ids), Kudos.person_id == actor.id)
        ).all()
    )
    return [
        ShareRead(
            s.id,
            s.author_id,
            name,
            team,
            s.title,
            s.learned,
            s.worked,
            s.didnt_work,
            s.next_time,
            tuple(t for t in s.tags.split(",") if t),
            Visibility(s.visibility),
            s.created_at,
            s.edited_at,
            s.hidden_reason,
            int(counts.get(s.id, 0)),
            s.id in mine,
            s.pd_day_id,
        )
        for s, name, team in rows
    ]


def toggle_kudos(session: Session, *, actor: Actor, share_id: int) -> bool:
    """Give a "helpful" kudos, or take it back on a second click; returns whether it is given."""
    share = session.exec(
        select(LearningShare)
        .join(Person, col(Person.id) == LearningShare.author_id)
        .where(LearningShare.id == share_id, _visible(actor))
    ).first()
    if share is None:
        raise NotFound("That learning share is not available to you.")
    if share.author_id == actor.id:
        raise AccessDenied("Kudos are for other people's shares.")
    existing = session.exec(
        select(Kudos).where(Kudos.share_id == share_id, Kudos.person_id == actor.id)
    ).first()
    if existing is not None:
        session.delete(existing)
        return False
    session.add(Kudos(share_id=share_id, person_id=actor.id))
    return True


def most_helpful(
    session: Session, *, actor: Actor, team_id: int | None, limit: int = 5
) -> list[tuple[str, str, int]]:
    """(title, author, kudos) of the most helpful shares this month, for a team or everyone."""
    start = today().replace(day=1)
    query = (
        select(LearningShare.title, Person.name, func.count(col(Kudos.id)))
        .join(Person, col(Person.id) == LearningShare.author_id)
        .join(Kudos, col(Kudos.share_id) == LearningShare.id)
        .where(_visible(actor), Kudos.created_at >= dt.datetime.combine(start, dt.time(), dt.UTC))
        .group_by(col(LearningShare.id), col(LearningShare.title), col(Person.name))
        .order_by(func.count(col(Kudos.id)).desc())
        .limit(limit)
    )
    if team_id is not None:
        query = query.where(Person.team_id == team_id)
    return [(str(t), str(n), int(c)) for t, n, c in session.exec(query).all()]


def last_next_time(session: Session, *, actor: Actor) -> str:
    """The "next time" of my latest share: what I said I'd do on my next PD day."""
    row = session.exec(
        select(LearningShare.next_time)
        .where(LearningShare.author_id == actor.id, LearningShare.next_time != "")
        .order_by(col(LearningShare.created_at).desc())
    ).first()
    return row or ""


SHARE_WINDOW_DAYS = 7  # how long after a PD day Headway still asks about it


def _latest_unshared_pd_day(session: Session, actor: Actor, *, last: dt.date) -> PdDay | None:
    """My latest published PD day of the last week up to `last`, unless a share of mine is
    already linked to it (then there is nothing to ask: an older one is not asked about either)."""
    day = today()
    latest = session.exec(
        select(PdDay)
        .where(PdDay.person_id == actor.id)
        .where(PdDay.date <= last, PdDay.date >= day - dt.timedelta(days=SHARE_WINDOW_DAYS))
        .where(col(PdDay.status).in_(("published", "completed")))
        .order_by(col(PdDay.date).desc())
    ).first()
    if latest is None:
        return None
    shared = session.exec(
        select(LearningShare.id).where(
            LearningShare.pd_day_id == latest.id, LearningShare.author_id == actor.id
        )
    ).first()
    return None if shared else latest


def pd_day_to_share(session: Session, *, actor: Actor) -> PdDay | None:
    """The prompt "How was your PD day…?": my latest PD day before today (within a week) when
    none of my shares is linked to it yet. It goes once I share about that day."""
    return _latest_unshared_pd_day(session, actor, last=today() - dt.timedelta(days=1))


def pd_day_to_link(session: Session, *, actor: Actor) -> PdDay | None:
    """The PD day a share I write now is about: today's, when today is one (people share at the
    end of the day itself), else the one I am prompted for. Linking the share to it is what
    makes the prompt go."""
    today_pd = session.exec(
        select(PdDay.id).where(
            PdDay.person_id == actor.id,
            PdDay.date == today(),
            col(PdDay.status).in_(("published", "completed")),
        )
    ).first()
    if today_pd is not None:
        return _latest_unshared_pd_day(session, actor, last=today())
    return pd_day_to_share(session, actor=actor)
