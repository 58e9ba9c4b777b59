"""Simulated agents with planted truth, for the honesty checks of the growth statistics."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

START = dt.date(2026, 1, 5)


def coaching_world(
    seed: int,
    *,
    coached: int = 130,
    control: int = 60,
    days: int = 180,
    season: float = 3.0,
    noise: float = 5.0,
    p_obs: float = 0.5,
    base_mean: float = 80.0,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Notes on day 90 with planted effects of 0, 4 or 8 points; a season lifts everyone from
    the note date on. Returns observations, notes and the true effect per note."""
    rng = np.random.default_rng(seed)
    note_day = days // 2
    rows, notes, truth = [], [], {}
    for i in range(coached + control):
        agent = f"S{i:03d}"
        base = rng.normal(base_mean, 4)
        effect = float(rng.choice([0.0, 4.0, 8.0])) if i < coached else 0.0
        if i < coached:
            note = f"N{i:03d}"
            notes.append((note, agent, START + dt.timedelta(days=note_day), "qa_score"))
            truth[note] = effect
        for day in range(days):
            if rng.random() < p_obs:
                after = day >= note_day
                value = (
                    base
                    + (season if after else 0)
                    + (effect if after else 0)
                    + rng.normal(0, noise)
                )
                rows.append(
                    (
                        agent,
                        START + dt.timedelta(days=day),
                        "qa_score",
                        float(np.clip(value, 0, 100)),
                    )
                )
    return (
        pd.DataFrame(rows, columns=["agent", "date", "metric", "value"]),
        pd.DataFrame(notes, columns=["note", "agent", "date", "metric"]),
        truth,
    )


def trend_world(
    seed: int,
    *,
    declining: int = 40,
    flat: int = 60,
    improving: int = 20,
    days: int = 120,
    noise: float = 4.0,
    p_obs: float = 0.85,
) -> tuple[pd.DataFrame, dt.date, set[str], set[str]]:
    """Declines of two standard deviations over the last 60 days; flat and improving agents."""
    rng = np.random.default_rng(seed)
    as_of = START + dt.timedelta(days=days - 1)
    rows, falling, others = [], set(), set()
    for i in range(declining + flat + improving):
        agent = f"T{i:03d}"
        kind = "down" if i < declining else ("flat" if i < declining + flat else "up")
        (falling if kind == "down" else others).add(agent)
        base = rng.normal(80, 4)
        for day in range(days):
            if rng.random() >= p_obs:
                continue
            progress = max(0, day - (days - 60)) / 60
            drift = {"down": -2 * noise * progress, "flat": 0.0, "up": 2 * noise * progress}[kind]
            value = base + drift + rng.normal(0, noise)
            if kind == "flat" and rng.random() < 0.01:
                value -= 6 * noise  # an occasional terrible day is not a trend
            rows.append((agent, START + dt.timedelta(days=day), "qa_score", float(value)))
    return pd.DataFrame(rows, columns=["agent", "date", "metric", "value"]), as_of, falling, others


def drift_world(
    seed: int,
    *,
    evaluators: int = 14,
    thin: int = 2,
    teams: int = 8,
    agents_per_team: int = 10,
    evaluations: tuple[int, int] = (60, 160),
    team_spread: float = 6.0,
    noise: tuple[float, float] = (5.0, 9.0),
    leniencies: tuple[float, ...] = (-6.0, -3.0, 0.0, 0.0, 0.0, 3.0, 6.0),
    liking: float = 0.0,
) -> tuple[pd.DataFrame, dict[str, float | None], dict[str, float]]:
    """QA evaluations with planted evaluator leniency. Teams differ in strength (sd
    `team_spread`), each evaluator covers two neighbouring teams of a ring in unequal shares (so
    a plain mean per evaluator mixes leniency with team strength), evaluators differ in
    consistency (noise sd drawn from `noise`), and `thin` evaluators have 2–9 evaluations. With
    `liking`, each evaluator also likes or dislikes each agent by a lasting amount (sd
    `liking`): their scores of one agent share more than the model says.
    Returns the rows (evaluation_id, agent, evaluator, date, score: whole points in 0–100), the
    truth to compare leniency with (planted minus the mean over evaluators with 10+
    evaluations; None for the thin ones) and the planted points."""
    rng = np.random.default_rng(seed)
    team_level = 72 + rng.normal(0, team_spread, teams)
    agent_level = np.repeat(team_level, agents_per_team) + rng.normal(0, 4, teams * agents_per_team)
    names = [f"E{i:03d}" for i in range(evaluators + thin)]
    planted = {
        name: float(rng.choice(leniencies)) if i < evaluators else 0.0
        for i, name in enumerate(names)
    }
    parts = []
    for i, name in enumerate(names):
        n = int(rng.integers(*evaluations)) if i < evaluators else int(rng.integers(2, 10))
        first = i % teams if i < teams else int(rng.integers(teams))
        share = rng.uniform(0.2, 0.8)
        team = np.where(rng.random(n) < share, first, (first + 1) % teams)
        agent = team * agents_per_team + rng.integers(0, agents_per_team, n)
        sd = rng.uniform(*noise)
        taste = rng.normal(0, liking, teams * agents_per_team) if liking else np.zeros(1)
        score = (
            agent_level[agent]
            + planted[name]
            + taste[agent if liking else 0]
            + rng.normal(0, sd, n)
        )
        parts.append((np.full(n, name), agent, np.clip(np.round(score), 0, 100)))
    evaluator = np.concatenate([p[0] for p in parts])
    agent = np.concatenate([p[1] for p in parts])
    score = np.concatenate([p[2] for p in parts])
    days = rng.integers(0, 300, len(score))
    frame = pd.DataFrame(
        {
            "evaluation_id": [f"ev{i}" for i in range(len(score))],
            "agent": [f"A{a:04d}" for a in agent],
            "evaluator": evaluator,
            "date": [(START + dt.timedelta(days=int(d))).isoformat() for d in days],
            "score": score.astype(int),
        }
    ).sample(frac=1.0, random_state=seed)
    counts = frame["evaluator"].value_counts()
    eligible = [n for n in names if counts.get(n, 0) >= 10]
    average = float(np.mean([planted[n] for n in eligible]))
    truth = {n: (planted[n] - average if n in eligible else None) for n in names}
    return frame.reset_index(drop=True), truth, planted
