"""Audit trail (admin): who read or changed sensitive records and accounts; search, download."""

import datetime as dt

import streamlit as st

from core.models import AuditAction
from core.people import audit
from core.people.org import list_people, people_labels
from core.platform.clock import today
from ui.downloads import deferred_download
from ui.state import actor, db
from ui.widgets import choose

ANYONE, ANY = 0, ""
RESULTS_KEY = "audit_results"

me = actor()
st.title("Audit trail")
st.markdown(
    "Who read or changed a coaching note, a private remark or an evaluation, every change to "
    "accounts and sessions, and the jobs that remove old records. The trail cannot be edited "
    "or deleted, not even by Headway; your searches and downloads are recorded in it too."
)
with db() as session:
    people = list_people(session, actor=me, include_inactive=True)
labels = people_labels(people)

with st.form("audit_search"):
    c1, c2, c3 = st.columns(3)
    person_id = choose(
        "Person (who acted, or whom it is about)",
        {ANYONE: "Anyone", **labels},
        key="audit_person",
        where=c1,
    )
    action = choose(
        "Action",
        {ANY: "Any action", **{a.value: a.value.replace("_", " ") for a in AuditAction}},
        key="audit_action",
        where=c2,
    )
    record_type = choose(
        "Record type",
        {ANY: "Any record", **{t: t.replace("_", " ") for t in audit.RECORD_TYPES}},
        key="audit_type",
        where=c3,
    )
    c4, c5 = st.columns(2)
    since = c4.date_input("From", value=today() - dt.timedelta(days=30), format="YYYY-MM-DD")
    until = c5.date_input("To (empty: up to now)", value=None, format="YYYY-MM-DD")
    searched = st.form_submit_button("Search", type="primary")

if searched:
    query = audit.AuditQuery(
        person_id=person_id or None,
        action=AuditAction(action) if action else None,
        record_type=record_type or None,
        since=since if isinstance(since, dt.date) else None,
        until=until if isinstance(until, dt.date) else None,
    )
    with db() as session:
        st.session_state[RESULTS_KEY] = (query, audit.run_search(session, actor=me, query=query))

if RESULTS_KEY not in st.session_state:
    st.info("Choose what to look for and press Search: the newest matching events come first.")
    st.stop()

query, found = st.session_state[RESULTS_KEY]
if not found.rows:
    st.info("No event matches this search: widen the dates or choose “Any” in a filter.")
    st.stop()
if found.more:
    st.warning(
        f"Showing the newest {len(found.rows)} events — narrow the search (a person, an action "
        "or fewer days) to see older ones."
    )
else:
    st.markdown(f"{len(found.rows)} {'event' if len(found.rows) == 1 else 'events'}, newest first.")
st.dataframe(
    [
        {
            "Time (UTC)": r.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "Who": r.actor,
            "Action": r.action.value.replace("_", " "),
            "Record": r.record_type.replace("_", " ")
            + ("" if r.record_id is None else f" #{r.record_id}"),
            "About": r.subject,
            "Client address": r.client,
            "Detail": r.detail,
        }
        for r in found.rows
    ],
    hide_index=True,
)
deferred_download(
    "Download all matching events (CSV)",
    lambda session: audit.export_csv(session, actor=me, query=query),
    file_name=f"headway-audit-{today().isoformat()}.csv",
    mime="text/csv",
    key="audit_csv",
    help=f"Up to {audit.MAX_RESULTS} matching events, newest first; the download is recorded.",
)
