"""API tokens: make one (shown once), see yours (an admin: everyone's) with their last use and
recent uses, revoke one."""

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.connect.tokens import (
    LONGEST_DAYS,
    NewToken,
    create_token,
    offered_scopes,
    revoke_token,
    tokens_view,
)
from core.models import Role, TokenKind
from core.platform.clock import today
from ui.forms import SaveOnceForm
from ui.state import actor, call
from ui.text import plain, widget_label
from ui.widgets import choose

MADE_KEY = "api_token_made"
SAID_KEY = "api_token_said"
CHOSEN_KEY = "api_token_chosen"

me = actor()
st.title("API tokens")
uses = (
    "a system — a QA tool's nightly export, the telephony platform's interval report, an "
    "identity provider — or your own spreadsheet"
    if me.is_admin
    else "your own script or spreadsheet read what you may see in Headway (people and teams"
    + ("" if me.role is Role.AGENT else ", your teams' growth and coverage")
    + ")"
)
st.markdown(
    f"A token lets {uses} through Headway's API (`/api/v1`, described at "
    "[/api/v1/openapi.json](/api/v1/openapi.json)). It acts as you, with the rights you have "
    "when it is used, and only within its scopes. Send it as `Authorization: Bearer hw_…`."
)

if (said := st.session_state.pop(SAID_KEY, None)) is not None:
    st.success(plain(said))
made = st.session_state.pop(MADE_KEY, None)
if made is not None:
    st.success(
        f"Token “{plain(made['name'])}” made. Copy it now: Headway keeps only a fingerprint and "
        "cannot show it again."
    )
    st.code(made["text"], language=None)

st.subheader("Make a token")
kinds = {TokenKind.PERSONAL: "Personal: reads what I may see"}
if me.is_admin:
    kinds = {TokenKind.SERVICE: "Service: for a system, any scope", **kinds}


def _made(name: str) -> Callable[[NewToken], str]:
    def keep(new: NewToken) -> str:
        """Keep the new token's text for the next run, which shows it once, and choose it."""
        st.session_state[MADE_KEY] = {"name": name.strip(), "text": new.text}
        st.session_state[CHOSEN_KEY] = new.id
        return ""

    return keep


# Saved once: a double click on Make token makes one token, not two (its sentence and the
# token itself are shown above, once).
with SaveOnceForm("api_token_new", show_done=False) as form:
    name = st.text_input("Name (which system or script uses it)", max_chars=80)
    kind = choose("Kind", kinds, key=form.key_for("kind"))
    offered = offered_scopes(me)
    scopes = st.multiselect(
        "Scopes",
        list(offered),
        format_func=lambda s: f"{s} — {offered[s]}",
        help="A personal token reads only; a write scope needs a service token.",
    )
    expires = st.date_input(
        f"Valid until (at most {LONGEST_DAYS} days from today)",
        value=today() + dt.timedelta(days=90),
        min_value=today() + dt.timedelta(days=1),
        max_value=today() + dt.timedelta(days=LONGEST_DAYS),
        format="YYYY-MM-DD",
    )
    if form.submitted("Make token", type="primary"):
        form.save(
            create_token,
            actor=me,
            name=name,
            kind=kind,
            scopes=scopes,
            expires_on=expires,
            done=_made(name),
        )

view = call(tokens_view, actor=me, chosen=st.session_state.get(CHOSEN_KEY))
tokens = view.tokens
st.subheader("Everyone's tokens" if me.is_admin else "My tokens")
if view.chosen is None:
    st.info("No tokens yet. Make one above when a system needs to call Headway.")
    st.stop()


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


st.dataframe(
    pd.DataFrame(
        {
            "Name": [t.name for t in tokens],
            "Kind": [t.kind.value for t in tokens],
            "Made by": [t.owner for t in tokens],
            "Scopes": [", ".join(t.scopes) for t in tokens],
            "Starts with": [t.prefix + "…" for t in tokens],
            "State": [t.state for t in tokens],
            "Valid until": [t.valid_until.isoformat() for t in tokens],
            "Last used": [_when(t.last_used_at) for t in tokens],
            "Uses": [t.uses for t in tokens],
        }
    ),
    hide_index=True,
)

# Without the state: a label that changes (active → revoked) is not redrawn in an open picker.
labels = {t.id: f"{t.name} ({t.prefix}…)" for t in tokens}
# The picker's choice reaches the script before it runs, so the view was read for it; a choice
# not among the tokens falls back to the newest, which is also the picker's first option.
chosen = choose("Token", labels, key=CHOSEN_KEY)
token = view.chosen
st.markdown(f"**Recent uses of “{plain(token.name)}”** ({token.uses} in all)")
if view.uses:
    st.dataframe(
        pd.DataFrame(
            {"When": [_when(u.at) for u in view.uses], "Request": [u.detail for u in view.uses]}
        ),
        hide_index=True,
    )
else:
    st.caption("Not used yet.")
if token.state != "revoked":
    sure = st.checkbox(
        f"Yes, revoke “{widget_label(token.name)}” — requests with it are refused from now on",
        key=f"api_token_sure_{chosen}",
    )
    if st.button("Revoke token", disabled=not sure, key=f"api_token_revoke_{chosen}"):
        st.session_state[SAID_KEY] = call(revoke_token, actor=me, token_id=chosen)
        st.rerun()
