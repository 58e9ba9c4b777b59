"""Chat and webhooks: a team's (or the organisation's) Slack or Teams webhook, other systems'
endpoints (the signing secret shown once), a test message, and the recent deliveries."""

from collections.abc import Callable

import streamlit as st

from core.models import TargetKind
from core.notify.chat import CHAT_KINDS, DEFAULT_KINDS
from core.notify.connections import (
    KIND_NAMES,
    NewEndpoint,
    connections_view,
    register_endpoint,
    remove_connection,
    send_test_message,
    set_chat_webhook,
)
from core.notify.webhooks import EVENT_TYPES
from ui.connections import deliveries_frame, targets_frame, topic_label
from ui.forms import SaveOnceForm
from ui.state import actor, call
from ui.text import plain, widget_label
from ui.widgets import choose

SECRET_KEY = "admin_connections_secret"
SAID_KEY = "admin_connections_said"

me = actor()
st.title("Chat and webhooks")
st.markdown(
    "Send reminders, follow-ups, digests and dispute news to a team's **Slack** or "
    "**Microsoft Teams** channel, and tell other systems when something happens in Headway "
    "(signed **webhooks**). A message that fails is tried again with growing waits; it never "
    "holds back e-mail or the other channels. See the guide on webhooks for the set-up."
)

view = call(connections_view, actor=me)

st.header("Chat channels")
if view.chats:
    st.dataframe(targets_frame(view.chats), hide_index=True)
else:
    st.info("No chat webhook yet: notifications go to the inbox and by e-mail only.")
with SaveOnceForm("admin_connections_chat", show_done=True) as form:
    st.markdown(
        "**Set a chat webhook.** In Slack, add an *Incoming Webhook* to the channel; in "
        "Teams, an *Incoming Webhook* connector (or a Workflows webhook). Paste its address "
        "here. A team's webhook replaces the one it had; people without a team (managers, "
        "admins) and teams without one use the organisation's."
    )
    places = {0: "The organisation", **view.teams}  # 0: no team
    where = choose("For", places, key=form.key_for("where"))
    kind = choose(
        "Chat",
        {k: KIND_NAMES[k] for k in (TargetKind.SLACK, TargetKind.TEAMS)},
        key=form.key_for("kind"),
    )
    url = st.text_input("Webhook address", type="password", max_chars=1000)
    kinds = st.multiselect(
        "Carries",
        list(CHAT_KINDS),
        default=list(DEFAULT_KINDS),
        format_func=topic_label,
        help="Each message is the notification's title and a link. Dispute news names scores: "
        "add it only for a channel that the people concerned alone read.",
    )
    if form.submitted("Set chat webhook", type="primary"):
        form.save(
            set_chat_webhook,
            actor=me,
            kind=kind,
            team_id=where or None,
            url=url,
            kinds=kinds,
            done=lambda sentence: sentence,
        )

st.header("Other systems")
if view.endpoints:
    st.dataframe(targets_frame(view.endpoints), hide_index=True)
else:
    st.info("No endpoint yet. Register one when another system wants to hear of changes.")


def _keep_secret(label: str) -> Callable[[NewEndpoint], str]:
    def keep(new: NewEndpoint) -> str:
        """Keep the secret for the next run, which shows it once."""
        st.session_state[SECRET_KEY] = {"label": label.strip(), "secret": new.secret}
        return ""

    return keep


with SaveOnceForm("admin_connections_endpoint", show_done=False) as form:
    st.markdown("**Register an endpoint.** Headway posts each event as signed JSON.")
    label = st.text_input("Name (which system receives it)", max_chars=80)
    endpoint_url = st.text_input("Endpoint address (https://…)", max_chars=1000)
    events = st.multiselect(
        "Events",
        list(EVENT_TYPES),
        format_func=lambda e: f"{e} — {EVENT_TYPES[e]}",
    )
    if form.submitted("Register endpoint", type="primary"):
        form.save(
            register_endpoint,
            actor=me,
            label=label,
            url=endpoint_url,
            events=events,
            done=_keep_secret(label),
        )

# Under the form, where the admin is when they click Register (the page keeps its place).
made = st.session_state.pop(SECRET_KEY, None)
if made is not None:
    st.success(
        f"Endpoint “{plain(made['label'])}” registered. Copy its signing secret now: it is not "
        "shown again. The receiver checks each message's `Headway-Signature` with it."
    )
    st.code(made["secret"], language=None)

if view.targets:
    st.header("Test or remove")
    names = {t.id: t.name for t in view.targets}
    chosen = choose("Connection", names, key="admin_connections_chosen")
    if st.button("Send a test message", key=f"admin_connections_test_{chosen}"):
        result = call(send_test_message, actor=me, target_id=chosen)
        st.session_state[SAID_KEY] = (result.ok, result.sentence)
        st.rerun()
    sure = st.checkbox(
        f"Yes, remove “{widget_label(names[chosen])}” — nothing more is sent to it",
        key=f"admin_connections_sure_{chosen}",
    )
    if st.button("Remove", disabled=not sure, key=f"admin_connections_remove_{chosen}"):
        st.session_state[SAID_KEY] = (True, call(remove_connection, actor=me, target_id=chosen))
        st.rerun()
# Under the buttons that asked for it (the page keeps its place on a rerun).
if (said := st.session_state.pop(SAID_KEY, None)) is not None:
    ok, sentence = said
    (st.success if ok else st.warning)(plain(sentence))

st.header("Recent deliveries")
if view.deliveries:
    st.caption(
        "The newest first. A failed try is tried again after 1, 2, 4… minutes (six tries in "
        "all); “Last error” says what the receiver answered."
    )
    st.dataframe(deliveries_frame(view.deliveries), hide_index=True)
else:
    st.caption("Nothing sent yet.")
