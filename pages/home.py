"""My day: what matters today for the logged-in agent, lead or manager."""

import streamlit as st

from core.access import Purpose, teams_for
from core.clock import today
from core.home import organisation_glance, person_changes, team_glance, weekly_trend
from core.learning import most_helpful, pd_day_to_share
from core.models import Role
from core.org import person_labels
from core.pd.days import my_pd_days
from core.rotations.interests import interests_prompt
from ui.state import actor, db
from ui.widgets import glance_frame, metric_cards, team_bar_figure, trend_figure

me = actor()
day = today()
st.title(f"My day · {day:%A %d %B %Y}")

with db() as session:
    if me.role is Role.AGENT:
        st.subheader("My quality, last four weeks")
        metric_cards(person_changes(session, actor=me, person_id=me.id, today=day))
        trend = weekly_trend(session, actor=me, person_id=me.id, metric="qa_score", today=day)
        if trend:
            st.plotly_chart(trend_figure(trend, "qa_score"))
        st.subheader("Coming up")
        upcoming = [d for d in my_pd_days(session, actor=me) if d.date >= day]
        for pd_day in upcoming[:3]:
            goal = f" — {pd_day.goal}" if pd_day.goal else " — set your goal on My PD days"
            st.markdown(f"**PD day** {pd_day.date:%A %d %B}{goal}")
        to_share = pd_day_to_share(session, actor=me)
        if to_share is not None:
            st.info(
                f"How was your PD day on {to_share.date:%A %d %B}? Share what you learned, what worked, "
                "what didn't and what you'll try next time."
            )
            st.page_link(
                "pages/learning.py", label="Share what I learned", icon=":material/lightbulb:"
            )
        if not upcoming:
            st.info(
                "Nothing scheduled for you yet. Your PD days appear here once your team lead publishes them."
            )
        if (prompt := interests_prompt(session, me)) is not None:
            st.info(prompt)
            st.page_link(
                "pages/my_rotation.py", label="Rank my interests", icon=":material/edit_note:"
            )
    elif me.role is Role.TEAM_LEAD:
        mine = teams_for(session, actor=me, purpose=Purpose.LEAD)
        if not mine:
            st.info("You do not lead a team yet. Ask an admin to make you the lead of your team.")
        for team_id in mine:
            rows = team_glance(session, actor=me, team_id=team_id, today=day)
            st.subheader(f"My team at a glance ({len(rows)} agents, last four weeks)")
            if rows:
                labels = person_labels(session, person_ids=[r.id for r in rows])
                st.dataframe(
                    glance_frame(rows, "Agent", with_agents=False, labels=labels), hide_index=True
                )
            else:
                st.info("Your team has no active agents yet.")
            helpful = most_helpful(session, actor=me, team_id=team_id)
            st.subheader("Most helpful learning shares this month")
            if helpful:
                for title, author, count in helpful:
                    st.text(f"{title} — {author} ({count} found it helpful)")
            else:
                st.info("No kudos yet this month. Point your team to Learning shares.")
    else:
        rows = organisation_glance(session, actor=me, today=day)
        st.subheader(f"The organisation at a glance ({len(rows)} teams)")
        if rows:
            st.plotly_chart(team_bar_figure(rows, "qa_score"))
        else:
            st.info("No teams yet. An admin can create them on the Teams page.")
