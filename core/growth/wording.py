"""Growth results in plain words: the sentences, units and rounding a team lead reads, built
from the statistics of core.growth.statistics (pure functions, no database, no Streamlit).

Every amount is in the metric's own units (METRICS): points of the QA score and of the CSAT and
effort scales, percentage points of a share (first-contact resolution, repeat contacts), seconds
or minutes of handle time. "Better" follows each metric's direction, so a falling handle time
reads as an improvement."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.growth.statistics import AgentTrend, Direction, GroupEffect, agent_trends
from core.models import METRICS


@dataclass(frozen=True)
class Display:
    """How a metric is shown: values are multiplied by `factor` into `unit`, levels keep
    `decimals`, a change is counted in `points`, and charts use the fixed axis `axis`."""

    factor: float
    unit: str  # of a level: "%", "minutes", "" (a score on its own scale)
    decimals: int
    points: str  # the unit of a change: "point", "percentage point", "second"
    axis: tuple[float, float]
    scale: str  # said under a chart: why the axis runs where it does


DISPLAY: dict[str, Display] = {
    "qa_score": Display(1, "%", 1, "point", (0, 100), "the whole 0–100 scale"),
    "csat": Display(1, "", 2, "point", (1, 5), "the whole 1–5 scale"),
    "fcr": Display(100, "%", 1, "percentage point", (0, 100), "0–100 %"),
    "repeat_contact_rate": Display(
        100, "%", 1, "percentage point", (0, 40), "0–40 % (repeat contacts rarely pass 40 %)"
    ),
    "aht_seconds": Display(
        1 / 60, "minutes", 1, "second", (0, 15), "0–15 minutes (longer if a value is higher)"
    ),
    "ces": Display(1, "", 2, "point", (1, 7), "the whole 1–7 scale"),
}


def measure(metric: str) -> str:
    """The metric's name inside a sentence: "QA score", "CSAT", "first-contact resolution"."""
    label = METRICS[metric].label
    return label if len(label) > 1 and label[1].isupper() else label[0].lower() + label[1:]


def _plural(n: float, word: str) -> str:
    return word if n == 1 else word + "s"


def amount(metric: str, change: float, *, rough: bool = False) -> str:
    """The size of a change (sign ignored), rounded to what matters: "6 points", "2.4 points",
    "0.2 points", "4 percentage points", "35 seconds", "2.5 minutes". A `rough` amount (said
    with "about") keeps whole numbers from 2 up; otherwise one decimal below 10."""
    info = DISPLAY[metric]
    size = abs(change)
    if metric == "aht_seconds":
        if size >= 120:
            minutes = round(size / 60, 1)
            return f"{minutes:g} {_plural(minutes, 'minute')}"
        seconds = round(size)
        return f"{seconds} {_plural(seconds, 'second')}"
    size *= info.factor
    if size >= (2 if rough else 10):
        value: float = round(size)
    elif size >= 0.1 or size == 0:
        value = round(size, 1)
    else:
        value = float(f"{size:.1g}")
    return f"{value:g} {_plural(value, info.points)}"


def signed_amount(metric: str, change: float) -> str:
    """A change with its sign: "+6 points", "−30 seconds"."""
    return ("+" if change >= 0 else "−") + amount(metric, change)


def level(metric: str, value: float) -> float:
    """A value in the units it is shown in (shares as %, handle time in minutes), rounded."""
    info = DISPLAY[metric]
    return round(value * info.factor, info.decimals)


def data_axis(metric: str, shown: Iterable[float]) -> tuple[float, float]:
    """The y axis of a team-growth chart, from values already in display units: the data's
    own range with a margin, so that a team moving from 81 % to 86 % does not look flat on the
    whole 0–100 scale, never beyond what the metric can be (a share below 0 %, CSAT above 5).
    The axis is said beside the chart (`axis_sentence`): the reader knows it is not the whole
    scale."""
    info, values = DISPLAY[metric], [v for v in shown if not math.isnan(v)]
    metric_info = METRICS[metric]
    floor = metric_info.low * info.factor
    ceiling = metric_info.high * info.factor
    if not values:
        return info.axis
    low, high = min(values), max(values)
    # A margin of a fifth of the spread, and at least 2 % of the whole scale each side, so
    # that one flat line sits mid-chart rather than on an edge.
    whole = info.axis[1] - info.axis[0]
    margin = max((high - low) / 5, whole / 50)
    low, high = max(floor, low - margin), min(ceiling, high + margin)
    step = 10 ** math.floor(math.log10(max((high - low) / 2, 1e-9)))  # outwards to a tidy tick
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    return (round(max(floor, low), 6), round(min(ceiling, high), 6))


def axis_sentence(metric: str, axis: tuple[float, float]) -> str:
    """What a chart's axis spans, said under it: "The axis runs from 70 % to 95 % (not the
    whole 0–100 scale), so small differences look larger than they are."."""
    info = DISPLAY[metric]
    if tuple(axis) == info.axis:
        return f"The axis runs over {info.scale}."

    def shown(value: float) -> str:
        return f"{value:g} %" if info.unit == "%" else f"{value:g} {info.unit}".strip()

    return (
        f"The axis runs from {shown(axis[0])} to {shown(axis[1])}, the range of these figures, "
        f"not the usual {shown(info.axis[0])} to {shown(info.axis[1])}: differences look "
        "larger than they would on the whole scale."
    )


def level_text(metric: str, value: float) -> str:
    """A value as read aloud: "84.6 %", "4.21", "7.1 minutes"."""
    unit = DISPLAY[metric].unit
    shown = f"{level(metric, value):g}"
    return f"{shown} %" if unit == "%" else f"{shown} {unit}" if unit else shown


def level_label(metric: str) -> str:
    """A column or axis title for the metric's values: "QA score (%)", "CSAT (1–5)"."""
    info, unit = METRICS[metric], DISPLAY[metric].unit
    return f"{info.label} ({unit or info.unit})"


def count_text(metric: str, n: int) -> str:
    """How many observations a statement rests on: "25 scores", "9 weekly figures"."""
    return f"{n} {_plural(n, 'score')}" if metric == "qa_score" else f"{n} {_plural(n, 'figure')}"


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B}"


def possessive(name: str) -> str:
    return f"{name}'s"


def trend_headline(metric: str, slope_per_30_days: float) -> str:
    """ "QA score fell about 6 points a month": a trend in the metric's own units."""
    verb = "fell" if slope_per_30_days < 0 else "rose"
    return (
        f"{METRICS[metric].label} {verb} about {amount(metric, slope_per_30_days, rough=True)} "
        "a month"
    )


def trend_sentence(name: str, trend: AgentTrend) -> str:
    """ "Pamela Berry's QA score has fallen about 5 points a month since 26 September
    (25 scores)"; for a lower-is-better metric the sentence says whether that is better."""
    what = f"{possessive(name)} {measure(trend.metric)}"
    since = f"since {day_text(trend.first)} ({count_text(trend.metric, trend.observations)})"
    if trend.direction is Direction.TOO_LITTLE_DATA:
        return f"{what}: not enough data yet ({count_text(trend.metric, trend.observations)})"
    if trend.direction is Direction.STEADY or trend.slope_per_30_days is None:
        return f"{what} has held steady {since}"
    slope = trend.slope_per_30_days
    verb = "fallen" if slope < 0 else "risen"
    sentence = f"{what} has {verb} about {amount(trend.metric, slope, rough=True)} a month {since}"
    if not METRICS[trend.metric].higher_is_better:
        better = trend.direction is Direction.IMPROVING
        sentence += ", which is better" if better else ", which is worse"
    return sentence


def too_little_sentence(name: str, observations: int, window: int) -> str:
    """An agent the ranking leaves out: "Sam Lee: not enough data yet (3 scores)"."""
    if observations == 0:
        return f"{name}: no scores in the last {window} days yet"
    return f"{name}: not enough data yet ({observations} {_plural(observations, 'score')})"


def interval_text(metric: str, low: float, high: float) -> str:
    """A 95 % interval of a change in words: "between −2 points and +5 points"."""
    return f"between {signed_amount(metric, low)} and {signed_amount(metric, high)}"


def coaching_sentence(
    metric: str, where: str, group: GroupEffect | None, notes: int, estimable: int
) -> str:
    """Whether coaching on `metric` (in a team, by a coach, …: `where`) is working, from the
    season-adjusted effects of its notes: "Coaching on first-contact resolution in Billing
    Care 1 is working: +6 percentage points on average after a note, more than the season
    explains (12 notes)" — or "too early to tell: 3 notes"."""
    subject = f"Coaching on {measure(metric)}" + (f" {where}" if where else "")
    if group is None or not math.isfinite(group.mean):
        scored = (
            ""
            if estimable == notes
            else f", {estimable} with enough scores before and after to compare"
        )
        return f"{subject}: too early to tell ({notes} {_plural(notes, 'note')}{scored})"
    better_up = METRICS[metric].higher_is_better
    change = f"{signed_amount(metric, group.mean)} on average after a note"
    count = f"({group.notes} {_plural(group.notes, 'note')})"
    good_side = group.low > 0 if better_up else group.high < 0
    bad_side = group.high < 0 if better_up else group.low > 0
    if good_side:
        return f"{subject} is working: {change}, more than the season explains {count}"
    if bad_side:
        return f"{subject} is not helping so far: {change}, worse than the season explains {count}"
    return (
        f"{subject} shows no clear change yet: {change}, no more than scores move anyway "
        f"without a note {count}"
    )


def growth_sentence(name: str, trends: tuple[AgentTrend, ...]) -> str:
    """One agent's found trends in one sentence, the strongest first: "Mark Meza's QA score has
    risen about 6 points a month since 26 September (33 scores); CSAT has risen about 0.1 points
    a month (9 figures)"."""
    if not trends:
        return f"{name}: steady in every measure"
    parts = [trend_sentence(name, trends[0])]
    for trend in trends[1:]:
        own = trend_sentence(name, trend).removeprefix(f"{possessive(name)} ")
        parts.append(own.replace(f" since {day_text(trend.first)}", ""))
    return "; ".join(parts)


def ranking_summary(
    improving: int,
    worsening: int,
    steady: int,
    too_little: int,
    first: dt.date,
    as_of: dt.date,
    *,
    both: int = 0,
) -> str:
    """ "Over the last 60 days (26 September to 24 November; …): 2 agents improved, 2 got worse in a measure, 36 held
    steady and 1 has too little data to tell." An agent better in one measure and worse in
    another is in both lists: `both` says how many, so the numbers add up."""

    def agents(n: int) -> str:
        return "no agents" if n == 0 else f"{n} {_plural(n, 'agent')}"

    worse = f"{agents(worsening)} got worse in a measure"
    if both:
        worse += f" ({both} of them improved in another)"
    parts = [f"{agents(improving)} improved", worse]
    parts.append(f"{agents(steady)} held steady")
    if too_little:
        parts.append(
            f"{agents(too_little)} {'has' if too_little == 1 else 'have'} too little data to tell"
        )
    days = (as_of - first).days + 1
    return (
        f"Over the last {days} days ({day_text(first)} to {day_text(as_of)}; the period chosen "
        "above sets the charts): " + ", ".join(parts[:-1]) + f" and {parts[-1]}."
    )


# ------------------------------------------------------------- falling trends as flags


@dataclass(frozen=True)
class TrendFlag:
    agent: str
    slope_per_30_days: float
    observations: int
    p_value: float
    evidence: str
    headline: str  # "QA score fell about 6 points a month": the plain-language start

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "slope_per_30_days": round(self.slope_per_30_days, 3),
            "evidence": self.evidence,
        }


def flag_of(trend: AgentTrend) -> TrendFlag:
    """A worsening trend as a check-in flag: a plain headline, and the evidence with the test
    behind it (for the CLI's JSON and the page's "How we worked this out")."""
    assert trend.slope_per_30_days is not None and trend.p_worse is not None
    slope, p_value = trend.slope_per_30_days, trend.p_worse
    label = METRICS[trend.metric].label
    direction = "fell" if slope < 0 else "rose"
    return TrendFlag(
        trend.agent,
        slope,
        trend.observations,
        p_value,
        f"{label} {direction} by {abs(slope):.3g} per 30 days over {trend.observations} "
        f"observations from {trend.first.isoformat()} to {trend.as_of.isoformat()} (Theil–Sen "
        f"slope; Mann–Kendall trend test, one-sided p = {p_value:.2g})",
        trend_headline(trend.metric, slope),
    )


def trend_flags(
    observations: pd.DataFrame, *, metric: str, as_of: dt.date, window: int = 60
) -> list[TrendFlag]:
    """Agents whose `metric` is getting worse over as_of-W+1 .. as_of, most severe first."""
    worsening = [
        t
        for t in agent_trends(observations, metric=metric, as_of=as_of, window=window)
        if t.direction is Direction.WORSENING
    ]
    return [flag_of(t) for t in sorted(worsening, key=lambda t: t.p_worse or 0.0)]
