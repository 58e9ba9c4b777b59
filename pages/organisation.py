"""Teams overview (manager, admin): every team's size and recent quality."""

import streamlit as st

from core.home.glance import organisation_glance
from core.learning.pledges import participation
from core.platform.clock import today
from core.platform.csvio import write_csv
from ui.state import actor, db
from ui.widgets import glance_frame, team_bar_figure

me = actor()
st.title("Teams overview")
with db() as session:
    rows = organisation_glance(session, actor=me, today=today())
if not rows:
    st.info("No teams yet. An admin can create them on the Teams page.")
    st.stop()
frame = glance_frame(rows, "Team", with_agents=True)
left, right = st.columns([3, 2])
left.dataframe(frame, hide_index=True)
right.plotly_chart(team_bar_figure(rows, "csat"))
st.download_button(
    "Download as CSV",
    write_csv(list(frame.columns), frame.itertuples(index=False)),
    file_name="teams-overview.csv",
    mime="text/csv",
)
st.subheader("Promise of positivity: participation by team")
with db() as session:
    pledging = participation(
        session, actor=me, team_ids=[r.id for r in rows], names={r.id: r.name for r in rows}
    )
st.dataframe(
    [
        {
            "Team": p.team,
            "Agents": p.agents,
            "Active pledges": p.with_live_pledge,
            "Mind checks done, last 30 days": "no active pledge"
            if p.check_in_rate is None
            else f"{p.check_in_rate:.0%}",
        }
        for p in pledging
    ],
    hide_index=True,
)
