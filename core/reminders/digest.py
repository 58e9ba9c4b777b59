"""The weekly digest: each lead's team week and each manager's view of every team."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.coaching.follow_ups import follow_up_status, is_overdue
from core.growth.checkins import _falling_agents
from core.models import LearningShare, NotificationKind, PdDay, Person, Role, Team
from core.notify.notifications import Message, active_people, message_to
from core.platform.config import get_settings
from core.quality.dispute_reads import open_dispute_counts
from core.reminders.rules import LIVE_PD

# --- the Monday digest --------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamWeek:
    team_id: int
    team: str
    due_follow_ups: list[str]  # "Agent — Wed 2 Dec" (overdue ones first)
    overdue: int
    falling: list[str]  # "Agent: evidence"
    agents: int
    with_pd_day: int
    pd_days: int
    busiest: tuple[dt.date, int] | None
    new_shares: list[str]
    open_disputes: int = 0  # disputes of the team's evaluations awaiting a reviewer
    overdue_disputes: int = 0


def _team_weeks(session: Session, day: dt.date, team_ids: list[int]) -> list[TeamWeek]:
    """What a lead needs to know on Monday morning, per team: no acting user, so only the
    digest job (weekly_digests, which sends each team's week to its own lead and the managers)
    calls it."""
    teams = {
        t.id or 0: t.name
        for t in session.exec(select(Team).where(col(Team.id).in_(team_ids))).all()
    }
    agents = session.exec(
        select(Person.id, Person.name, Person.team_id).where(
            col(Person.team_id).in_(team_ids),
            Person.role == Role.AGENT,
            col(Person.active).is_(True),
        )
    ).all()
    team_of = {a: t for a, _, t in agents}
    name_of = {a: n for a, n, _ in agents}
    week_end = day + dt.timedelta(days=6)
    status = follow_up_status(session, agent_ids=[a for a in team_of if a is not None], day=day)
    notes = sorted(
        ((a, d) for a, s in status.items() for d in s.due_by(week_end)), key=lambda n: n[1]
    )
    pd_rows = session.exec(
        select(col(PdDay.person_id), col(PdDay.date)).where(
            col(PdDay.person_id).in_(team_of),
            col(PdDay.status).in_(LIVE_PD),
            PdDay.date >= day,
            PdDay.date <= day + dt.timedelta(days=13),
        )
    ).all()
    shares = session.exec(
        select(LearningShare.author_id, LearningShare.title)
        .where(col(LearningShare.author_id).in_(team_of))
        .where(col(LearningShare.hidden_reason).is_(None))
        .where(
            LearningShare.created_at
            >= dt.datetime.combine(day - dt.timedelta(days=7), dt.time(), get_settings().tz)
        )
        .order_by(col(LearningShare.created_at))
    ).all()
    falling = _falling_agents(session, team_ids=team_ids, as_of=day)
    agents_in: dict[int | None, int] = defaultdict(int)
    due: dict[int | None, list[tuple[dt.date, str]]] = defaultdict(list)
    away: dict[int | None, list[tuple[int, dt.date]]] = defaultdict(list)
    shared: dict[int | None, list[str]] = defaultdict(list)
    for team in team_of.values():
        agents_in[team] += 1
    for a, d in notes:
        if d is not None:
            due[team_of[a]].append((d, name_of[a]))
    for p, d in pd_rows:
        away[team_of[p]].append((p, d))
    for a, title in shares:
        shared[team_of[a]].append(f"{name_of[a]}: “{title}”")
    weeks = []
    for team_id in sorted(teams, key=lambda t: teams[t]):
        disputes, late = open_dispute_counts(
            session, agent_ids=[a for a, t in team_of.items() if t == team_id and a], day=day
        )
        per_day = Counter(d for _, d in away[team_id])
        busiest = max(per_day.items(), key=lambda kv: (kv[1], -kv[0].toordinal()), default=None)
        weeks.append(
            TeamWeek(
                team_id,
                teams[team_id],
                [
                    f"{n} — {d:%a %-d %b}" + (" (overdue)" if is_overdue(d, day) else "")
                    for d, n in due[team_id]
                ],
                sum(is_overdue(d, day) for d, _ in due[team_id]),
                [f"{n}: {f.headline}" for _, n, f in falling.get(team_id, [])],
                agents_in[team_id],
                len({p for p, _ in away[team_id]}),
                len(away[team_id]),
                busiest,
                shared[team_id],
                disputes,
                late,
            )
        )
    return weeks


def _block(heading: str, items: list[str], limit: int) -> str:
    more = [f"- … and {len(items) - limit} more"] if len(items) > limit else []
    return "\n".join([heading, *(f"- {x}" for x in items[:limit]), *more])


def _digest_section(week: TeamWeek) -> str:
    busiest = (
        f"; busiest day {week.busiest[0]:%a %-d %b} with {week.busiest[1]} away"
        if week.busiest
        else ""
    )
    overdue = f" ({week.overdue} overdue)" if week.overdue else ""
    blocks = [
        _block(
            f"Follow-ups due this week: {len(week.due_follow_ups)}{overdue}",
            week.due_follow_ups,
            15,
        ),
        _block(f"Falling trends: {len(week.falling)}", week.falling, 10),
        f"PD days in the next two weeks: {week.pd_days} "
        f"({week.with_pd_day} of {week.agents} agents{busiest})",
        _block(f"New learning shares: {len(week.new_shares)}", week.new_shares, 10),
        f"Disputed evaluations awaiting review: {_disputes(week)}",
    ]
    return "\n\n".join(blocks)


def _disputes(week: TeamWeek) -> str:
    late = f" ({week.overdue_disputes} overdue)" if week.overdue_disputes else ""
    return f"{week.open_disputes}{late}"


def _team_line(week: TeamWeek) -> str:
    overdue = f" ({week.overdue} overdue)" if week.overdue else ""
    return (
        f"{week.team}: {len(week.due_follow_ups)} follow-ups due{overdue} · "
        f"{len(week.falling)} falling trends · PD days for {week.with_pd_day} of {week.agents} "
        f"agents in the next two weeks · {len(week.new_shares)} new learning shares · "
        f"{_disputes(week)} disputes awaiting review"
    )


def weekly_digests(session: Session, day: dt.date) -> list[Message]:
    """The week's first working day: each lead gets their team's week; each manager the same
    for every team."""
    teams = session.exec(select(Team).where(col(Team.lead_id).is_not(None))).all()
    managers = session.exec(
        select(Person).where(Person.role == Role.MANAGER, col(Person.active).is_(True))
    ).all()
    team_ids = [t.id for t in session.exec(select(Team)).all() if t.id is not None]
    weeks = {w.team_id: w for w in _team_weeks(session, day, team_ids)} if team_ids else {}
    leads = active_people(session, [t.lead_id for t in teams])
    title = f"Your week ahead: {day:%-d %B}"
    messages = [
        message_to(
            leads[t.lead_id],
            kind=NotificationKind.WEEKLY_DIGEST,
            subject=f"team:{t.id}",
            due_date=day,
            title=f"{title} — {t.name}",
            body=_digest_section(weeks[t.id]),
            link="team",
        )
        for t in teams
        if t.lead_id in leads and t.id in weeks
    ]
    if managers and weeks:
        overdue = sum(w.overdue for w in weeks.values())
        summary = (
            f"{len(weeks)} teams · {sum(len(w.due_follow_ups) for w in weeks.values())} follow-ups "
            f"due ({overdue} overdue) · {sum(len(w.falling) for w in weeks.values())} falling "
            f"trends · {sum(len(w.new_shares) for w in weeks.values())} new learning shares · "
            f"{sum(w.open_disputes for w in weeks.values())} disputes awaiting review "
            f"({sum(w.overdue_disputes for w in weeks.values())} overdue)"
        )
        ranked = sorted(
            weeks.values(), key=lambda w: (-w.overdue, -len(w.falling), -len(w.due_follow_ups))
        )
        body = "\n\n".join(
            [
                summary,
                _block("Teams, those needing attention first", [_team_line(w) for w in ranked], 40),
            ]
        )
        messages += [
            message_to(
                m,
                kind=NotificationKind.WEEKLY_DIGEST,
                subject="organisation",
                due_date=day,
                title=f"{title} — every team",
                body=body,
                link="organisation",
            )
            for m in managers
        ]
    return messages
