"""Learning shares (everyone): the feed with search and filters, kudos, and writing a share."""

import streamlit as st

from core.learning.shares import (
    COUNT_CAP,
    SHARE_TEXTS,
    ShareInput,
    pd_day_to_link,
    search_shares,
    write_share,
)
from core.models import Visibility
from core.people.org import list_people, list_teams, people_labels
from core.platform.clock import today
from ui.forms import SaveOnceForm
from ui.learning import share_card
from ui.state import actor, db

me = actor()
st.title("Learning shares")
st.markdown(
    "What we learned, what worked, where we failed, and what we'll try next time — shared so it "
    "doesn't stay in one head."
)
with db() as session:
    teams = {t.id: t.name for t in list_teams(session)}
    to_link = pd_day_to_link(session, actor=me)

# What is typed is kept as a draft on the server: a reload or a lost connection does not lose it.
share_form = SaveOnceForm("learn_new", show_done=False, draft="learning_share", actor=me)
# Shown above the expander, which closes once after each saved share.
if share_form.show_done() and st.session_state.get("learn_closed_for") != share_form.generation:
    st.session_state["learn_closed_for"] = share_form.generation
    st.session_state["learn_new_open"] = False
# A keyed expander keeps itself open across reruns (an unkeyed one closes on every rerun and
# hides what was being typed).
with (
    st.expander(
        "Share what I learned",
        expanded=to_link is not None and to_link.date < today(),  # opened when Headway asks
        key="learn_new_open",
        on_change="rerun",
    ),
    share_form,
):
    about_pd_day = to_link is not None and st.checkbox(
        f"This share is about my PD day on {to_link.date:%A %-d %B}",
        value=True,
        help="Linked to that day, your share answers “How was your PD day?”: Headway stops asking.",
        key=share_form.key_for("about_pd_day"),
    )
    title = share_form.text_input(SHARE_TEXTS["title"], field="title")
    learned, worked, failed, nxt = (
        share_form.text_area(SHARE_TEXTS[f], field=f)
        for f in ("learned", "worked", "didnt_work", "next_time")
    )
    tags = share_form.text_input("Skills or tags (comma-separated)", field="tags")
    visibility = st.radio(
        "Who can read it",
        list(Visibility),
        format_func=lambda v: "My team" if v is Visibility.TEAM else "Everyone",
        horizontal=True,
        key=share_form.key_for("visibility"),
    )
    if share_form.submitted("Share", type="primary"):
        data = ShareInput(
            title,
            learned,
            worked,
            failed,
            nxt,
            tuple(tags.split(",")),
            visibility or Visibility.TEAM,
            to_link.id if to_link and about_pd_day else None,
        )
        share_form.save(write_share, actor=me, data=data, done="Shared. Thank you!")

c1, c2, c3 = st.columns([3, 2, 2])
words = c1.text_input("Search", placeholder="e.g. refund escalation", key="learn_words")
team = c2.selectbox(
    "Team",
    [None, *teams],
    format_func=lambda t: "All teams" if t is None else teams[t],
    key="learn_team",
)
linked = c3.selectbox(
    "Linked to",
    ["", "pd day", "rotation"],
    format_func=lambda v: v or "anything",
    key="learn_linked",
)
f1, f2, f3 = st.columns(3)
tag = f1.text_input("Tag", placeholder="e.g. billing", key="learn_tag")
with db() as session:
    authors = people_labels(list_people(session, actor=me))
author = f2.selectbox(
    "Author",
    [None, *authors],
    format_func=lambda a: "Anyone" if a is None else authors[a],
    key="learn_author",
)
period = f3.date_input("Shared between", value=[], format="YYYY-MM-DD", key="learn_period")
since, until = (
    (period[0], period[1]) if isinstance(period, tuple) and len(period) == 2 else (None, None)
)
page = st.session_state.get("learn_page", 1)
with db() as session:
    feed = search_shares(
        session,
        actor=me,
        words=words,
        team_id=team,
        tag=tag,
        author_id=author,
        since=since,
        until=until,
        linked=linked,
        page=page,
    )
st.markdown(
    f"{feed.total:,} share{'' if feed.total == 1 else 's'}"
    if feed.total <= COUNT_CAP
    else f"More than {COUNT_CAP:,} shares"
)
if not feed.shares:
    st.info(
        "Nothing here yet. Be the first to share what you learned on your last PD day or rotation."
    )
for s in feed.shares:
    share_card(s, me)
if feed.pages > 1:
    st.number_input(f"Page (of {feed.pages})", 1, feed.pages, feed.page, key="learn_page")
