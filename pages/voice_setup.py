"""Contact reasons & volumes: admins keep the list of contact reasons; leads, managers and admins
import daily contact volumes per reason (CSV) for measuring what a change did."""

import streamlit as st

from core.models import ReasonStatus, Role
from core.platform.csvio import MAX_UPLOAD_MB
from core.voice.reasons import add_reason, all_reasons, retire_reason
from core.voice.volumes import import_contacts, volume_span
from ui.forms import SaveOnceForm
from ui.state import actor, db
from ui.text import plain
from ui.widgets import day_text

me = actor()
st.title("Contact reasons & volumes")
st.markdown(
    "The contact reasons are the list agents choose from when they log what a customer said, "
    "and the names the daily contact volumes use: keep them the same as your contact "
    "platform's dispositions (or wrap-up codes), so that the two line up."
)
with db() as session:
    reasons = all_reasons(session)
    count, first, last = volume_span(session)
st.subheader("Contact reasons")
active = [r for r in reasons if r.status is ReasonStatus.ACTIVE]
if active:
    st.text(", ".join(r.name for r in active))
else:
    st.info("No contact reasons yet: an admin adds them here.")
if me.role is Role.ADMIN:
    with SaveOnceForm("setup_reason") as form:
        name = st.text_input("New contact reason", placeholder="e.g. Refund status")
        if form.submitted("Add reason"):
            form.save(add_reason, actor=me, name=name, done=lambda r: f"Added “{r.name}”.")
    if active:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        gone = c1.selectbox("Take a reason off the list", active, format_func=lambda r: r.name)
        if c2.button("Retire it", key="setup_retire") and gone is not None:
            with db() as session:
                retire_reason(session, actor=me, reason_id=gone.id)
            st.rerun()
    retired = [r.name for r in reasons if r.status is ReasonStatus.RETIRED]
    if retired:
        st.caption("Retired or declined: " + plain(", ".join(retired)))

st.subheader("Daily contact volumes")
st.markdown(
    "Columns `date, reason, contacts` (other columns are ignored): one row per reason and day, "
    "as your contact platform's daily report by reason gives them. Every line is checked "
    "first; nothing is written unless all are valid, and rows already stored are skipped."
)
if count:
    st.text(f"{count:,} daily figures stored, {day_text(first)} to {day_text(last)}.")
upload = st.file_uploader(
    f"Contact volumes CSV (up to {MAX_UPLOAD_MB} MB)", type=["csv"], key="setup_contacts"
)
if upload is not None and st.button("Import contact volumes", type="primary"):
    with db() as session:
        result = import_contacts(session, data=upload.getvalue(), actor=me)
    st.success(result.sentence())
    if result.ignored_columns:
        st.caption("Ignored columns: " + plain(", ".join(result.ignored_columns)))
