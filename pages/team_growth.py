"""Team growth (team lead, manager): who is growing and who needs attention in sentences,
trends on honest axes, whether coaching works, coaching coverage and development activity. The
statistics behind each answer are one click away ("How we worked this out")."""

import datetime as dt

import streamlit as st

from core.growth.teams import teams_scope, visible_teams
from core.growth.wording import day_text, level_label
from core.models import METRICS
from core.platform.clock import today
from ui.analytics import (
    MAX_LINES,
    activity_table,
    chart,
    chart_axis_sentence,
    coverage_table,
    data_version,
    latest_day,
    load_bundle,
    load_every_focus,
    means_table,
    render_coaching,
    render_every_focus,
    render_ranking,
    show_table,
    teams_table,
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
        default=list(teams),  # every team the person may see: counts read as on My day
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
version = data_version()
latest = latest_day(version, me.id, chosen)
if latest is None:
    st.info("No scores for these teams yet. They appear here once they are imported.")
    st.stop()
end = latest  # the period ends at the latest figures, so a late import shows no empty months
start = end - dt.timedelta(days=30 * months)
if latest < today():
    st.markdown(f"The latest figures are from {day_text(latest)}: the period ends there.")
args = (version, me.id, start, end, chosen, metric)
label = METRICS[metric].label
bundle = load_bundle(*args)
growing, trends, coaching, activity = st.tabs(
    ["Who is growing", "Trends", "Coaching", "Development"]
)
with growing:
    render_ranking(bundle, teams_scope(len(chosen), len(teams)))
with trends:
    better = "higher is better" if METRICS[metric].higher_is_better else "lower is better"
    st.markdown(f"{label} ({better}), week by week from {day_text(start)} to {day_text(end)}.")
    if len(bundle.trends):
        chart("trend", bundle.trends, metric)
        so_far = "" if bundle.trends["complete"].all() else " The dotted end is this week so far."
        grey = " Grey: the mean of all chosen teams." if len(chosen) > MAX_LINES else ""
        st.markdown(f"{chart_axis_sentence(bundle.trends, metric)}{so_far}{grey}")
    else:
        st.info("No scores in this period.")
    st.subheader("Compare teams")
    st.markdown("Each chosen team over the last 4 weeks against the 4 weeks before.")
    show_table(teams_table(bundle.teams, metric), "team comparison")
    if len(bundle.means):
        chart("distribution", bundle.means, metric)
        st.markdown(chart_axis_sentence(bundle.means, metric))
        with st.expander("Every agent's mean over the last 30 days"):
            show_table(means_table(bundle.means, metric), "agent means")
with coaching:
    render_coaching(bundle, metric, start, end)
    if st.toggle("Compare every focus area (each in its own units)", key="tg_every_focus"):
        render_every_focus(load_every_focus(*args))
    st.subheader("Coaching coverage")
    cover = bundle.coverage
    never = int(cover["days_since_coaching"].isna().sum())
    st.markdown(
        f"{never} {'agent has' if never == 1 else 'agents have'} never had a coaching note. "
        "Those waiting longest come first."
    )
    show_table(coverage_table(cover), "coaching coverage")
with activity:
    st.markdown(
        f"Development beside quality: PD days taken, rotations and learning shares from "
        f"{day_text(start)} to {day_text(end)}, beside each agent's {level_label(metric)} over the "
        "last 30 days."
    )
    show_table(activity_table(bundle.activity, metric), "development activity")
