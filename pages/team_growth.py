"""Team growth (team lead, manager): trends, distributions, who needs a check-in, coaching
coverage and effect, development activity; every table exports to CSV."""

import datetime as dt

import pandas as pd
import streamlit as st

from core.clock import today
from core.csvio import write_csv
from core.growth.teams import visible_teams
from core.models import METRICS
from ui.analytics import (
    data_version,
    distribution_figure,
    effect_figure,
    load_bundle,
    load_every_focus,
    trend_figure,
)
from ui.state import actor, db
from ui.widgets import pick_many

me = actor()
st.title("Team growth")
with db() as session:
    teams = visible_teams(session, actor=me)
if not teams:
    st.info("You do not lead a team yet.")
    st.stop()
c1, c2, c3 = st.columns([1, 3, 1])
months = c1.selectbox(
    "Period", [3, 6, 12], index=1, format_func=lambda m: f"last {m} months", key="tg_months"
)
chosen = tuple(
    pick_many(
        "Teams",
        list(teams),
        where=c2,
        default=list(teams)[:6],
        format_func=teams.get,
        key="tg_teams",
    )
)
metric = c3.selectbox(
    "Metric", list(METRICS), format_func=lambda m: METRICS[m].label, key="tg_metric"
)
if not chosen:
    st.info("Choose at least one team.")
    st.stop()
end = today()
args = (data_version(), me.id, end - dt.timedelta(days=30 * months), end, chosen, metric)
label = METRICS[metric].label
direction = "higher is better" if METRICS[metric].higher_is_better else "lower is better"


def export(frame: pd.DataFrame, name: str) -> None:
    st.download_button(
        f"Download {name} (CSV)",
        write_csv([str(c) for c in frame.columns], frame.itertuples(index=False)),
        f"{name.replace(' ', '-')}.csv",
        "text/csv",
        key=f"tg_csv_{name}",
    )


bundle = load_bundle(*args)
trends, check_in, coaching, activity = st.tabs(
    ["Trends", "Needs a check-in", "Coaching", "Development"]
)
with trends:
    st.markdown(f"{label} ({direction}).")
    frame = bundle.trends
    if len(frame):
        st.plotly_chart(trend_figure(frame, label))
    else:
        st.info("No observations in this period.")
    means = bundle.means
    if len(means):
        st.plotly_chart(distribution_figure(means, label))
        export(means, "agent means")
with check_in:
    flags = bundle.flags
    st.markdown(
        "Agents with a quality measure getting worse over the last 60 days (a robust trend "
        "test: one bad day is not a trend). The Monday digest counts the same people."
    )
    if not flags:
        st.success("No one's trend is getting worse.")
    else:
        flagged = pd.DataFrame(
            [
                {
                    "agent": n,
                    "team": t,
                    "slope per 30 days": round(f.slope_per_30_days, 3),
                    "evidence": f.evidence,
                }
                for _, n, t, f in flags
            ]
        )
        export(flagged, "needs a check-in")
    for agent_id, name, team, flag in flags:
        st.page_link(
            "pages/growth.py",
            label=f"{name} · {team}: {flag.evidence}",
            query_params={"agent": str(agent_id)},
        )
with coaching:
    cover = bundle.coverage
    st.subheader("Coaching coverage")
    st.dataframe(cover.drop(columns=["agent_id"]), hide_index=True)
    export(cover.drop(columns=["agent_id"]), "coaching coverage")
    effects = bundle.effects
    st.subheader("What coaching changed")
    st.markdown(
        "Change in each note's focus metric: 30 days after minus 30 days before, minus the change among the "
        "team's agents not coached then (so a season is not credited to coaching). Fewer than 5 scores in "
        "either window reads “not enough data”."
    )
    if effects.notes.empty:
        st.info(f"No coaching notes focused on {label} in this period.")
    else:
        for frame, key in ((effects.by_coach, "coach"), (effects.by_team, "team")):
            if len(frame):
                st.plotly_chart(effect_figure(frame, key, METRICS[metric].higher_is_better))
                export(frame, f"effect by {key}")
        st.dataframe(effects.notes, hide_index=True)
        export(effects.notes, "coaching effects")
    if st.toggle("Compare every focus area (each in its own units)", key="tg_every_focus"):
        by_focus = load_every_focus(*args)
        if len(by_focus):
            st.dataframe(by_focus.round(2), hide_index=True)
            export(by_focus, "effect by focus area")
        else:
            st.info("Too few coaching notes with enough data in this period.")
with activity:
    act = bundle.activity
    st.markdown(
        f"Development beside quality: PD days taken, rotations and learning shares in the period beside each agent's 30-day mean {label}."
    )
    st.dataframe(act.drop(columns=["agent_id"]), hide_index=True)
    export(act.drop(columns=["agent_id"]), "development activity")
