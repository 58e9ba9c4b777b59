"""Cached team-growth queries and their figures, shared by every session of the server process.

Each cached read takes the data-version stamp, so a write anywhere (an import, the worker) is seen
at the next rerun. The numbers of a set of teams are the same whoever asks, so they are cached
once for every viewer allowed to see those teams: the viewer's right to each team is checked on
every call, before the cache is consulted, and never served from it. Figures are cached on the
data they draw (a viewer only gets a chart of numbers they already hold). What is cached is shared
by the sessions as it is, never copied (a copy per rerun cost more than the page): nothing that
reads it changes it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from core.growth import checkins
from core.growth import teams as ga
from core.growth.checkins import Ranking
from core.growth.statistics import MIN_TREND_OBSERVATIONS, TREND_ALPHA
from core.growth.wording import (
    DISPLAY,
    axis_sentence,
    coaching_sentence,
    data_axis,
    day_text,
    growth_sentence,
    interval_text,
    level,
    level_label,
    measure,
    ranking_summary,
    signed_amount,
    too_little_sentence,
)
from core.home.manager import Falling
from core.models import METRICS
from core.people.access import Actor, Purpose, load_actor, require_teams
from core.platform.csvio import write_csv
from core.platform.data_version import current
from ui.state import db
from ui.text import chart_text, plain
from ui.widgets import Prebuilt


def data_version() -> int:
    with db() as session:
        return current(session)


def _allowed(viewer: int, teams: tuple[int, ...]) -> Actor:
    """The viewer, after checking (now, not from a cache) that they may review every team."""
    with db() as session:
        me = load_actor(session, viewer)
    require_teams(me, Purpose.REVIEW, teams)
    return me


def load_bundle(
    version: int, viewer: int, start: dt.date, end: dt.date, teams: tuple[int, ...], metric: str
) -> ga.GrowthBundle:
    """Every table of the team-growth page for these teams; computed once per data version for
    all the viewers allowed to see them (a manager and the lead of the team share it)."""
    return _bundle(version, start, end, teams, metric, _allowed(viewer, teams))


@st.cache_resource(ttl=600, show_spinner="Crunching the numbers…", max_entries=32)
def _bundle(
    version: int,
    start: dt.date,
    end: dt.date,
    teams: tuple[int, ...],
    metric: str,
    _asker: Actor,  # not part of the key: checked by load_bundle on every call
) -> ga.GrowthBundle:
    del version  # part of the cache key only
    with db() as session:
        return ga.team_growth(session, actor=_asker, scope=ga.Scope(start, end, teams, metric))


def load_every_focus(
    version: int, viewer: int, start: dt.date, end: dt.date, teams: tuple[int, ...], metric: str
) -> ga.EffectTables:
    return _every_focus(version, start, end, teams, metric, _allowed(viewer, teams))


@st.cache_resource(ttl=600, show_spinner="Comparing every focus area…", max_entries=16)
def _every_focus(
    version: int,
    start: dt.date,
    end: dt.date,
    teams: tuple[int, ...],
    metric: str,
    _asker: Actor,  # not part of the key: checked by load_every_focus on every call
) -> ga.EffectTables:
    del version
    with db() as session:
        scope = ga.Scope(start, end, teams, metric)
        return ga.coaching_effect_tables(session, actor=_asker, scope=scope, every_focus=True)


def latest_day(version: int, viewer: int, teams: tuple[int, ...]) -> dt.date | None:
    """`latest_data` of these teams (the newest observation: a scan of every score of every
    chosen team), once per data version for every viewer allowed to see them."""
    return _latest(version, teams, _allowed(viewer, teams))


@st.cache_resource(ttl=600, show_spinner=False, max_entries=32)
def _latest(version: int, teams: tuple[int, ...], _asker: Actor) -> dt.date | None:
    del version
    with db() as session:
        return checkins.latest_data(session, actor=_asker, team_ids=teams)


def falling(viewer: int, teams: tuple[int, ...], as_of: dt.date) -> Falling:
    """`falling_agents` of these teams (a manager's My day tests every agent in every metric,
    over a second on 2,000 agents): once per data version for every viewer allowed to see
    them."""
    return _falling(data_version(), teams, as_of, _allowed(viewer, teams))


@st.cache_resource(ttl=600, show_spinner="Looking for falling trends…", max_entries=16)
def _falling(version: int, teams: tuple[int, ...], as_of: dt.date, _asker: Actor) -> Falling:
    del version
    with db() as session:
        return checkins.falling_agents(session, actor=_asker, team_ids=teams, as_of=as_of)


def clear_caches() -> None:
    """Forget every cached team-growth read and figure (benchmarks of a first load)."""
    for cached in (_bundle, _every_focus, _figure, _falling, _latest):
        cached.clear()


@st.cache_resource(ttl=600, show_spinner=False, max_entries=64)
def _figure(kind: str, frame: pd.DataFrame, metric: str, label: str) -> Prebuilt:
    """A figure of `frame`, built and checked once (Plotly's checks of a figure with a hundred
    small charts take a tenth of a second) and shared by every session as it is."""
    if kind == "trend":
        return Prebuilt(trend_figure(frame, metric).to_dict())
    if kind == "distribution":
        return Prebuilt(distribution_figure(frame, metric).to_dict())
    return Prebuilt(effect_figure(frame, label, metric).to_dict())


def chart(
    kind: Literal["trend", "distribution", "effect"],
    frame: pd.DataFrame,
    metric: str,
    label: str = "",
) -> None:
    """Draw the team-growth figure `kind` of `frame` (cached across sessions on the data)."""
    st.plotly_chart(_figure(kind, frame, metric, label))


PROJECTOR = {"font": {"size": 15}, "margin": {"l": 10, "r": 10, "t": 50, "b": 10}}
MAX_LINES = 4  # more teams than this are drawn one small chart each
GREY = "#9aa0a6"


def _axis(metric: str, values: pd.Series) -> list[float]:
    """The axis of the shown values (core.growth.wording.data_axis: the data's range, said
    under the chart by `chart_axis_sentence`)."""
    return list(data_axis(metric, [float(v) for v in values]))


def chart_axis_sentence(frame: pd.DataFrame, metric: str) -> str:
    """What the axis of the chart of `frame` (its "mean" column) spans, for under it."""
    return axis_sentence(metric, data_axis(metric, [level(metric, v) for v in frame["mean"]]))


def _team_lines(
    figure: go.Figure, frame: pd.DataFrame, metric: str, color: str, **where: Any
) -> None:
    """One team's weekly means: complete weeks solid, the week so far dashed and hollow."""
    done, so_far = frame[frame["complete"]], frame[~frame["complete"]]
    team = str(frame["team"].iloc[0])
    hover = "Week of %{x|%d %b}: %{y} (%{customdata} scores)<extra>" + team + "</extra>"
    figure.add_trace(
        go.Scatter(
            x=done["week"],
            y=done["shown"],
            mode="lines+markers",
            name=team,
            legendgroup=team,
            line={"color": color, "width": 3},
            customdata=done["n"],
            hovertemplate=hover,
        ),
        **where,
    )
    if len(so_far):
        joined = pd.concat([done.tail(1), so_far])
        figure.add_trace(
            go.Scatter(
                x=joined["week"],
                y=joined["shown"],
                mode="lines+markers",
                name=f"{team}: this week so far",
                legendgroup=team,
                showlegend=False,
                line={"color": color, "width": 2, "dash": "dot"},
                marker={
                    "symbol": ["circle"] * (len(joined) - 1) + ["circle-open"],
                    "size": [6] * (len(joined) - 1) + [10],
                },
                customdata=joined["n"],
                hovertemplate="Week of %{x|%d %b} so far: %{y} (%{customdata} scores)<extra>"
                + team
                + "</extra>",
            ),
            **where,
        )


def trend_figure(frame: pd.DataFrame, metric: str) -> go.Figure:
    """Weekly means per team on the metric's fixed axis, the unfinished last week dotted.
    Up to MAX_LINES teams share one chart; more get one small chart each, beside the mean of
    all of them in grey (so no chart is a tangle of lines)."""
    shown = frame.assign(
        shown=[level(metric, v) for v in frame["mean"]], team=frame["team"].map(chart_text)
    )
    teams = sorted(shown["team"].unique())
    colors = px.colors.qualitative.Safe
    title = f"{METRICS[metric].label}: weekly mean per team"
    if len(teams) <= MAX_LINES:
        figure = go.Figure()
        for i, team in enumerate(teams):
            _team_lines(figure, shown[shown["team"] == team], metric, colors[i % len(colors)])
        figure.update_layout(
            height=420, title=title, legend={"orientation": "h", "y": -0.15}, **PROJECTOR
        )
        figure.update_yaxes(range=_axis(metric, shown["shown"]), title=level_label(metric))
    else:
        columns = 3
        rows = -(-len(teams) // columns)
        figure = make_subplots(rows=rows, cols=columns, subplot_titles=teams, shared_yaxes=True)
        everyone = shown.groupby("week", as_index=False).agg(shown=("shown", "mean"))
        for i, team in enumerate(teams):
            where = {"row": i // columns + 1, "col": i % columns + 1}
            figure.add_trace(
                go.Scatter(
                    x=everyone["week"],
                    y=everyone["shown"],
                    mode="lines",
                    name="all chosen teams",
                    legendgroup="all",
                    showlegend=i == 0,
                    line={"color": GREY, "width": 2},
                    hoverinfo="skip",
                ),
                **where,
            )
            _team_lines(figure, shown[shown["team"] == team], metric, "#0068c9", **where)
        figure.update_layout(height=260 * rows + 80, title=title, showlegend=False, **PROJECTOR)
        figure.update_yaxes(range=_axis(metric, shown["shown"]))
    return figure


def distribution_figure(frame: pd.DataFrame, metric: str) -> go.Figure:
    shown = frame.assign(
        shown=[level(metric, v) for v in frame["mean"]],
        scores=frame["n"],
        team=frame["team"].map(chart_text),
        agent=frame["agent"].map(chart_text),
    )
    figure = px.box(
        shown,
        x="team",
        y="shown",
        points="all",
        hover_data={"agent": True, "scores": True, "shown": True, "team": False},
        labels={"shown": level_label(metric), "team": "Team", "agent": "Agent", "scores": "Scores"},
        title=f"{METRICS[metric].label}: each agent's mean over the last 30 days, by team",
    )
    figure.update_layout(height=420, **PROJECTOR)
    figure.update_yaxes(range=_axis(metric, shown["shown"]))
    return figure


def effect_figure(frame: pd.DataFrame, label: str, metric: str) -> go.Figure:
    """Mean season-adjusted effect with its 95 % interval (in the metric's display units, so a
    share reads in percentage points); the good side is labelled."""
    factor = DISPLAY[metric].factor if metric != "aht_seconds" else 1.0
    mean, low, high = (frame[c] * factor for c in ("mean effect", "low", "high"))
    better_up = METRICS[metric].higher_is_better
    unit = DISPLAY[metric].points + "s"
    figure = go.Figure(
        go.Scatter(
            x=mean,
            y=frame[label],
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": high - mean,
                "arrayminus": mean - low,
            },
            customdata=frame["notes"],
            hovertemplate="%{y}: %{x:.1f} " + unit + " (%{customdata} notes)<extra></extra>",
            marker={"size": 12},
        )
    )
    figure.add_vline(x=0, line_dash="dash")
    figure.update_layout(
        height=max(260, 45 * len(frame) + 120),
        title=f"Effect by {label} in {unit} (95 % interval; better is {'right' if better_up else 'left'})",
        **PROJECTOR,
    )
    return figure


def agent_link(agent_id: int) -> str:
    """The agent's Growth page (its chart), as a table's link column holds it."""
    return f"growth?agent={agent_id}"


LINK = st.column_config.LinkColumn(
    "Chart", display_text="Open chart", help="This agent's Growth page"
)


def show_table(frame: pd.DataFrame, name: str, **columns: Any) -> None:
    """A table with word headings and its CSV download (the same columns, without links)."""
    st.dataframe(frame, hide_index=True, column_config={"Chart": LINK, **columns})
    plain = frame.drop(columns=[c for c in ("Chart",) if c in frame.columns])
    st.download_button(  # the CSV is written when it is asked for, not on every rerun
        f"Download {name} (CSV)",
        lambda: write_csv([str(c) for c in plain.columns], plain.itertuples(index=False)),
        f"{name.replace(' ', '-')}.csv",
        "text/csv",
        key=f"tg_csv_{name}",
    )


def coverage_table(cover: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Agent": cover["agent"],
            "Team": cover["team"],
            "Last coaching note": [
                "never" if pd.isna(d) else "today" if d == 0 else f"{int(d)} days ago"
                for d in cover["days_since_coaching"]
            ],
            "Open notes": cover["open_notes"],
            "Overdue check-ins": cover["overdue_follow_ups"],
            "Chart": [agent_link(a) for a in cover["agent_id"]],
        }
    )


def _levels(frame: pd.DataFrame, metric: str) -> dict[str, object]:
    """Who, their team, their level over the last 30 days and how many scores it rests on."""
    return {
        "Agent": frame["agent"],
        "Team": frame["team"],
        f"{level_label(metric)}, last 30 days": [level(metric, v) for v in frame["mean"]],
        "Scores": frame["n"],
    }


def activity_table(act: pd.DataFrame, metric: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            **_levels(act, metric),
            "PD days taken": act["pd_days_taken"],
            "Rotations": act["rotations"],
            "Learning shares": act["learning_shares"],
            "Chart": [agent_link(a) for a in act["agent_id"]],
        }
    )


def means_table(means: pd.DataFrame, metric: str) -> pd.DataFrame:
    return pd.DataFrame(
        {**_levels(means, metric), "Chart": [agent_link(a) for a in means["agent_id"]]}
    )


def teams_table(teams: pd.DataFrame, metric: str) -> pd.DataFrame:
    def shown(v: Any) -> float | None:
        return None if v is None or pd.isna(v) else level(metric, float(v))

    def change(v: Any) -> str:
        return "–" if v is None or pd.isna(v) else signed_amount(metric, float(v))

    return pd.DataFrame(
        {
            "Team": teams["team"],
            "Agents": teams["agents"],
            f"{level_label(metric)}, last 4 weeks": [shown(v) for v in teams["recent"]],
            "The 4 weeks before": [shown(v) for v in teams["before"]],
            "Change": [change(v) for v in teams["change"]],
            "Scores in the last 4 weeks": teams["n"],
        }
    )


def effect_notes_table(notes: pd.DataFrame, metric: str) -> pd.DataFrame:
    def change(v: Any) -> str:
        return "–" if v is None or pd.isna(v) else signed_amount(metric, float(v))

    return pd.DataFrame(
        {
            "Date": notes["date"],
            "Agent": notes["agent"],
            "Team": notes["team"],
            "Coach": notes["coach"],
            "Scores in the 30 days before": notes["before n"],
            "Scores in the 30 days after": notes["after n"],
            "Change": [change(v) for v in notes["change"]],
            "Change beyond the season": [change(v) for v in notes["season-adjusted"]],
            "95 % interval": [
                "–" if pd.isna(lo) else interval_text(metric, lo, hi)
                for lo, hi in zip(notes["low"], notes["high"], strict=True)
            ],
            "Verdict": notes["verdict"],
        }
    )


def trend_details(ranking: Ranking) -> pd.DataFrame:
    """The statistics behind the ranking, for "How we worked this out"."""
    rows = []
    for group in (*ranking.improving, *ranking.worsening):
        for t in group.trends:
            assert t.slope_per_30_days is not None and t.slope_low is not None
            rows.append(
                {
                    "Agent": group.name,
                    "Team": group.team,
                    "Measure": METRICS[t.metric].label,
                    "Direction": str(t.direction),
                    "Change a month (Theil–Sen slope)": signed_amount(
                        t.metric, t.slope_per_30_days
                    ),
                    "95 % interval of the slope": interval_text(
                        t.metric, t.slope_low, t.slope_high or t.slope_low
                    ),
                    "Observations": t.observations,
                    "Mann–Kendall one-sided p": f"{t.p_value:.2g}",
                }
            )
    return pd.DataFrame(rows)


def agent_lines(groups: list[checkins.AgentGrowth]) -> None:
    """One line per agent, a link to their Growth page: their trends in a sentence."""
    for rank, group in enumerate(groups, start=1):
        st.page_link(
            "pages/growth.py",
            label=plain(f"{rank}. {growth_sentence(group.name, group.trends)} · {group.team}"),
            query_params={"agent": str(group.agent_id)},
        )


def render_ranking(bundle: ga.GrowthBundle, scope: str) -> None:
    """Who is growing: most improved, needs attention, not enough data yet; the statistics in
    an expander. `scope` says which teams the counts cover (`teams_scope`)."""
    ranking = bundle.ranking
    overdue = int(bundle.coverage["overdue_follow_ups"].sum())
    st.markdown(
        scope[0].upper()
        + scope[1:]
        + ". "
        + ranking_summary(
            len(ranking.improving),
            len(ranking.worsening),
            len(ranking.steady),
            len(ranking.too_little),
            ranking.first,
            ranking.as_of,
            both=len(
                {a.agent_id for a in ranking.improving} & {a.agent_id for a in ranking.worsening}
            ),
        )
    )
    st.subheader("Most improved")
    if ranking.improving:
        st.markdown("Clearest improvement first. Each line opens the agent's chart.")
        agent_lines(ranking.improving)
    else:
        st.info(
            f"No one's measures have clearly improved since {day_text(ranking.first)}. "
            "Small ups and downs are not counted as growth; look again after a few more weeks."
        )
    st.subheader("Needs attention")
    checks = overdue
    falling = bundle.falling.words()
    st.markdown(
        f"{falling[0].upper() + falling[1:]} and {checks} overdue coaching "
        f"{'check-in' if checks == 1 else 'check-ins'} {scope}, as of "
        f"{day_text(ranking.as_of)}: counted as My day and the weekly digest count them."
    )
    if ranking.worsening:
        agent_lines(ranking.worsening)
    else:
        st.success(f"No one's measures have clearly got worse since {day_text(ranking.first)}.")
    waiting = bundle.coverage[bundle.coverage["overdue_follow_ups"] > 0]
    for row in waiting.itertuples():
        n = int(row.overdue_follow_ups)
        st.page_link(
            "pages/coaching.py",
            label=plain(
                f"{row.agent} · {row.team}: {n} coaching check-in{'' if n == 1 else 's'} overdue"
            ),
            query_params={"agent": str(row.agent_id)},
        )
    if ranking.too_little:
        st.subheader("Not enough data yet")
        st.markdown(
            f"Fewer than {MIN_TREND_OBSERVATIONS} scores in every measure over the last "
            f"{ranking.window} days: too few to say whether they are growing, so they are not ranked."
        )
        for agent_id, name, team, n in ranking.too_little:
            st.page_link(
                "pages/growth.py",
                label=plain(f"{too_little_sentence(name, n, ranking.window)} · {team}"),
                query_params={"agent": str(agent_id)},
            )
    with st.expander("How we worked this out"):
        st.markdown(
            f"Every agent's scores in every measure from {day_text(ranking.first)} to "
            f"{day_text(ranking.as_of)}. A measure counts as improving or getting worse only when "
            "the Mann–Kendall trend test finds a steady direction (one-sided, p below "
            f"{TREND_ALPHA:g}: about one flat agent in a hundred would be flagged by chance). The "
            "test ranks the scores, so one bad day is not a trend. The size is the Theil–Sen "
            "slope (the median of the slopes between every pair of scores) per 30 days, with its "
            f"95 % interval. A measure with fewer than {MIN_TREND_OBSERVATIONS} observations is not "
            "judged. Most improved and needs attention list the strongest evidence first."
        )
        details = trend_details(ranking)
        if len(details):
            show_table(details, "trend statistics")


def coaching_sentences(summaries: list[ga.GroupSummary], where: str) -> None:
    """Each group's verdict in a sentence ("in Billing Care 1", "by Lee Lead", or none)."""
    for g in summaries:
        place = f"{where} {g.group}" if where else ""
        st.markdown(
            "- " + plain(coaching_sentence(g.metric, place, g.effect, g.notes, g.estimable))
        )


def render_coaching(bundle: ga.GrowthBundle, metric: str, start: dt.date, end: dt.date) -> None:
    """Is coaching on the metric working (by team, by coach) in sentences; the forest plots and
    the per-note table in "How we worked this out"."""
    effects = bundle.effects
    st.subheader("Is coaching working?")
    if effects.notes.empty:
        st.info(
            f"No coaching notes focused on {measure(metric)} from {day_text(start)} to "
            f"{day_text(end)}. Choose another metric or a longer period."
        )
        return
    st.markdown(f"Coaching notes focused on {measure(metric)}, by team:")
    coaching_sentences(effects.summaries["team"], "in")
    teams, coaches = effects.summaries["team"], effects.summaries["coach"]
    if len(coaches) > 1 or len(teams) > 1:  # one team with one coach: the same sentence twice
        st.markdown("By coach:")
        coaching_sentences(coaches, "by")
    with st.expander("How we worked this out"):
        st.markdown(
            "For each note: the mean of the agent's scores in the 30 days after it minus the 30 "
            "days before, minus the same change among the team's agents who were not coached "
            "then (so a season is not credited to coaching), with a 95 % interval. A team or "
            "coach needs 3 notes with at least 5 scores on each side before we say anything; "
            "\u201cworking\u201d means the whole interval of their average is on the better side."
        )
        for frame, key in ((effects.by_coach, "coach"), (effects.by_team, "team")):
            if len(frame):
                chart("effect", frame, metric, key)
        show_table(effect_notes_table(effects.notes, metric), "coaching effects")


def render_every_focus(by_focus: ga.EffectTables) -> None:
    summaries = by_focus.summaries["focus area"]
    if not summaries:
        st.info("No coaching notes with a focus metric in this period.")
        return
    coaching_sentences(summaries, "")
    with st.expander("How we worked this out: every focus area"):
        frame = by_focus.by_focus
        if len(frame):
            shown = pd.DataFrame(
                {
                    "Focus area": frame["focus area"],
                    "Notes": frame["notes"],
                    "Average change beyond the season": [
                        signed_amount(label_metric(f), v)
                        for f, v in zip(frame["focus area"], frame["mean effect"], strict=True)
                    ],
                    "95 % interval": [
                        interval_text(label_metric(f), lo, hi)
                        for f, lo, hi in zip(
                            frame["focus area"], frame["low"], frame["high"], strict=True
                        )
                    ],
                }
            )
            show_table(shown, "effect by focus area")


def label_metric(label: str) -> str:
    return next(k for k, m in METRICS.items() if m.label == label)
