"""The learning feed's share card: what the share says, and what the reader may do with it."""

from __future__ import annotations

import streamlit as st

from core.learning.shares import (
    SHARE_TEXTS,
    ShareInput,
    ShareRead,
    delete_share,
    edit_share,
    hide_share,
    toggle_kudos,
)
from core.models import Role
from core.people.access import Actor
from ui.forms import SaveOnceForm
from ui.state import db
from ui.text import plain

SECTIONS = (
    ("Learned", "learned"),
    ("Worked", "worked"),
    ("Didn't work", "didnt_work"),
    ("Next time", "next_time"),
)


def share_card(s: ShareRead, me: Actor) -> None:
    """One share in a bordered box: title, who and when, the four answers as plain text (user
    text is shown as text, never as Markdown or HTML), then kudos, or the author's edit and
    delete, or a lead's hide. Few elements per card: a page of twenty is sent on every rerun."""
    with st.container(border=True):
        st.markdown(f"**{plain(s.title)}**")
        meta = (
            f"{s.author} · {s.created_at:%d %b %Y}"
            + (" · edited" if s.edited_at else "")
            + (f" · {', '.join(s.tags)}" if s.tags else "")
        )
        body = [f"{label}: {getattr(s, field)}" for label, field in SECTIONS if getattr(s, field)]
        st.text("\n".join([meta, *body]))
        if s.hidden_reason:
            st.warning(f"Hidden by a lead: {plain(s.hidden_reason)}")
        mine = s.author_id == me.id
        moderates = me.role in (Role.TEAM_LEAD, Role.MANAGER) and not mine
        if not mine and not moderates:
            _kudos(s, me, None)  # straight into the card: no row of columns for one button
            return
        b1, b2, b3 = st.columns(3)
        if not mine:
            _kudos(s, me, b1)
        else:
            b1.markdown(f"{s.kudos} found this helpful")
            _author_actions(s, me, b2, b3)
        if moderates:
            with b3.popover("Hide" if not s.hidden_reason else "Unhide"):
                reason = st.text_input(
                    "Reason the author will see (empty to unhide)", key=f"hide_reason_{s.id}"
                )
                if st.button("Save", key=f"hide_{s.id}"):
                    with db() as session:
                        hide_share(session, actor=me, share_id=s.id, reason=reason)
                    st.rerun()


def _kudos(s: ShareRead, me: Actor, where: st.delta_generator.DeltaGenerator | None) -> None:
    label = f"{'Helpful ✓' if s.mine_kudos else 'Helpful'} ({s.kudos})"
    if (where or st).button(label, key=f"kudos_{s.id}"):
        with db() as session:
            toggle_kudos(session, actor=me, share_id=s.id)
        st.rerun()


def _author_actions(
    s: ShareRead,
    me: Actor,
    delete_in: st.delta_generator.DeltaGenerator,
    edit_in: st.delta_generator.DeltaGenerator,
) -> None:
    with edit_in.popover("Edit"), SaveOnceForm(f"learn_edit_{s.id}") as edit_form:
        fields = {k: st.text_area(SHARE_TEXTS[k], value=getattr(s, k)) for _, k in SECTIONS}
        new_title = st.text_input(SHARE_TEXTS["title"], value=s.title)
        if edit_form.submitted("Save changes"):
            edited = ShareInput(new_title, tags=s.tags, visibility=s.visibility, **fields)
            edit_form.save(edit_share, actor=me, share_id=s.id, data=edited, done="Saved.")
    if delete_in.checkbox("Delete this share", key=f"del_ok_{s.id}") and delete_in.button(
        "Yes, delete", key=f"del_{s.id}"
    ):
        with db() as session:
            delete_share(session, actor=me, share_id=s.id)
        st.rerun()
