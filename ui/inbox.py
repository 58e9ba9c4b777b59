"""Inbox helpers: the unread badge in the navigation and opening a notification's link."""

from __future__ import annotations

import streamlit as st

from core.notify.notifications import mark_read, unread_count
from core.people.access import Actor
from core.platform.errors import NotFound
from ui.state import db

# A link from a notification carries its id: opening it marks it read.
READ_PARAM = "n"


def inbox_title(actor: Actor) -> str:
    """ "Inbox" with the number of unread notifications: the navigation shows it on every page."""
    if READ_PARAM in st.query_params:
        try:
            with db() as session:
                mark_read(session, actor=actor, notification_id=int(st.query_params[READ_PARAM]))
        except (ValueError, NotFound):
            pass  # a stale or someone else's link: nothing to mark, the page still opens
        del st.query_params[READ_PARAM]
    with db() as session:
        unread = unread_count(session, actor=actor)
    return f"Inbox ({unread})" if unread else "Inbox"


ICONS = {
    "follow_up_due": ":material/record_voice_over:",
    "check_in_today": ":material/record_voice_over:",
    "follow_up_overdue": ":material/assignment_late:",
    "pd_day_tomorrow": ":material/event:",
    "share_prompt": ":material/lightbulb:",
    "term_starts": ":material/handshake:",
    "term_ends": ":material/handshake:",
    "mind_check": ":material/self_improvement:",
    "pledge_cosign": ":material/volunteer_activism:",
    "mentor_nudge": ":material/volunteer_activism:",
    "coaching_note": ":material/record_voice_over:",
    "pd_published": ":material/event_available:",
    "pd_day_closed": ":material/event_busy:",
    "pd_day_changed": ":material/edit_calendar:",
    "rotation_published": ":material/swap_horiz:",
    "share_hidden": ":material/visibility_off:",
    "weekly_digest": ":material/summarize:",
    "calibration_invite": ":material/balance:",
    "calibration_revealed": ":material/balance:",
    "comment": ":material/forum:",
}
