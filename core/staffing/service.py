"""Forecasts and targets on the organisation's data: the import, the targets, and the floors the
PD planner reads (core.pd.planning asks `forecast_floors`; nothing else computes a floor).

Import rules (as `headway import metrics`): all or nothing, one `line N: …` per bad line (a team
the importer may not plan, or does not exist, is an unknown team; a date before today is refused),
idempotent. A newer forecast for a team and date replaces that day's stored intervals, each row
keeping who imported it and when; a day whose intervals are the same is left as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy import delete, tuple_
from sqlalchemy import select as columns_of
from sqlmodel import Session, col, select

from core.metrics.observations import bulk_copy
from core.models import ForecastInterval, Role, StaffingTarget, Team
from core.people.access import Actor, Purpose, may_act_on_team, require_planner
from core.platform.clock import today, utcnow
from core.platform.csvio import paused_gc, read_columns
from core.platform.errors import AccessDenied, InvalidInput
from core.staffing.erlang import Target
from core.staffing.floors import (
    DayFloor,
    daily_floors,
    percent_text,
    read_max_occupancy,
    read_service_level,
    read_shrinkage,
)
from core.staffing.forecast import OPTIONAL, REQUIRED, Forecast, check_rows

_Interval = tuple[int, int, str, str]  # start minute, contacts, aht, minutes
_INSERT_COLUMNS = (
    "team_id",
    "date",
    "start_minute",
    "contacts",
    "aht_seconds",
    "interval_minutes",
    "imported_by_id",
    "imported_at",
)
_COLUMNS = (
    col(ForecastInterval.team_id),
    col(ForecastInterval.date),
    col(ForecastInterval.start_minute),
    col(ForecastInterval.contacts),
    col(ForecastInterval.aht_seconds),
    col(ForecastInterval.interval_minutes),
)


@dataclass(frozen=True)
class ForecastImport:
    intervals: int
    days_added: int
    days_replaced: int
    days_unchanged: int
    ignored_columns: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        return (
            f"{self.intervals:,} intervals: {self.days_added} team-days added, "
            f"{self.days_replaced} replaced, {self.days_unchanged} already present"
        )


def _importable_teams(session: Session, actor: Actor | None) -> dict[str, int]:
    teams = session.exec(select(Team)).all()
    return {
        t.name: t.id
        for t in teams
        if t.id is not None and (actor is None or may_act_on_team(actor, Purpose.PLAN, t.id))
    }


def import_forecast(
    session: Session, *, data: bytes | IO[bytes], actor: Actor | None
) -> ForecastImport:
    """Store a forecast CSV (`team,date,start,contacts,aht_seconds[,interval_minutes]`): every
    line valid or nothing written. `actor` None is the command line (every team)."""
    if actor is not None and actor.role is Role.AGENT:
        raise AccessDenied("Agents cannot import forecasts; ask your team lead.")
    teams = _importable_teams(session, actor)
    first_day = today()

    def unknown(pairs: set[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], str]:
        out = {}
        for team, day in pairs:
            if team not in teams:
                out[(team, day)] = f"unknown team {team[:80]!r}"
            elif day < first_day:
                out[(team, day)] = (
                    f"date {day.isoformat()} is in the past (a forecast is for days to come)"
                )
        return out

    with paused_gc():
        forecast, problems = check_rows(
            read_columns(data, required=REQUIRED, optional=OPTIONAL), unknown=unknown
        )
    if problems:
        raise InvalidInput(
            f"Nothing was imported: {len(problems)} line(s) of the forecast need fixing.",
            problems,
        )
    return _store(session, forecast, teams, actor)


def _store(
    session: Session, forecast: Forecast, teams: dict[str, int], actor: Actor | None
) -> ForecastImport:
    incoming: dict[tuple[int, dt.date], set[_Interval]] = defaultdict(set)
    for team, day, start, contacts, aht, minutes in zip(
        forecast.teams,
        forecast.dates,
        forecast.starts,
        forecast.contacts,
        forecast.aht,
        forecast.minutes,
        strict=True,
    ):
        incoming[(teams[team], day)].add((start, contacts, aht, minutes))
    if not incoming:
        return ForecastImport(0, 0, 0, 0, forecast.ignored_columns)
    stored = _stored(session, set(incoming))
    added = replaced = unchanged = 0
    replace: list[tuple[int, dt.date]] = []
    for key, intervals in incoming.items():
        held = stored.get(key)
        if held is None:
            added += 1
        elif held == intervals:
            unchanged += 1
        else:
            replaced += 1
            replace.append(key)
    for chunk in range(0, len(replace), 500):
        part = replace[chunk : chunk + 500]
        session.execute(
            delete(ForecastInterval).where(
                tuple_(col(ForecastInterval.team_id), col(ForecastInterval.date)).in_(part)
            )
        )
    now = utcnow()
    by = actor.id if actor is not None else None
    again = set(replace)
    rows = (
        (team_id, day, start, contacts, aht, minutes, by, now)
        for (team_id, day), intervals in incoming.items()
        if (team_id, day) not in stored or (team_id, day) in again
        for start, contacts, aht, minutes in intervals
    )
    # The database's fastest append (COPY / prepared executemany): an ORM insert per row would
    # take most of the import's time for a quarter of 60 teams' intervals.
    bulk_copy(session.connection(), "forecast_interval", _INSERT_COLUMNS, rows)
    session.flush()
    return ForecastImport(len(forecast), added, replaced, unchanged, forecast.ignored_columns)


def _stored(
    session: Session, keys: set[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], set[_Interval]]:
    team_ids = {t for t, _ in keys}
    days = [d for _, d in keys]
    held: dict[tuple[int, dt.date], set[_Interval]] = defaultdict(set)
    for row in session.execute(
        columns_of(*_COLUMNS).where(
            col(ForecastInterval.team_id).in_(team_ids),
            col(ForecastInterval.date) >= min(days),
            col(ForecastInterval.date) <= max(days),
        )
    ).all():
        held[(row[0], row[1])].add((row[2], row[3], row[4], row[5]))
    return dict(held)


# ---- targets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRead:
    team_id: int | None
    service_level_pct: str
    answer_seconds: str
    shrinkage_pct: str
    max_occupancy_pct: str | None
    inherited: bool = False  # a team without an override shows the organisation's

    def target(self) -> Target:
        level, _ = read_service_level(f"{self.service_level_pct}/{self.answer_seconds}")
        shrinkage, _ = read_shrinkage(self.shrinkage_pct)
        occupancy = None
        if self.max_occupancy_pct:
            occupancy, _ = read_max_occupancy(self.max_occupancy_pct)
        assert level is not None and shrinkage is not None
        return Target(level[0], level[1], shrinkage, occupancy)


DEFAULT_TARGET = TargetRead(None, "80", "20", "30", None)


def _read(row: StaffingTarget | None, team_id: int | None) -> TargetRead:
    if row is None:
        return TargetRead(team_id, "80", "20", "30", None, inherited=team_id is not None)
    return TargetRead(
        row.team_id,
        row.service_level_pct,
        row.answer_seconds,
        row.shrinkage_pct,
        row.max_occupancy_pct,
    )


def _targets(session: Session, team_ids: set[int]) -> dict[int, Target]:
    rows = {t.team_id: t for t in session.exec(select(StaffingTarget)).all()}
    organisation = _read(rows.get(None), None).target()
    return {
        team_id: _read(rows[team_id], team_id).target() if team_id in rows else organisation
        for team_id in team_ids
    }


def staffing_target(session: Session, *, actor: Actor, team_id: int | None) -> TargetRead:
    """The target in force for a team (its override, else the organisation's), or the
    organisation's (team_id None). Planners of the team; managers and admins for all."""
    require_planner(actor, [team_id] if team_id is not None else [])
    rows = {t.team_id: t for t in session.exec(select(StaffingTarget)).all()}
    if team_id is not None and team_id in rows:
        return _read(rows[team_id], team_id)
    organisation = _read(rows.get(None), None)
    if team_id is None:
        return organisation
    return TargetRead(
        team_id,
        organisation.service_level_pct,
        organisation.answer_seconds,
        organisation.shrinkage_pct,
        organisation.max_occupancy_pct,
        inherited=True,
    )


def set_staffing_target(
    session: Session,
    *,
    actor: Actor,
    team_id: int | None,
    service_level: str,
    shrinkage: str,
    max_occupancy: str | None,
) -> TargetRead:
    """Set the organisation's target (managers and admins) or one team's override (its lead,
    managers and admins). `service_level` as `80/20`; percentages may have decimals."""
    if team_id is None:
        if not actor.sees_everyone:
            raise AccessDenied("Only managers and admins set the organisation's staffing target.")
    else:
        require_planner(actor, [team_id])
    # Every field's problem at once: one correction, not one round trip per field.
    level, level_problem = read_service_level(service_level)
    share, share_problem = read_shrinkage(shrinkage)
    occupancy, occupancy_problem = (
        read_max_occupancy(max_occupancy) if max_occupancy else (None, None)
    )
    problems = [
        f"{field}: {problem}."
        for field, problem in (
            ("Service level", level_problem),
            ("Shrinkage", share_problem),
            ("Maximum occupancy", occupancy_problem),
        )
        if problem
    ]
    if problems:
        raise InvalidInput(" ".join(problems))
    assert level is not None and share is not None
    row = session.exec(
        select(StaffingTarget).where(
            StaffingTarget.team_id == team_id
            if team_id is not None
            else col(StaffingTarget.team_id).is_(None)
        )
    ).first() or StaffingTarget(team_id=team_id)
    row.service_level_pct = percent_text(level[0])
    row.answer_seconds = str(level[1]) if level[1].denominator == 1 else f"{float(level[1]):g}"
    row.shrinkage_pct = percent_text(share)
    row.max_occupancy_pct = percent_text(occupancy) if occupancy is not None else None
    row.set_by_id = actor.id
    row.set_at = utcnow()
    session.add(row)
    session.flush()
    return _read(row, team_id)


# ---- floors --------------------------------------------------------------------------------


def forecast_floors(
    session: Session, *, team_ids: list[int] | tuple[int, ...], start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, DayFloor]]:
    """Each team's floor per date from its stored forecast and its target (the dates with a
    forecast only: elsewhere the hand-set floors stand). The PD planner's floors read this."""
    if not team_ids:
        return {}
    rows = session.execute(
        columns_of(*_COLUMNS).where(
            col(ForecastInterval.team_id).in_(team_ids),
            col(ForecastInterval.date) >= start,
            col(ForecastInterval.date) <= end,
        )
    ).all()
    if not rows:
        return {}
    targets = _targets(session, {r[0] for r in rows})
    by_team: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for r in rows:
        by_team[r[0]].append(tuple(r))
    out: dict[int, dict[dt.date, DayFloor]] = {}
    for team_id, mine in by_team.items():
        forecast = Forecast(
            lines=list(range(len(mine))),
            teams=[str(team_id)] * len(mine),
            dates=[r[1] for r in mine],  # type: ignore[misc]
            starts=[r[2] for r in mine],  # type: ignore[misc]
            contacts=[r[3] for r in mine],  # type: ignore[misc]
            aht=[r[4] for r in mine],  # type: ignore[misc]
            minutes=[r[5] for r in mine],  # type: ignore[misc]
        )
        out[team_id] = {f.date: f for f in daily_floors(forecast, targets[team_id])}
    return out


def team_forecast_floors(
    session: Session, *, actor: Actor, team_id: int, start: dt.date, end: dt.date
) -> dict[dt.date, DayFloor]:
    """One team's forecast floors in a period, for its planners (leads: their own teams)."""
    require_planner(actor, [team_id])
    return forecast_floors(session, team_ids=[team_id], start=start, end=end).get(team_id, {})


def target_of(session: Session, team_id: int) -> Target:
    """The target in force for a team (no access check: for core's own sentences)."""
    return _targets(session, {team_id})[team_id]
