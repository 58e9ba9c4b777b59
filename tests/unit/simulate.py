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
