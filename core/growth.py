"""Growth statistics as plain functions over data frames (no database, no Streamlit).

* Coaching effect of a note on day d (window W): mean of the agent's focus metric in d..d+W-1
  minus the mean in d-W..d-1, with a 95 % Welch interval; the season-adjusted effect subtracts
  the mean change of control agents (no note on that metric within d-W..d+W-1) over the same
  windows, and its interval adds both uncertainties.
* Worsening-trend flags: a Theil–Sen slope over the window with a one-sided Kendall trend test
  (robust to one bad day), flagged only when the trend is worse in the metric's own direction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from core.errors import InvalidInput
from core.models import METRICS

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


class _Series:
    """One agent's observations of one metric: sorted day numbers and prefix sums for O(log n)
    window means and variances."""

    def __init__(self, days: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(days, kind="stable")
        self.days = days[order]
        v = values[order].astype(float)
        self.s1 = np.concatenate([[0.0], np.cumsum(v)])
        self.s2 = np.concatenate([[0.0], np.cumsum(v * v)])

    def window(self, first: int, last: int) -> tuple[int, float, float]:
        """(count, mean, sample variance) of the values on days first..last inclusive."""
        i = int(np.searchsorted(self.days, first, side="left"))
        j = int(np.searchsorted(self.days, last, side="right"))
        n = j - i
        if n == 0:
            return 0, math.nan, math.nan
        total, squares = self.s1[j] - self.s1[i], self.s2[j] - self.s2[i]
        mean = total / n
        var = max(0.0, (squares - n * mean * mean) / (n - 1)) if n > 1 else math.nan
        return n, mean, var


def _day_numbers(dates: pd.Series) -> np.ndarray:
    return pd.to_datetime(dates).values.astype("datetime64[D]").astype(np.int64)


def _series_by_agent(observations: pd.DataFrame, metric: str) -> dict[str, _Series]:
    rows = observations[observations["metric"] == metric]
    days = _day_numbers(rows["date"])
    values = rows["value"].to_numpy(dtype=float)
    agents = rows["agent"].to_numpy()
    out: dict[str, _Series] = {}
    for agent in pd.unique(agents):
        mask = agents == agent
        out[str(agent)] = _Series(days[mask], values[mask])
    return out


def _welch(
    n1: int, m1: float, v1: float, n2: int, m2: float, v2: float
) -> tuple[float, float, float]:
    """(difference m2 - m1, its squared standard error, Welch degrees of freedom)."""
    a, b = v1 / n1, v2 / n2
    se2 = a + b
    df = se2 * se2 / ((a * a) / (n1 - 1) + (b * b) / (n2 - 1)) if se2 > 0 else float(n1 + n2 - 2)
    return m2 - m1, se2, df


def coaching_effects(
    observations: pd.DataFrame, notes: pd.DataFrame, *, window: int = 30
) -> list[NoteEffect]:
    """One estimate per note (see the module docstring). Frames: agent,date,metric,value and
    note,agent,date,metric."""
    results: list[NoteEffect] = []
    note_days = _day_numbers(notes["date"]) if len(notes) else np.array([], dtype=np.int64)
    for metric in pd.unique(notes["metric"]) if len(notes) else []:
        series = _series_by_agent(observations, str(metric))
        same_metric = notes["metric"].to_numpy() == metric
        m_agents = notes["agent"].to_numpy()[same_metric]
        m_days = note_days[same_metric]
        for (_, note), d in zip(notes[same_metric].iterrows(), m_days, strict=True):
            results.append(_one_effect(note, int(d), str(metric), series, m_agents, m_days, window))
    order = {str(n): i for i, n in enumerate(notes["note"])} if len(notes) else {}
    return sorted(results, key=lambda r: order[r.note])


def _one_effect(
    note: pd.Series,
    d: int,
    metric: str,
    series: dict[str, _Series],
    note_agents: np.ndarray,
    note_days: np.ndarray,
    window: int,
) -> NoteEffect:
    agent = str(note["agent"])
    own = series.get(agent)
    before = own.window(d - window, d - 1) if own else (0, math.nan, math.nan)
    after = own.window(d, d + window - 1) if own else (0, math.nan, math.nan)
    base = NoteEffect(str(note["note"]), agent, metric, before[0], after[0])
    if before[0] < MIN_OBSERVATIONS or after[0] < MIN_OBSERVATIONS:
        return base
    effect, se2, df = _welch(*before, *after)
    t = float(stats.t.ppf(0.975, df))
    half = t * math.sqrt(se2)
    # Control agents: no note on this metric within d-W .. d+W-1.
    busy = {
        str(a)
        for a, nd in zip(note_agents, note_days, strict=True)
        if d - window <= nd <= d + window - 1
    }
    changes = []
    for other, s in series.items():
        if other in busy:
            continue
        nb, mb, _ = s.window(d - window, d - 1)
        na, ma, _ = s.window(d, d + window - 1)
        if nb and na:
            changes.append(ma - mb)
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
        before[0],
        after[0],
        effect,
        effect - half,
        effect + half,
        adjusted,
        low,
        high,
        verdict,
    )


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
    from core.csvio import read_csv

    table = read_csv(data, required=columns)
    problems: list[str] = []
    records = []
    for row in table.rows:
        v = row.values
        reasons = []
        try:
            day = dt.date.fromisoformat(v["date"]) if len(v["date"]) == 10 else None
        except ValueError:
            day = None
        if day is None:
            reasons.append(f"bad date {v['date'][:40]!r}")
        if v["metric"] not in METRICS:
            reasons.append(f"unknown metric {v['metric'][:40]!r}")
        if not v["agent"]:
            reasons.append("agent missing")
        value: float | None = None
        if numeric:
            try:
                value = float(v[numeric])
                if not math.isfinite(value):
                    raise ValueError
            except ValueError:
                reasons.append(f"{numeric} {v[numeric][:40]!r} is not a number")
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        else:
            record = {c: v[c] for c in columns}
            record["date"] = day
            if numeric:
                record[numeric] = value
            records.append(record)
    if problems:
        raise InvalidInput(f"{len(problems)} line(s) cannot be read", problems)
    return pd.DataFrame.from_records(records, columns=list(columns))


@dataclass(frozen=True)
class TrendFlag:
    agent: str
    slope_per_30_days: float
    observations: int
    p_value: float
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "slope_per_30_days": round(self.slope_per_30_days, 3),
            "evidence": self.evidence,
        }


def trend_flags(
    observations: pd.DataFrame, *, metric: str, as_of: dt.date, window: int = 60
) -> list[TrendFlag]:
    """Agents whose `metric` is getting worse over as_of-W+1 .. as_of, most severe first."""
    info = METRICS[metric]
    first = as_of - dt.timedelta(days=window - 1)
    rows = observations[observations["metric"] == metric].copy()
    rows["day"] = pd.to_datetime(rows["date"]).dt.date
    rows = rows[(rows["day"] >= first) & (rows["day"] <= as_of)]
    flags: list[TrendFlag] = []
    for agent, group in rows.groupby("agent", sort=True):
        if len(group) < MIN_TREND_OBSERVATIONS:
            continue
        x = np.array([(d - first).days for d in group["day"]], dtype=float)
        y = group["value"].to_numpy(dtype=float)
        if np.ptp(x) == 0:
            continue
        worse = "less" if info.higher_is_better else "greater"
        test = stats.kendalltau(x, y, alternative=worse)
        if not (test.pvalue < TREND_ALPHA):
            continue
        slope = float(stats.theilslopes(y, x).slope) * 30
        direction = "fell" if slope < 0 else "rose"
        flags.append(
            TrendFlag(
                str(agent),
                slope,
                len(group),
                float(test.pvalue),
                f"{info.label} {direction} by {abs(slope):.3g} per 30 days over {len(group)} "
                f"observations from {first.isoformat()} to {as_of.isoformat()} (Theil–Sen slope; "
                f"Kendall trend test, one-sided p = {test.pvalue:.2g})",
            )
        )
    return sorted(flags, key=lambda f: f.p_value)
