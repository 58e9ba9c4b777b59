"""Reading customer insights: search, an agent's own, the similar ones shown while typing, and the
leads' and managers' overview grouped by reason and department."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, distinct, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from core.models import (
    ContactReason,
    Department,
    Insight,
    InsightContact,
    InsightKind,
    Role,
    Theme,
    ThemeStatus,
)
from core.people.access import Actor
from core.platform.clock import today
from core.voice.insights import PAGE_SIZE, SIMILAR, WEEKS, Order, _coached_scope


@dataclass(frozen=True)
class InsightRow:
    """An insight as a list shows it: never who raised it, only how many."""

    id: int
    text: str
    reason: str
    department: str
    kind: InsightKind
    contacts: int
    agents: int
    first_heard: dt.date
    last_heard: dt.date
    theme_id: int | None
    theme_title: str
    theme_status: ThemeStatus | None
    version: int
    mine: bool  # the reader raised it or heard it too


def _match(session: Session, words: str) -> ColumnElement[bool] | None:
    """The database's own full-text match for all the words (stemmed), or None for no words."""
    terms = re.findall(r"\w+", words.lower())[:12]
    if not terms:
        return None
    if session.get_bind().dialect.name == "sqlite":
        query = " ".join(f'"{t}"' for t in terms)  # quoted terms: no FTS5 syntax from users
        matches = select(text("rowid")).select_from(text("insight_fts"))
        return col(Insight.id).in_(matches.where(text("insight_fts MATCH :q").bindparams(q=query)))
    return text("insight.search @@ plainto_tsquery('english', :q)").bindparams(  # type: ignore[return-value]
        q=" ".join(terms)
    )


def _filters(
    session: Session,
    *,
    words: str,
    reason_id: int | None,
    department_id: int | None,
    kind: InsightKind | None,
    themed: bool | None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [col(Insight.merged_into_id).is_(None)]
    if (match := _match(session, words)) is not None:
        where.append(match)
    if reason_id is not None:
        where.append(col(Insight.reason_id) == reason_id)
    if department_id is not None:
        where.append(col(Insight.department_id) == department_id)
    if kind is not None:
        where.append(col(Insight.kind) == kind)
    if themed is not None:
        where.append(
            col(Insight.theme_id).is_not(None) if themed else col(Insight.theme_id).is_(None)
        )
    return where


def _rows(session: Session, actor: Actor, rows: Sequence[Insight]) -> list[InsightRow]:
    reasons = dict(session.exec(select(ContactReason.id, ContactReason.name)).all())
    departments = dict(session.exec(select(Department.id, Department.name)).all())
    theme_ids = {i.theme_id for i in rows if i.theme_id is not None}
    themes = {
        t.id: t for t in session.exec(select(Theme).where(col(Theme.id).in_(theme_ids))).all()
    }
    ids = [i.id for i in rows]
    mine = set(
        session.exec(
            select(InsightContact.insight_id).where(
                col(InsightContact.insight_id).in_(ids), InsightContact.person_id == actor.id
            )
        ).all()
    )
    out = []
    for insight in rows:
        theme = themes.get(insight.theme_id) if insight.theme_id is not None else None
        assert insight.id is not None
        out.append(
            InsightRow(
                insight.id,
                insight.text,
                reasons.get(insight.reason_id, ""),
                departments.get(insight.department_id, ""),
                InsightKind(insight.kind),
                insight.contacts,
                insight.agents,
                insight.first_heard or insight.created_at.date(),
                insight.last_heard or insight.created_at.date(),
                insight.theme_id,
                theme.title if theme else "",
                ThemeStatus(theme.status) if theme else None,
                insight.version,
                insight.id in mine,
            )
        )
    return out


def similar_insights(
    session: Session,
    *,
    actor: Actor,
    reason_id: int | None = None,
    department_id: int | None = None,
    words: str = "",
) -> list[InsightRow]:
    """Insights like the one an agent is about to log (same reason, same words), most recently
    heard first, so they can say "I heard this too" instead of retyping: texts and counts only."""
    query = (
        select(Insight)
        .where(
            *_filters(
                session,
                words=words,
                reason_id=reason_id,
                department_id=department_id,
                kind=None,
                themed=None,
            )
        )
        .order_by(col(Insight.last_heard).desc(), col(Insight.id).desc())
        .limit(SIMILAR)
    )
    return _rows(session, actor, session.exec(query).all())


@dataclass(frozen=True)
class Group:
    reason_id: int
    reason: str
    department_id: int
    department: str
    insights: int
    contacts: int
    agents: int
    last_heard: dt.date


@dataclass(frozen=True)
class Overview:
    groups: list[Group]  # most contacts first
    insights: list[InsightRow]
    total: int
    page: int
    pages: int
    weekly: list[tuple[dt.date, int]]  # Monday → contacts, the last WEEKS weeks, oldest first


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def insight_overview(
    session: Session,
    *,
    actor: Actor,
    words: str = "",
    reason_id: int | None = None,
    department_id: int | None = None,
    kind: InsightKind | None = None,
    themed: bool | None = None,
    order: Order = "newest",
    page: int = 1,
) -> Overview:
    """Insights grouped by reason and department (contacts, distinct agents), one page of the
    insights themselves (newest or most heard first) and the weekly contacts, for a coach."""
    where = [
        _coached_scope(actor),
        *_filters(
            session,
            words=words,
            reason_id=reason_id,
            department_id=department_id,
            kind=kind,
            themed=themed,
        ),
    ]
    reasons = dict(session.exec(select(ContactReason.id, ContactReason.name)).all())
    departments = dict(session.exec(select(Department.id, Department.name)).all())
    # Contacts carry their insight's reason and department: without a filter on the insights
    # themselves (a manager's first view) the counts read the contacts alone.
    contact_where: list[ColumnElement[bool]]
    if words.strip() or kind is not None or themed is not None or actor.role is not Role.MANAGER:
        contact_where = [col(InsightContact.insight_id).in_(select(col(Insight.id)).where(*where))]
    else:
        contact_where = [
            col(c) == v
            for c, v in (
                (InsightContact.reason_id, reason_id),
                (InsightContact.department_id, department_id),
            )
            if v is not None
        ]
    insights_in = dict(
        ((r, d), n)
        for r, d, n in session.execute(
            sa_select(col(Insight.reason_id), col(Insight.department_id), func.count())
            .where(*where)
            .group_by(col(Insight.reason_id), col(Insight.department_id))
        ).all()
    )
    grouped = session.execute(
        sa_select(
            col(InsightContact.reason_id),
            col(InsightContact.department_id),
            func.count(),
            func.count(distinct(col(InsightContact.person_id))),
            func.max(col(InsightContact.day)),
        )
        .where(*contact_where)
        .group_by(col(InsightContact.reason_id), col(InsightContact.department_id))
    ).all()
    groups = sorted(
        (
            Group(r, reasons.get(r, ""), d, departments.get(d, ""), insights_in[(r, d)], c, a, last)
            for r, d, c, a, last in grouped
            if (r, d) in insights_in
        ),
        key=lambda g: (-g.contacts, g.reason, g.department),
    )
    total = sum(g.insights for g in groups)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    ordering = (
        (col(Insight.contacts).desc(), col(Insight.last_heard).desc())
        if order == "most heard"
        else (col(Insight.last_heard).desc(), col(Insight.contacts).desc())
    )
    rows = session.exec(
        select(Insight)
        .where(*where)
        .order_by(*ordering, col(Insight.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    start = _monday(today()) - dt.timedelta(weeks=WEEKS - 1)
    daily = session.exec(
        select(col(InsightContact.day), func.count())
        .where(*contact_where, col(InsightContact.day) >= start)
        .group_by(col(InsightContact.day))
    ).all()
    weeks: Counter[dt.date] = Counter()
    for day, n in daily:
        weeks[_monday(day)] += int(n)
    weekly = [
        (start + dt.timedelta(weeks=w), weeks[start + dt.timedelta(weeks=w)]) for w in range(WEEKS)
    ]
    return Overview(groups, _rows(session, actor, rows), total, page, pages, weekly)


@dataclass(frozen=True)
class MyInsight:
    id: int
    text: str
    reason: str
    department: str
    my_contacts: int
    contacts: int
    last_heard: dt.date
    theme_title: str
    theme_status: ThemeStatus | None
    outcome: str  # what became of it, in one sentence


def my_insights(session: Session, *, actor: Actor, limit: int = 20) -> list[MyInsight]:
    """What the actor raised or heard, most recent first, and what became of it."""
    from core.voice.themes import theme_reads

    mine = session.exec(
        select(InsightContact.insight_id, func.count(), func.max(InsightContact.day))
        .where(InsightContact.person_id == actor.id)
        .group_by(col(InsightContact.insight_id))
        .order_by(func.max(InsightContact.day).desc())
        .limit(limit)
    ).all()
    if not mine:
        return []
    ids = [i for i, _, _ in mine]
    insights = {i.id: i for i in session.exec(select(Insight).where(col(Insight.id).in_(ids)))}
    totals = dict(
        session.exec(
            select(InsightContact.insight_id, func.count())
            .where(col(InsightContact.insight_id).in_(ids))
            .group_by(col(InsightContact.insight_id))
        ).all()
    )
    reasons = dict(session.exec(select(ContactReason.id, ContactReason.name)).all())
    departments = dict(session.exec(select(Department.id, Department.name)).all())
    theme_ids = {i.theme_id for i in insights.values() if i.theme_id is not None}
    themes = {
        t.id: t
        for t in theme_reads(
            session, list(session.exec(select(Theme).where(col(Theme.id).in_(theme_ids))))
        )
    }
    out = []
    for insight_id, n, last in mine:
        insight = insights[insight_id]
        theme = themes.get(insight.theme_id) if insight.theme_id is not None else None
        department = departments.get(insight.department_id, "")
        out.append(
            MyInsight(
                insight_id,
                insight.text,
                reasons.get(insight.reason_id, ""),
                department,
                int(n),
                int(totals.get(insight_id, 0)),
                last,
                theme.title if theme else "",
                theme.status if theme else None,
                theme.outcome
                if theme
                else "Not a theme yet: your lead sees it with the others heard about "
                f"{reasons.get(insight.reason_id, 'it').lower()}.",
            )
        )
    return out
