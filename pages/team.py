"""Team at a glance (team lead): every agent's recent quality, with a CSV export."""

import streamlit as st

from core.home.glance import team_glance
from core.learning.pledges import participation
from core.people.access import Purpose, teams_for
from core.people.org import list_teams, person_labels
from core.platform.clock import today
from core.platform.csvio import write_csv
from ui.state import actor, db
from ui.text import plain
from ui.widgets import glance_frame

me = actor()
st.title("Team at a glance")
with db() as session:
    mine = teams_for(session, actor=me, purpose=Purpose.LEAD)
    teams = {t.id: t for t in list_teams(session) if t.id in mine}
    if not teams:
        st.info("You do not lead a team yet. Ask an admin to make you the lead of your team.")
        st.stop()
    team_id = st.selectbox(
        "Team", list(teams), format_func=lambda i: teams[i].name, key="team_pick"
    )
    rows = team_glance(session, actor=me, team_id=team_id, today=today())
    labels = person_labels(session, person_ids=[r.id for r in rows])
team = teams[team_id]
st.markdown(
    f"{plain(team.site)} · staffing floor {team.min_staffed} agents on the phones · last four weeks"
)
if not rows:
    st.info("This team has no active agents yet.")
    st.stop()
frame = glance_frame(rows, "Agent", with_agents=False, labels=labels)
st.dataframe(frame, hide_index=True)
st.download_button(
    "Download as CSV",
    write_csv(list(frame.columns), frame.itertuples(index=False)),
    file_name=f"{team.name}-at-a-glance.csv",
    mime="text/csv",
)

st.subheader("Promise of positivity")
with db() as session:
    [row] = participation(session, actor=me, team_ids=[team_id], names={team_id: team.name})
rate = "–" if row.check_in_rate is None else f"{row.check_in_rate:.0%}"
st.markdown(
    f"{row.with_live_pledge} of {row.agents} agents have an active pledge · mind-check rate over the last "
    f"30 days: {rate} (check-in notes stay private to each agent and their mentor)"
)
