"""Shared widgets and figure builders for the pages."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

from core.growth.wording import DISPLAY
from core.home.glance import GLANCE_METRICS, GlanceRow, MetricChange
from core.models import METRICS
from core.platform.clock import today
from core.quality.evaluations import score_text

K = TypeVar("K")


def format_metric(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric in ("fcr", "repeat_contact_rate"):
        return f"{value:.0%}"
    if metric == "aht_seconds":
        return f"{int(value) // 60}:{int(value) % 60:02d}"
    if metric == "qa_score":
        return f"{value:.1f}%"  # as the charts and evaluations write it
    return f"{value:.2f}"


def day_text(day: dt.date | None, *, empty: str = "—") -> str:
    """A date as people write it: "Mon 23 Nov", with the year when it is not this year's."""
    if day is None:
        return empty
    return f"{day:%a %-d %b}" + ("" if day.year == today().year else f" {day.year}")


def qa_score_text(score: float | None, *, auto_fail: bool = False, empty: str = "—") -> str:
    """A QA score in whole points; a 0 that a missed critical item forced says so."""
    if score is None:
        return empty
    if auto_fail:
        return f"{score_text(score)} — auto-fail: critical item missed"
    return score_text(score)


def delta_shown(
    metric: str, delta: float | None
) -> tuple[str | None, Literal["normal", "inverse", "off"]]:
    """A metric card's change and its colouring: a change that rounds to nothing reads "±0"
    with no arrow colour (a red "+0%" reads as a loss)."""
    color: Literal["normal", "inverse", "off"] = (
        "normal" if METRICS[metric].higher_is_better else "inverse"
    )
    if delta is None:
        return None, color
    amount = format_metric(metric, abs(delta))
    if amount.endswith("%"):  # a change of a percentage is in points: "+4%" reads as relative
        amount = amount.removesuffix("%") + " pts"
    if not any(ch in "123456789" for ch in amount):  # rounds to nothing
        return f"±{amount}", "off"
    return ("+" if delta >= 0 else "-") + amount, color


def metric_cards(changes: Sequence[MetricChange]) -> None:
    shown = [c for c in changes if c.current is not None]
    if not shown:
        st.info(
            "No quality data for the last four weeks yet. Scores appear here once they are imported."
        )
        return
    for column, change in zip(st.columns(len(shown)), shown, strict=True):
        delta, color = delta_shown(change.metric, change.delta)
        column.metric(
            change.label,
            format_metric(change.metric, change.current),
            delta=delta,
            delta_color=color,
            help=f"Mean of {change.count} observations in the last 4 weeks, against the 4 weeks before.",
            border=True,
        )


def glance_frame(
    rows: Sequence[GlanceRow],
    name_label: str,
    with_agents: bool,
    labels: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """One row per team or agent; `labels` (core.people.org.person_labels) tells agents apart."""
    data = []
    for row in rows:
        record: dict[str, object] = {name_label: (labels or {}).get(row.id, row.name)}
        if with_agents:
            record["Agents"] = row.agents
        for metric in GLANCE_METRICS:
            record[METRICS[metric].label] = format_metric(metric, row.values.get(metric))
        data.append(record)
    return pd.DataFrame(data)


def has_points(figure: go.Figure) -> bool:
    """Whether any trace of `figure` has a value to draw (a NaN or None is no value)."""

    def values(data: Any) -> Iterator[Any]:
        for item in data if data is not None else ():
            if isinstance(item, list | tuple):
                yield from values(item)
            else:
                yield item

    for trace in figure.data:
        for name in ("z", "y", "values", "x"):
            data = getattr(trace, name, None)
            if data is not None:
                if any(v is not None and not pd.isna(v) for v in values(data)):
                    return True
                break  # the first of these a trace has carries its values
    return False


class Prebuilt(BaseFigure):  # type: ignore[misc]  # plotly is untyped
    """A figure built (and checked by Plotly) once, kept as the plain dictionary Plotly made of it,
    for `st.plotly_chart` to send as it is.

    `st.plotly_chart` checks every figure it is given again: a dictionary is rebuilt as a Figure,
    every property validated (0.1 s for a page of small charts, on every rerun of every session),
    and a Figure is deep-copied into a dictionary. This one skips both: its dictionary is the
    cached one, shared by every session and never changed (Streamlit only serialises it)."""

    def __init__(self, spec: dict[str, Any]) -> None:  # no BaseFigure.__init__: nothing to redo
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        return self._spec


@functools.lru_cache(maxsize=2048)
def built(make: Callable[..., go.Figure], *args: Hashable) -> tuple[Prebuilt, bool]:
    """`make(*args)`, built and checked once per distinct arguments (an agent's reruns draw the
    same series until new data comes in), and whether it has anything to show."""
    figure = make(*args)
    return Prebuilt(figure.to_dict()), has_points(figure)


def plot_built(make: Callable[..., go.Figure], *args: Hashable, empty: str, **kwargs: Any) -> None:
    """`plot(make(*args))`, the figure built once (`built`): the arguments must be hashable
    (tuples, not lists)."""
    figure, has_data = built(make, *args)
    plot(figure, empty=empty, has_data=has_data, **kwargs)


def plot(
    figure: go.Figure | Prebuilt, *, empty: str, has_data: bool | None = None, **kwargs: Any
) -> None:
    """Draw `figure`, or when it has nothing to show, the sentence `empty` instead: what will
    appear here and when (never a blank chart on made-up axes)."""
    if has_data is None:
        has_data = has_points(figure)  # a Prebuilt figure is always given has_data
    if has_data:
        st.plotly_chart(figure, **kwargs)
    else:
        st.info(empty)


def trend_figure(points: Sequence[tuple[dt.date, float, int]], metric: str) -> go.Figure:
    info = METRICS[metric]
    figure = go.Figure(
        go.Scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="lines+markers",
            name=info.label,
            customdata=[p[2] for p in points],
            hovertemplate="Week of %{x|%d %b %Y}<br>%{y:.1f} (%{customdata} scores)<extra></extra>",
        )
    )
    shown = DISPLAY[metric]  # the metric's whole scale, as on Team growth (in its own units)
    low, high = shown.axis[0] / shown.factor, shown.axis[1] / shown.factor
    values = [p[1] for p in points]
    weeks = len({p[0] for p in points})
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title=f"{info.label}, weekly mean"
        + (f" over the last {weeks} weeks with scores" if weeks > 1 else ""),
        yaxis_title=info.unit,
        yaxis_range=[min([low, *values]), max([high, *values])],
    )
    return figure


def team_bar_figure(rows: Sequence[GlanceRow], metric: str) -> go.Figure:
    """Teams side by side on the metric's whole scale (a bar cut short exaggerates the gaps);
    each bar carries its value, so the differences are read, not guessed."""
    info, shown = METRICS[metric], DISPLAY[metric]
    ranked = sorted(
        (r for r in rows if r.values.get(metric) is not None), key=lambda r: r.values[metric] or 0
    )
    values = [(r.values[metric] or 0) * shown.factor for r in ranked]
    unit = "%" if shown.unit == "%" else f" {shown.unit}" if shown.unit else ""
    figure = go.Figure(
        go.Bar(
            x=values,
            y=[r.name for r in ranked],
            orientation="h",
            text=[f"{v:.{shown.decimals}f}{unit}" for v in values],
            textposition="inside",
            insidetextanchor="end",
            hovertemplate=f"%{{y}}: %{{x:.{shown.decimals}f}}{unit}<extra></extra>",
        )
    )
    low, high = shown.axis
    figure.update_xaxes(range=[low, max([high, *values])])
    figure.update_layout(
        height=max(260, 28 * len(ranked)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title=f"{info.label} by team, last 4 weeks ({shown.scale})",
    )
    return figure


def show_error(exc: Exception) -> None:
    """A domain error as one sentence, with its per-line problems in a table if it has any."""
    st.error(str(exc))
    problems = getattr(exc, "problems", None)
    if problems:
        st.dataframe(pd.DataFrame({"Problem": problems}), hide_index=True)


def choose(
    label: str, options: Mapping[K, str], *, key: str, index: int = 0, where: Any = None
) -> K:
    """One of `options` (value → how it reads), never None: the one at `index` to begin with.

    Streamlit tells a picker's options apart by how they read: of two options that read the
    same, it hands back the last whichever was picked. Such twins (build people's labels with
    core.people.org.people_labels, which never makes any) are numbered here rather than mixed up."""
    readings = _distinct(options)
    chosen = (where or st).selectbox(
        label, list(options), index=index, format_func=readings.__getitem__, key=key
    )
    assert chosen is not None, "a selectbox with options and no placeholder always has a value"
    return chosen  # type: ignore[no-any-return]


def _distinct(options: Mapping[K, str]) -> Mapping[K, str]:
    counts = Counter(options.values())
    if all(n == 1 for n in counts.values()):
        return options
    seen: Counter[str] = Counter()
    readings = {}
    for value, text in options.items():
        seen[text] += 1
        readings[value] = text if counts[text] == 1 else f"{text} ({seen[text]})"
    return readings


def pick_many(
    label: str, options: Sequence[object], *, where: object = None, **kwargs: object
) -> list:  # type: ignore[type-arg]
    """A multi-choice picker (st.multiselect in `where`, e.g. a column) with the app's wording."""
    kwargs.setdefault("placeholder", "Choose one or more")
    return list((where or st).multiselect(label, options, **kwargs))  # type: ignore[attr-defined]
