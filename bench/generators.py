"""Random instances of the CLI contract's benchmark shapes (plan-pd and assign-rotations)."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any


def pd_instance(
    agents: int, *, seed: int = 1, start: dt.date = dt.date(2027, 1, 4)
) -> dict[str, Any]:
    """Teams of 15-25, 13 weeks of weekdays, 2 PD days 14 apart, 85 % floors with 2 peak days."""
    rng = random.Random(seed)
    end = start + dt.timedelta(weeks=13) - dt.timedelta(days=3)
    weekdays = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    weekdays = [d for d in weekdays if d.weekday() < 5]
    blackout = set(rng.sample(weekdays, 3))
    open_days = [d for d in weekdays if d not in blackout]
    teams, people = [], []
    remaining, t = agents, 0
    while remaining > 0:
        size = min(remaining, rng.randint(15, 25))
        if 0 < remaining - size < 15:
            size = remaining if remaining <= 25 else remaining - 15
        t += 1
        team_id = f"T{t:03d}"
        floor = math.floor(size * 0.85)
        peaks = rng.sample(open_days, 2)
        teams.append(
            {
                "id": team_id,
                "min_staffed": floor,
                "min_staffed_by_date": {d.isoformat(): floor + 1 for d in peaks},
            }
        )
        members = []
        for _ in range(size):
            n = len(people) + len(members) + 1
            members.append(
                {
                    "id": f"A{n:05d}",
                    "team": team_id,
                    "unavailable": sorted(
                        d.isoformat() for d in rng.sample(weekdays, rng.randint(0, 5))
                    ),
                    "preferred": sorted(
                        d.isoformat() for d in rng.sample(open_days, rng.randint(0, 3))
                    ),
                    "pinned": [],
                }
            )
        for index, agent in enumerate(members):
            if (len(people) + index + 1) % 40 == 0:
                # a pin on a day the team has room for it (a pin on a full day is infeasible)
                away = {
                    d: sum(d.isoformat() in m["unavailable"] for m in members) for d in open_days
                }
                choices = [
                    d
                    for d in open_days
                    if d.isoformat() not in agent["unavailable"]
                    and d not in peaks
                    and size - away[d] > floor
                ]
                agent["pinned"] = [rng.choice(choices).isoformat()]
        people.extend(members)
        remaining -= size
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "working_weekdays": [0, 1, 2, 3, 4],
        "pd_days_per_agent": 2,
        "min_gap_days": 14,
        "blackout_dates": sorted(d.isoformat() for d in blackout),
        "teams": teams,
        "agents": people,
    }


def rotation_instance(agents: int, *, seed: int = 1, departments: int = 15) -> dict[str, Any]:
    """Teams of 20, 15 departments (capacity 80-160 at 2,000 agents), at most 4 per team and
    department, 0-3 interests and 0-3 past departments, one agent in 50 pinned."""
    rng = random.Random(seed)
    scale = agents / 2000
    depts = [
        {"id": f"D{i:02d}", "capacity": max(1, round(rng.randint(80, 160) * scale))}
        for i in range(1, departments + 1)
    ]
    ids = [d["id"] for d in depts]
    people = []
    for n in range(1, agents + 1):
        history = rng.sample(ids, rng.randint(0, 3))
        interests = rng.sample(ids, rng.randint(0, 3))
        agent: dict[str, Any] = {
            "id": f"A{n:05d}",
            "team": f"T{(n - 1) // 20 + 1:03d}",
            "interests": interests,
            "history": history,
            "pinned": None,
        }
        if n % 50 == 0:
            agent["pinned"] = rng.choice([d for d in ids if d not in history])
        people.append(agent)
    return {
        "term": {"id": "2027-Q1", "start": "2027-01-04", "end": "2027-03-26", "hours_per_week": 4},
        "departments": depts,
        "max_per_team_per_department": 4,
        "agents": people,
    }


def metrics_csv(emails: list[str], rows: int, *, seed: int = 1, today: str = "2026-11-23") -> bytes:
    """A metrics import file of `rows` new observations for the given agents."""
    rng = random.Random(seed)
    end = dt.date.fromisoformat(today)
    lines = ["agent_email,date,metric,value,source,reference"]
    for n in range(rows):
        day = end - dt.timedelta(days=rng.randint(0, 700))
        lines.append(
            f"{rng.choice(emails)},{day.isoformat()},csat,{rng.uniform(1, 5):.2f},survey,bench-{n}"
        )
    return ("\n".join(lines) + "\n").encode()


def forecast_csv(
    teams: int = 60,
    days: int = 90,
    intervals: int = 48,
    *,
    seed: int = 1,
    start: dt.date = dt.date(2027, 1, 4),
    team_names: list[str] | None = None,
) -> str:
    """A WFM-style interval forecast: `team,date,start,contacts,aht_seconds,interval_minutes`
    for every team, day and interval, with a two-peak day (late morning, mid afternoon), a
    weekday pattern, quiet nights (zero contacts) and team volumes of 5 to 600 Erlangs at
    peak (a few very large queues, to include the heavy end)."""
    rng = random.Random(seed)
    minutes = 1440 // intervals
    names = team_names or [f"Team {t:02d}" for t in range(1, teams + 1)]
    lines = ["team,date,start,contacts,aht_seconds,interval_minutes"]
    for name in names:
        peak = rng.choice([20, 40, 60, 90, 120, 180, 250]) * (8 if rng.random() < 0.05 else 1)
        aht = rng.uniform(240, 540)
        for d in range(days):
            day = start + dt.timedelta(days=d)
            weekday = (1.15, 1.0, 0.95, 0.95, 1.05, 0.5, 0.3)[day.weekday()]
            for i in range(intervals):
                hour = (i * minutes) / 60
                shape = math.exp(-(((hour - 11) / 2.2) ** 2)) + 0.8 * math.exp(
                    -(((hour - 15) / 2.0) ** 2)
                )
                mean = peak * weekday * shape * (minutes / 30)
                contacts = max(0, round(rng.gauss(mean, math.sqrt(mean + 1))))
                lines.append(
                    f"{name},{day.isoformat()},{i * minutes // 60:02d}:{i * minutes % 60:02d},"
                    f"{contacts},{aht * rng.uniform(0.9, 1.1):.1f},{minutes}"
                )
    return "\n".join(lines) + "\n"
