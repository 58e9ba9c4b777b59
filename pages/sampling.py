"""Fair sampling (leads, managers): which interactions to evaluate, the same number per agent."""

import pandas as pd
import streamlit as st

from core.people.access import Purpose, teams_for
from core.platform.clock import today
from core.quality.sampling import (
    MAX_PER_AGENT,
    channel_text,
    default_draw_number,
    default_period,
    draw_sample,
    sample_checklist,
    sample_csv,
)
from ui.state import actor, db
from ui.text import plain
from ui.widgets import choose, day_text

me = actor()
st.title("Fair sampling")
st.markdown(
    "Draw the interactions to evaluate so that every agent is scored on the same number, on "
    "their usual mix of channels, **spread across the weeks** of the period — nobody is scored "
    "only on their worst week. The same draw number draws the same list again."
)
with db() as session:
    teams = teams_for(session, actor=me, purpose=Purpose.COACH)
if not teams:
    st.info("You lead no team yet: an admin sets team leads on Administration → Teams.")
    st.stop()

c1, c2, c3 = st.columns(3)
with c1:
    team_id = choose("Team", teams, key="sampling_team")
period = c2.date_input(
    "Period",
    value=default_period(today()),
    format="YYYY-MM-DD",
)
per_agent = c3.number_input(
    "Interactions per agent", min_value=1, max_value=MAX_PER_AGENT, value=4, step=1
)
if not isinstance(period, tuple) or len(period) != 2:
    st.info("Choose the period's first and last day.")
    st.stop()
start, end = period
st.markdown(
    "The period starts as this month so far (the 1st to yesterday; on the 1st, last month), "
    "because evaluation quotas are usually per month. "
    "The draw number starts from the period, so reopening the page shows the same draw for the "
    "same period; the month so far grows each day, so download the list to keep it."
)
draw_number = st.number_input(
    "Draw number — the same number gives the same draw",
    min_value=0,
    max_value=2**32 - 1,
    value=default_draw_number(start, end),
    step=1,
    key=f"sampling_draw_{start.isoformat()}_{end.isoformat()}",  # each period its own number
    help="Type another number for a different draw of the same period; an earlier draw's "
    "number (with its period) draws that list again.",
)
upload = st.file_uploader(
    "Interactions (CSV with columns agent_email, reference, date, and channel if you have it) — "
    "optional",
    type=["csv"],
)
if upload is None:
    st.markdown(
        "Without a file, Headway draws days: on each, evaluate any interaction of that agent "
        "(on the channel given, split like the channels their evaluations were on)."
    )
with db() as session:
    sample = draw_sample(
        session,
        actor=me,
        team_id=team_id,
        start=start,
        end=end,
        per_agent=int(per_agent),
        seed=int(draw_number),
        interactions_csv=upload.getvalue() if upload is not None else None,
    )

agents = len({r.agent_id for r in sample.rows})
st.success(
    f"Draw number {sample.seed}: {len(sample.rows)} interactions for {agents} agents of "
    f"{plain(sample.team)}, {day_text(start)} to {day_text(end)}"
    + (", split by channel" if sample.stratified else "")
    + "."
)
for name, drawn in sample.short:
    st.text(f"{name} has only {drawn} interactions in the period: all of them are drawn.")
if sample.any_channel:
    st.text(
        ("Without a channel in the file" if sample.from_file else "Never evaluated yet")
        + f", so any channel will do: {', '.join(sample.any_channel)}."
    )
if sample.left_out:
    st.text(
        f"{sample.left_out} rows of the file are for people outside {sample.team} or dates "
        "outside the period: left out."
    )
st.dataframe(
    pd.DataFrame(
        {
            "Agent": [r.agent for r in sample.rows],
            "Interaction": [r.reference or "any interaction that day" for r in sample.rows],
            "Date": [day_text(r.date) for r in sample.rows],
            "Channel": [channel_text(r.channel) for r in sample.rows],
        }
    ),
    hide_index=True,
)
d1, d2 = st.columns(2)
name = f"sample-{start.isoformat()}-{end.isoformat()}-draw{sample.seed}"
d1.download_button(
    "Download the draw (CSV)", sample_csv(sample), f"{name}.csv", "text/csv", key="sampling_csv"
)
d2.download_button(
    "Download the checklist (text)",
    sample_checklist(sample),
    f"{name}.txt",
    "text/plain",
    key="sampling_txt",
)
