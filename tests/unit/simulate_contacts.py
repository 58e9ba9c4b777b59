"""Simulated contact volumes with planted change effects, for the honesty checks of the
contact-effect estimator (core/voice/effect.py) and its benchmark.

Shaped as shared/spec/examples/README.md describes the public example: reasons over some months
with a weekday pattern, a slow growth and two two-week surges that lift every reason, each reason
wandering on its own, zero days with no row; ten changes and two thin ones (nine days of data
after the change; a reason with under one contact a day). The wander can be made harder than the
example's: `wander` picks white day-to-day noise ("white", like the public example), a slow AR(1)
drift ("ar") or a random walk ("walk"); `uneven` makes some reasons wander more than others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

START = dt.date(2026, 3, 2)
WEEKDAY = np.array([1.25, 1.08, 0.97, 0.94, 0.89, 0.5, 0.37])
EFFECTS = (-40.0, -30.0, -25.0, -20.0, -10.0, 0.0, 0.0, 0.0, 20.0, 30.0)
THIN_EFFECTS = (-40.0, -40.0)  # planted on the two thin changes, which must have no figures


@dataclass(frozen=True)
class PlantedChange:
    reason: str
    date: dt.date
    effect_pct: float
    thin: bool


@dataclass(frozen=True)
class ContactWorld:
    daily: dict[str, dict[dt.date, int]]  # zero days left out, as a file would
    changes: list[PlantedChange]

    @property
    def change_list(self) -> list[tuple[str, dt.date]]:
        return [(c.reason, c.date) for c in self.changes]


def _wander(rng: np.random.Generator, kind: str, days: int, scale: float) -> np.ndarray:
    """One reason's own log-level over the days (mean about 0)."""
    white = rng.normal(0.0, 0.22 * scale, days)
    if kind == "white":
        slow = np.cumsum(rng.normal(0.0, 0.002 * scale, days))
    elif kind == "ar":
        slow = np.zeros(days)
        phi, sd = 0.97, 0.035 * scale
        slow[0] = rng.normal(0.0, sd / np.sqrt(1 - phi**2))
        for t in range(1, days):
            slow[t] = phi * slow[t - 1] + rng.normal(0.0, sd)
    elif kind == "walk":
        slow = np.cumsum(rng.normal(0.0, 0.012 * scale, days))
    else:
        raise ValueError(kind)
    return white + slow - slow.mean()


def contact_world(
    seed: int,
    *,
    reasons: int = 24,
    days: int = 210,
    wander: str = "white",
    uneven: bool = False,
    effects: Sequence[float] = EFFECTS,
    thin: bool = True,
    surge_spread: float = 0.0,
) -> ContactWorld:
    """One simulated file: `reasons` reasons over `days` days and one change per effect in
    `effects` on distinct reasons, and two thin ones more (THIN_EFFECTS) when `thin`. With `surge_spread` the
    surges lift reasons unevenly (the sd of each reason's exponent on the surge factor)."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    weekday = WEEKDAY[(START.weekday() + t) % 7]
    growth = np.exp(rng.uniform(0.2, 0.5) * t / 365)
    shared = weekday * growth
    surges = []
    for _ in range(2):  # two two-week surges lifting every reason
        at = int(rng.integers(0, days - 14))
        surges.append((at, rng.uniform(1.2, 1.5)))
        shared[at : at + 14] *= surges[-1][1]
    names = [f"reason {i:03d}" for i in range(reasons)]
    base = np.exp(rng.uniform(np.log(8), np.log(80), reasons))
    effects = (*effects, *THIN_EFFECTS) if thin else tuple(effects)
    n_changes = len(effects)
    changed = rng.choice(reasons, size=n_changes, replace=False)
    changes: list[PlantedChange] = []
    level = np.empty((reasons, days))
    for i in range(reasons):
        scale = rng.uniform(0.5, 1.6) if uneven else 1.0
        own_weekday = np.exp(rng.normal(0.0, 0.04, 7))[(START.weekday() + t) % 7]
        level[i] = base[i] * shared * own_weekday * np.exp(_wander(rng, wander, days, scale))
        if surge_spread:
            for at, factor in surges:
                level[i, at : at + 14] *= factor ** rng.normal(0.0, surge_spread)
    for k, (i, effect) in enumerate(zip(changed, effects, strict=True)):
        is_thin = thin and k >= n_changes - 2
        # the first thin change has nine days of data after it
        day = days - 9 if is_thin and k == n_changes - 2 else int(rng.integers(35, days - 35))
        if is_thin and k == n_changes - 1:
            base_rate = rng.uniform(0.3, 0.9)  # under one contact a day
            level[i] *= base_rate / level[i].mean()
        level[i, day:] *= 1 + effect / 100
        changes.append(PlantedChange(names[i], START + dt.timedelta(days=day), effect, is_thin))
    counts = rng.poisson(level)
    daily = {
        name: {
            START + dt.timedelta(days=int(d)): int(counts[i, d]) for d in np.flatnonzero(counts[i])
        }
        for i, name in enumerate(names)
    }
    return ContactWorld(daily, changes)


def write_csvs(world: ContactWorld, contacts_path: str, changes_path: str) -> None:
    """The world as the CLI's two files (a channel column the contract ignores)."""
    with open(contacts_path, "w", encoding="utf-8") as out:
        out.write("reason,date,contacts,channel\n")
        for reason, days in world.daily.items():
            for day, n in days.items():
                out.write(f"{reason},{day.isoformat()},{n},phone\n")
    with open(changes_path, "w", encoding="utf-8") as out:
        out.write("reason,date,label\n")
        for c in world.changes:
            out.write(f"{c.reason},{c.date.isoformat()},fix for {c.reason}\n")
