"""My PD days (agent): upcoming and past days, my goal for each, dates I would like, my calendar."""

import streamlit as st

from core.learning.shares import last_next_time
from core.models import PdPurpose
from core.pd.coverage import why_my_days
from core.pd.days import (
    closed_days,
    my_pd_days,
    my_requests,
    my_withdrawn_days,
    request_dates,
    set_goal,
)
from core.pd.exports import pd_days_ics
from core.platform.clock import today
from ui.forms import SaveOnceForm
from ui.state import actor, db

me = actor()
day = today()
st.title("My PD days")
st.markdown(
    "A PD day is your day off the phones to hone skills, practise, stay current, experiment, "
    "create, learn — and share what you learned with the team."
)
with db() as session:
    days = my_pd_days(session, actor=me)
    withdrawn = my_withdrawn_days(session, actor=me)
    closed = closed_days(session, [d.date for d in days if d.date >= day])
    next_time = last_next_time(session, actor=me)
    reasons = why_my_days(session, actor=me)
upcoming = [d for d in days if d.date >= day]
past = [d for d in days if d.date < day]

if next_time:
    with st.container(border=True):
        st.markdown("**What you said you'd do next time**, in your last learning share:")
        st.text(next_time)  # as the agent typed it
st.subheader("Coming up")
if not upcoming:
    st.info(
        "No PD day is published for you yet. Request the dates you would like below; your team lead plans them."
    )
for pd_day in upcoming:
    with st.container(border=True):
        st.markdown(f"**{pd_day.date:%A %d %B %Y}**")
        if pd_day.id in reasons:
            st.text(f"Why this day: {reasons[pd_day.id]}")  # names are shown as typed
        purposes = list(PdPurpose)
        current = PdPurpose(pd_day.purpose) if pd_day.purpose else PdPurpose.LEARN
        with SaveOnceForm(f"my_pd_goal_{pd_day.id}") as goal_form:
            purpose = st.selectbox(
                "Purpose",
                purposes,
                index=purposes.index(current),
                format_func=lambda p: p.value.capitalize(),
            )
            goal = st.text_area(
                "My goal for the day",
                value=pd_day.goal,
                placeholder="What do you want to come back with?",
            )
            if goal_form.submitted("Save my goal"):
                goal_form.save(
                    set_goal,
                    actor=me,
                    pd_day_id=pd_day.id,
                    purpose=purpose,
                    goal=goal,
                    done="Saved.",
                )

if past:
    st.subheader("Past PD days")
    st.dataframe(
        [
            {"Date": f"{d.date:%a %d %b %Y}", "Purpose": d.purpose, "Goal": d.goal}
            for d in reversed(past)
        ],
        hide_index=True,
    )
if days or withdrawn:
    st.download_button(
        "Add my PD days to my calendar (.ics)",
        pd_days_ics(days, name="My PD days", withdrawn=withdrawn, closed=closed),
        "my-pd-days.ics",
        "text/calendar",
        help="Import it again after a change: a moved day moves in your calendar and a "
        "withdrawn one is removed.",
    )

st.subheader("Dates I would like")
st.markdown("Requested dates become your preferred dates the next time your team lead plans.")
with SaveOnceForm("my_pd_request") as request_form:
    # No min_value: the browser would turn a past date red and send nothing; core refuses it
    # with the date and the rule, and the form keeps what was typed.
    wish = st.date_input("A date I would like", value=None, format="YYYY-MM-DD")
    if request_form.submitted("Request this date"):
        request_form.save(
            request_dates,
            actor=me,
            dates=[wish] if wish is not None else [],
            done=lambda added: "Requested." if added else "You had already requested that date.",
        )
with db() as session:
    requested = my_requests(session, actor=me)
if requested:
    st.markdown("Requested so far: " + ", ".join(f"{d:%a %d %b}" for d in requested))
