"""Growth statistics as plain functions over data frames (no database, no Streamlit).

* Coaching effect of a note on day d (window W): mean of the agent's focus metric in d..d+W-1
  minus the mean in d-W..d-1, with a 95 % Welch interval; the season-adjusted effect subtracts
  the mean change of control agents (no note on that metric within d-W..d+W-1) over the same
  windows, and its interval adds both uncertainties.
* Worsening-trend flags: a Theil–Sen slope over the window with a one-sided Mann–Kendall test
  (robust to one bad day), flagged only when the trend is worse in the metric's own direction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from core.models import METRICS
from core.platform.errors import InvalidInput

MIN_OBSERVATIONS = 5
TREND_ALPHA = 0.01  # one-sided: ≤ 1 % false alarms per flat agent by design
MIN_TREND_OBSERVATIONS = 8


@dataclass(frozen=True)
class NoteEffect:
    note: str
    agent: str
    metric: str
    before_n: int
    after_n: int
    effect: float | None = None
    low: float | None = None
    high: float | None = None
    adjusted_effect: float | None = None
    adjusted_low: float | None = None
    adjusted_high: float | None = None
    verdict: str = "not enough data"

    def to_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "note": self.note,
            "agent": self.agent,
            "metric": self.metric,
            "before_n": self.before_n,
            "after_n": self.after_n,
            "effect": r(self.effect),
            "low": r(self.low),
            "high": r(self.high),
            "adjusted_effect": r(self.adjusted_effect),
            "adjusted_low": r(self.adjusted_low),
            "adjusted_high": r(self.adjusted_high),
            "verdict": self.verdict,
        }


class _DayGrid:
    """Observations of one metric on a dense agent × day grid of prefix sums, so that any
    window's count, mean and variance is O(1) per agent and vectorised across agents."""

    def __init__(
        self, observations: pd.DataFrame, metric: str, first_day: int, last_day: int
    ) -> None:
        rows = observations[observations["metric"] == metric]
        codes, uniques = pd.factorize(rows["agent"].astype(str))
        self.agents = [str(a) for a in uniques]
        self.index = {a: i for i, a in enumerate(self.agents)}
        self.first = first_day
        width = last_day - first_day + 2
        days = _day_numbers(rows["date"]) - first_day
        keep = (days >= 0) & (days < width - 1)
        agent_idx = codes.astype(np.int64)[keep]
        days = days[keep]
        values = rows["value"].to_numpy(dtype=float)[keep]
        shape = (len(self.agents), width)
        count, total, squares = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        np.add.at(count, (agent_idx, days + 1), 1.0)
        np.add.at(total, (agent_idx, days + 1), values)
        np.add.at(squares, (agent_idx, days + 1), values * values)
        self.c, self.s1, self.s2 = (
            count.cumsum(axis=1),
            total.cumsum(axis=1),
            squares.cumsum(axis=1),
        )

    def window(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per agent: count, mean and sample variance over days first..last inclusive."""
        lo = min(max(first - self.first, 0), self.c.shape[1] - 1)
        hi = min(max(last - self.first + 1, 0), self.c.shape[1] - 1)
        n = self.c[:, hi] - self.c[:, lo]
        total = self.s1[:, hi] - self.s1[:, lo]
        squares = self.s2[:, hi] - self.s2[:, lo]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / n
            var = np.maximum(0.0, (squares - n * mean * mean) / (n - 1))
        return n, mean, var


def _day_numbers(dates: pd.Series) -> np.ndarray:
    if dates.dtype == object and len(dates) and isinstance(dates.iloc[0], str):
        dates = pd.to_datetime(dates, format="%Y-%m-%d")
    return np.asarray(pd.to_datetime(dates).values.astype("datetime64[D]"), dtype=np.int64)


def _welch(
    n1: int, m1: float, v1: float, n2: int, m2: float, v2: float
) -> tuple[float, float, float]:
    """(difference m2 - m1, its squared standard error, Welch degrees of freedom)."""
    a, b = v1 / n1, v2 / n2
    se2 = a + b
    df = se2 * se2 / ((a * a) / (n1 - 1) + (b * b) / (n2 - 1)) if se2 > 0 else float(n1 + n2 - 2)
    return m2 - m1, se2, df


def coaching_effects(
    observations: pd.DataFrame,
    notes: pd.DataFrame,
    *,
    window: int = 30,
    team_of: dict[str, str] | None = None,
) -> list[NoteEffect]:
    """One estimate per note (see the module docstring). Frames: agent,date,metric,value and
    note,agent,date,metric. With `team_of`, control agents come from the coached agent's own
    team when it has at least MIN_CONTROLS of them (the team's own drift), else from everyone."""
    if not len(notes):
        return []
    note_days = _day_numbers(notes["date"])
    obs_days = _day_numbers(observations["date"]) if len(observations) else note_days
    first = int(min(obs_days.min(), note_days.min()) - window)
    last = int(max(obs_days.max(), note_days.max()) + window)
    results: dict[str, NoteEffect] = {}
    for metric in pd.unique(notes["metric"]):
        grid = _DayGrid(observations, str(metric), first, last)
        same = (notes["metric"] == metric).to_numpy()
        m_agents = notes["agent"].astype(str).to_numpy()[same]
        m_ids = notes["note"].astype(str).to_numpy()[same]
        m_days = note_days[same]
        m_rows = np.array([grid.index.get(a, -1) for a in m_agents], dtype=np.int64)
        teams = np.array([(team_of or {}).get(a, "") for a in grid.agents])
        for note_id, agent, d in zip(m_ids, m_agents, m_days, strict=True):
            effect = _one_effect(
                note_id, agent, int(d), str(metric), grid, m_rows, m_days, window, teams, team_of
            )
            results[effect.note] = effect
    return [results[str(n)] for n in notes["note"]]


MIN_CONTROLS = 5


def _one_effect(
    note_id: str,
    agent: str,
    d: int,
    metric: str,
    grid: _DayGrid,
    note_rows: np.ndarray,
    note_days: np.ndarray,
    window: int,
    teams: np.ndarray,
    team_of: dict[str, str] | None,
) -> NoteEffect:
    nb, mb, vb = grid.window(d - window, d - 1)
    na, ma, va = grid.window(d, d + window - 1)
    row = grid.index.get(agent)
    before_n = int(nb[row]) if row is not None else 0
    after_n = int(na[row]) if row is not None else 0
    base = NoteEffect(note_id, agent, metric, before_n, after_n)
    if before_n < MIN_OBSERVATIONS or after_n < MIN_OBSERVATIONS:
        return base
    assert row is not None
    effect, se2, df = _welch(
        before_n, float(mb[row]), float(vb[row]), after_n, float(ma[row]), float(va[row])
    )
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(se2)
    # Control agents: no note on this metric within d-W .. d+W-1, observed in both windows.
    busy = note_rows[(note_days >= d - window) & (note_days <= d + window - 1)]
    control = (nb > 0) & (na > 0)
    control[busy[busy >= 0]] = False
    if team_of is not None:
        own_team = control & (teams == team_of.get(agent, ""))
        if own_team.sum() >= MIN_CONTROLS:
            control = own_team
    changes = (ma - mb)[control]
    if len(changes) >= 2:
        drift = float(np.mean(changes))
        drift_se2 = float(np.var(changes, ddof=1)) / len(changes)
        adj_se2 = se2 + drift_se2
        # Welch–Satterthwaite for the sum of the two independent variance estimates.
        adj_df = (
            adj_se2**2 / (se2**2 / df + drift_se2**2 / (len(changes) - 1)) if adj_se2 > 0 else df
        )
    else:
        drift, adj_se2, adj_df = 0.0, se2, df
    adjusted = effect - drift
    adj_half = float(stats.t.ppf(0.975, adj_df)) * math.sqrt(adj_se2)
    low, high = adjusted - adj_half, adjusted + adj_half
    better_up = METRICS[metric].higher_is_better if metric in METRICS else True
    if (low > 0 and better_up) or (high < 0 and not better_up):
        verdict = "improved"
    elif (high < 0 and better_up) or (low > 0 and not better_up):
        verdict = "declined"
    else:
        verdict = "no change"
    return NoteEffect(
        base.note,
        agent,
        metric,
        before_n,
        after_n,
        effect,
        effect - half,
        effect + half,
        adjusted,
        low,
        high,
        verdict,
    )


@dataclass(frozen=True)
class GroupEffect:
    group: str
    notes: int
    mean: float
    low: float
    high: float


def aggregate_effects(
    effects: list[NoteEffect], groups: dict[str, str], *, min_notes: int = 3
) -> list[GroupEffect]:
    """Mean season-adjusted effect per group (focus area, coach, team) with a 95 % t interval
    over its notes; groups with fewer than `min_notes` estimable notes are left out."""
    by_group: dict[str, list[float]] = {}
    for e in effects:
        if e.adjusted_effect is not None and e.note in groups:
            by_group.setdefault(groups[e.note], []).append(e.adjusted_effect)
    out = []
    for group, values in sorted(by_group.items()):
        if len(values) < min_notes:
            continue
        mean = float(np.mean(values))
        half = (
            float(stats.t.ppf(0.975, len(values) - 1))
            * float(np.std(values, ddof=1))
            / math.sqrt(len(values))
        )
        out.append(GroupEffect(group, len(values), mean, mean - half, mean + half))
    return out


def note_counts(effects: list[NoteEffect], groups: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Per group: its notes, and how many of them have enough scores around them to estimate
    (what aggregate_effects averages; a group below its minimum is "too early to tell")."""
    counts: dict[str, tuple[int, int]] = {}
    for e in effects:
        if e.note in groups:
            notes, estimable = counts.get(groups[e.note], (0, 0))
            counts[groups[e.note]] = (notes + 1, estimable + (e.adjusted_effect is not None))
    return counts


def read_observations_csv(data: bytes) -> pd.DataFrame:
    """agent,date,metric,value rows as a frame; bad rows raise InvalidInput by line."""
    return _read_frame(data, ("agent", "date", "metric", "value"), numeric="value")


def read_notes_csv(data: bytes) -> pd.DataFrame:
    """note,agent,date,metric rows as a frame; bad rows raise InvalidInput by line."""
    frame = _read_frame(data, ("note", "agent", "date", "metric"), numeric=None)
    duplicated = frame[frame["note"].duplicated()]
    if len(duplicated):
        raise InvalidInput(
            "Note ids must be unique.", [f"note {n} is listed twice" for n in duplicated["note"]]
        )
    return frame


def _read_frame(data: bytes, columns: tuple[str, ...], numeric: str | None) -> pd.DataFrame:
    from core.platform.csvio import line_of, read_csv
    from core.platform.parsing import read_date, read_number

    table = read_csv(data, required=columns)
    problems = list(table.problems)
    records = []
    for row in table.rows:
        v = row.values
        reasons = []
        day, problem = read_date(v["date"])
        if problem:
            reasons.append(problem)
        if v["metric"] not in METRICS:
            reasons.append(f"unknown metric {v['metric'][:40]!r}")
        if not v["agent"]:
            reasons.append("agent missing")
        value: float | None = None
        if numeric:
            value, problem = read_number(v[numeric], numeric)
            if problem:
                reasons.append(problem)
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        else:
            record: dict[str, object] = {c: v[c] for c in columns}
            record["date"] = day
            if numeric:
                record[numeric] = value
            records.append(record)
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"{len(problems)} line(s) cannot be read", problems)
    return pd.DataFrame.from_records(records, columns=list(columns))


def _mann_kendall(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The Mann–Kendall statistic S (positive when y rises as x grows) and its variance under
    no trend, with the tie correction."""
    order = np.argsort(x, kind="stable")
    y = y[order]
    n = len(y)
    s = float(np.triu(np.sign(y[None, :] - y[:, None]), 1).sum())
    _, ties = np.unique(y, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - float((ties * (ties - 1) * (2 * ties + 5)).sum())) / 18
    return s, var


def _one_sided_p(s: float, var: float) -> float:
    """P(S this large or larger) under no trend: normal approximation, continuity-corrected."""
    if var <= 0:
        return 1.0
    z = (s - 1) / math.sqrt(var) if s > 0 else (s + 1) / math.sqrt(var) if s < 0 else 0.0
    # The standard normal's upper tail (scipy's norm.sf computes the same erfc), without
    # scipy's per-call overhead: a manager's My day tests every agent in every metric.
    return 0.5 * math.erfc(z / math.sqrt(2))


def mann_kendall_p(x: np.ndarray, y: np.ndarray, *, worse_is_down: bool) -> float:
    """One-sided p-value of the Mann–Kendall trend test (normal approximation with the tie
    correction and continuity correction) that y moves in the worse direction as x grows."""
    s, var = _mann_kendall(x, y)
    return _one_sided_p(-s if worse_is_down else s, var)


class Direction(StrEnum):
    """Where an agent's measure is heading over the trend window, in the measure's own sense
    of better (a falling handle time is improving)."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STEADY = "steady"
    TOO_LITTLE_DATA = "not enough data"


@dataclass(frozen=True)
class AgentTrend:
    """One agent's trend in one metric over first..as_of. The slope (per 30 days, Theil–Sen,
    with its 95 % interval) is computed only for a trend the test finds; the p-values are the
    one-sided Mann–Kendall tests that the measure gets worse and that it gets better."""

    agent: str
    metric: str
    observations: int
    first: dt.date
    as_of: dt.date
    direction: Direction
    p_worse: float | None = None
    p_better: float | None = None
    slope_per_30_days: float | None = None
    slope_low: float | None = None
    slope_high: float | None = None

    @property
    def p_value(self) -> float | None:
        """The p-value of the direction found (None when steady or too little data)."""
        if self.direction is Direction.WORSENING:
            return self.p_worse
        if self.direction is Direction.IMPROVING:
            return self.p_better
        return None


def agent_trends(
    observations: pd.DataFrame,
    *,
    metric: str,
    as_of: dt.date,
    window: int = 60,
    alpha: float = TREND_ALPHA,
) -> list[AgentTrend]:
    """Every agent with observations of `metric` in as_of-W+1 .. as_of: getting better, getting
    worse (each a one-sided test at `alpha`, robust to one bad day), steady, or too few
    observations (< MIN_TREND_OBSERVATIONS) to tell. In the order of the agents' ids as text."""
    info = METRICS[metric]
    first = as_of - dt.timedelta(days=window - 1)
    rows = observations[observations["metric"] == metric]
    days = _day_numbers(rows["date"]) - int(np.datetime64(first, "D").astype(np.int64))
    keep = (days >= 0) & (days < window)
    agents = rows["agent"].astype(str).to_numpy()[keep]
    x_all, y_all = days[keep].astype(float), rows["value"].to_numpy(dtype=float)[keep]
    order = np.lexsort((x_all, agents))
    agents, x_all, y_all = agents[order], x_all[order], y_all[order]
    names, starts = np.unique(agents, return_index=True)
    trends: list[AgentTrend] = []
    for agent, x, y in zip(
        names, np.split(x_all, starts[1:]), np.split(y_all, starts[1:]), strict=True
    ):
        base = AgentTrend(str(agent), metric, len(y), first, as_of, Direction.TOO_LITTLE_DATA)
        if len(y) < MIN_TREND_OBSERVATIONS or np.ptp(x) == 0:
            trends.append(base)
            continue
        s, var = _mann_kendall(x, y)
        rising, falling = _one_sided_p(s, var), _one_sided_p(-s, var)
        p_worse, p_better = (falling, rising) if info.higher_is_better else (rising, falling)
        if p_worse < alpha:
            direction = Direction.WORSENING
        elif p_better < alpha:
            direction = Direction.IMPROVING
        else:
            trends.append(
                replace(base, direction=Direction.STEADY, p_worse=p_worse, p_better=p_better)
            )
            continue
        fit = stats.theilslopes(y, x, alpha=0.95)
        trends.append(
            replace(
                base,
                direction=direction,
                p_worse=p_worse,
                p_better=p_better,
                slope_per_30_days=float(fit.slope) * 30,
                slope_low=float(fit.low_slope) * 30,
                slope_high=float(fit.high_slope) * 30,
            )
        )
    return trends
