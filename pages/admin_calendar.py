"""Calendar (admin): the days the organisation is closed — public holidays from HEADWAY_HOLIDAYS
and closure days entered here. No PD day, daily reminder or rotation session falls on them."""

import datetime as dt

import streamlit as st

from core.pd.closures import add_closure, list_closures, remove_closure
from core.platform.calendar import organisation_calendar
from core.platform.clock import today
from core.platform.config import get_settings
from ui.forms import SaveOnceForm
from ui.state import actor, db

me = actor()
st.title("Calendar")
settings = get_settings()
weekdays = ", ".join(
    f"{dt.date(2024, 1, 1) + dt.timedelta(days=d):%A}" for d in sorted(settings.working_days)
)
st.markdown(
    f"Working days: **{weekdays}** (`HEADWAY_WORKING_DAYS`). Public holidays: "
    + (
        f"**{settings.holidays_code}** (`HEADWAY_HOLIDAYS`)."
        if settings.holidays_code
        else "none (set `HEADWAY_HOLIDAYS`, e.g. `GB-ENG`, to close on them)."
    )
)
start = today()
with db() as session:
    ahead = organisation_calendar(session).closed_weekdays(start, start + dt.timedelta(days=365))
    closures = list_closures(session, since=start)
st.subheader("Closed in the next twelve months")
if ahead:
    st.dataframe(
        [{"Date": f"{d:%a %d %b %Y}", "Why": why} for d, why in sorted(ahead.items())],
        hide_index=True,
    )
else:
    st.info("No public holiday or closure day in the next twelve months: add one below.")

with SaveOnceForm("calendar_closure") as form:
    st.markdown("**Add a closure day**")
    c1, c2 = st.columns([1, 3])
    day = c1.date_input("Date", value=None, min_value=start, format="YYYY-MM-DD")
    reason = c2.text_input("Why the organisation is closed")
    if form.submitted("Add closure day", type="primary"):
        if day is None:
            st.error("Choose the date the organisation is closed.")
        else:
            form.save(
                add_closure,
                actor=me,
                date=day,
                reason=reason,
                done=lambda added: added.added(),
            )

if closures:
    st.markdown("**Remove a closure day**")
    chosen = st.selectbox(
        "Closure day",
        closures,
        format_func=lambda c: f"{c.date:%a %d %b %Y} — {c.reason}",
        key="calendar_remove_pick",
    )
    confirm = st.checkbox(f"Yes, open again on {chosen.date:%d %B %Y}", key="calendar_confirm")
    if st.button("Remove", disabled=not confirm, key="calendar_remove"):
        with db() as session:
            remove_closure(session, actor=me, date=chosen.date)
        st.rerun()
