"""Inbox: the reminders, follow-ups, digests and events addressed to me; my preferences."""

import pandas as pd
import streamlit as st

from core.notify.notifications import (
    Preference,
    inbox,
    mark_all_read,
    mark_read,
    preferences,
    set_preferences,
)
from core.platform.config import get_settings
from ui.inbox import ICONS, READ_PARAM
from ui.navigation import page_for
from ui.state import actor, db
from ui.text import plain

me = actor()
st.title("Inbox")
messages_tab, preferences_tab = st.tabs(["Notifications", "Preferences"])

with messages_tab:
    left, right = st.columns([3, 1], vertical_alignment="center")
    unread_only = left.toggle("Unread only", key="inbox_unread_only")
    with db() as session:
        items = inbox(session, actor=me, unread_only=unread_only)
    if any(not i.read for i in items) and right.button(
        "Mark all read", icon=":material/done_all:", key="inbox_all_read"
    ):
        with db() as session:
            mark_all_read(session, actor=me)
        st.rerun()
    if not items:
        st.info(
            "Nothing here yet. Reminders arrive at 07:00 on working days (follow-ups you promised, "
            "your PD day, your pledge's mind check), the digest on Monday at 07:30, and news "
            "about you (a coaching note, a published plan) as it happens."
            if not unread_only
            else "All read. Switch off “Unread only” to see earlier notifications."
        )
    for item in items:
        with st.container(border=True):
            title = plain(item.title) if item.read else f"**{plain(item.title)}**"
            st.markdown(f"{ICONS.get(item.kind, ':material/notifications:')} {title}")
            status = "read" if item.read else "unread"
            st.text(f"{item.due_date:%a %-d %b %Y} · {status}")
            # A body is plain text (it may quote what someone typed: a mentor's nudge, a title)
            if len(item.body) > 400:  # a digest: one click away, so the list stays scannable
                with st.expander("Read it all"):
                    st.text(item.body)
            elif item.body:
                st.text(item.body)
            link, toggle = st.columns([1, 5])
            target = page_for(me.role, item.page)
            if target:
                link.page_link(
                    target,
                    label="Open",
                    icon=":material/open_in_new:",
                    query_params={**item.query, READ_PARAM: str(item.id)},
                )
            if toggle.button(
                "Mark unread" if item.read else "Mark read", key=f"inbox_read_{item.id}"
            ):
                with db() as session:
                    mark_read(session, actor=me, notification_id=item.id, read=not item.read)
                st.rerun()

with preferences_tab:
    if not get_settings().smtp_url:
        st.info(
            "E-mail is not set up on this server yet (SMTP_URL): your e-mail choices apply "
            "once it is. Notifications always appear here unless you switch them off."
        )
    with db() as session:
        current = preferences(session, actor=me)
    table = pd.DataFrame(
        {
            "Notification": [p.label for p in current],
            "In Headway": [p.in_app for p in current],
            "E-mail": [p.email for p in current],
        }
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        disabled=["Notification"],
        key="inbox_preferences",
    )
    if st.button("Save preferences", type="primary", key="inbox_save_preferences"):
        with db() as session:
            set_preferences(
                session,
                actor=me,
                choices=[
                    Preference(p.kind, p.label, bool(in_app), bool(email))
                    for p, in_app, email in zip(
                        current, edited["In Headway"], edited["E-mail"], strict=True
                    )
                ],
            )
        st.success("Saved. Switched-off kinds will not reach you from now on.")
