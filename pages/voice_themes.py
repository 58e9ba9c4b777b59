"""Customer themes (team leads, managers): insights grouped by reason and department, searched,
merged and promoted to themes; contact reasons agents proposed."""

import streamlit as st

from core.models import InsightKind
from core.people.org import list_departments
from core.voice.insights import WEEKS, merge_insights, promote_to_theme
from core.voice.reads import insight_overview
from core.voice.reasons import active_reasons, decide_reason, proposed_reasons
from ui.forms import SaveOnceForm, show_done_of_gone_forms
from ui.state import actor, db
from ui.text import plain
from ui.voice import KIND_LABELS, groups_frame, insights_frame, weekly_figure
from ui.widgets import choose, plot

me = actor()
st.title("Customer themes")
st.markdown(
    "What customers tell your agents, grouped by contact reason and the department it concerns: "
    "how many contacts raised it and from how many agents. Merge insights that say the same "
    "thing, and make a theme of the ones a department should hear about."
)
with db() as session:
    reasons = {r.id: r.name for r in active_reasons(session)}
    departments = {d.id: d.name for d in list_departments(session)}
    proposals = proposed_reasons(session, actor=me)
for p in proposals:
    left, accept, decline = st.columns([4, 1, 1], vertical_alignment="center")
    left.markdown(f"**{plain(p.proposed_by)}** proposes the contact reason “{plain(p.name)}”.")
    for where, label, yes in ((accept, "Accept", True), (decline, "Decline", False)):
        if where.button(label, key=f"themes_reason_{p.id}_{label}"):
            with db() as session:
                decide_reason(session, actor=me, reason_id=p.id, accept=yes)
            st.rerun()

c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
words = c1.text_input("Search what customers said", key="themes_words")
reason = choose("Reason", {0: "Any reason", **reasons}, key="themes_reason", where=c2)
department = choose("Department", {0: "Any department", **departments}, key="themes_dept", where=c3)
kinds = {k.value: label for k, label in KIND_LABELS.items()}
kind = choose("Kind", {"": "Any kind", **kinds}, key="themes_kind", where=c4)
c5, c6, c7 = st.columns([1, 1, 1])
themed = choose(
    "Theme",
    {"": "With or without", "no": "Not in a theme yet", "yes": "In a theme"},
    key="themes_themed",
    where=c5,
)
order = c6.radio("Order", ["newest", "most heard"], horizontal=True, key="themes_order")
page = int(c7.number_input("Page", 1, 10_000, 1, key="themes_page"))
with db() as session:
    view = insight_overview(
        session,
        actor=me,
        words=words,
        reason_id=reason or None,
        department_id=department or None,
        kind=InsightKind(kind) if kind else None,
        themed={"": None, "no": False, "yes": True}[themed],
        order="most heard" if order == "most heard" else "newest",
        page=page,
    )
if not view.groups:
    st.info(
        "No insights match. Agents log them on Customer voice (or from My day); they appear "
        "here grouped by reason and department."
    )
    st.stop()
plot(
    weekly_figure(
        view.weekly, f"Contacts that raised these insights, by week (last {WEEKS} weeks)"
    ),
    empty=f"No contacts in the last {WEEKS} weeks.",
)
st.subheader("By reason and department, all time")
st.dataframe(groups_frame(view.groups), hide_index=True)
st.subheader(f"Insights ({view.total}; page {view.page} of {view.pages})")
st.dataframe(insights_frame(view.insights), hide_index=True)
# "#12 · Refund status · Billing: …": what an insight is about, beside its words.
labels = {i.id: f"#{i.id} · {i.reason} · {i.department}: {i.text[:80]}" for i in view.insights}
free = {i.id: labels[i.id] for i in view.insights if i.theme_id is None}
by_id = {i.id: i for i in view.insights}
promote, merge = st.columns(2)
with promote:
    st.markdown("**Make a theme** of an insight a department should hear about")
    if not free:
        show_done_of_gone_forms("themes_promote")  # the one just promoted left the list
        st.text("Every insight on this page is in a theme already.")
    else:
        with SaveOnceForm("themes_promote") as form:
            chosen = choose("Insight", free, key=form.key_for("insight"))
            title = st.text_input(
                "Theme title (short)", placeholder="e.g. Refund status not visible"
            )
            if form.submitted("Make it a theme", type="primary"):
                form.save(
                    promote_to_theme,
                    actor=me,
                    insight_id=chosen,
                    title=title,
                    expected_version=by_id[chosen].version,
                    done="Theme made: the department's ambassadors are told and take it from here.",
                )
with merge:
    st.markdown("**Merge** two insights that say the same thing (the counts add up)")
    if len(labels) < 2:
        st.text("Merging needs two insights on this page.")
    else:
        with SaveOnceForm("themes_merge") as form:
            # Nothing chosen to begin with, and a tick to confirm: a merge cannot be undone.
            keep, other = (
                st.selectbox(
                    label,
                    list(labels),
                    index=None,
                    format_func=labels.__getitem__,
                    placeholder=placeholder,
                    key=form.key_for(key),
                )
                for label, placeholder, key in (
                    (
                        "Keep this insight (its wording stays)",
                        "Choose the insight to keep…",
                        "keep",
                    ),
                    (
                        "Fold this one into it (its contacts move over)",
                        "Choose the insight that says the same thing…",
                        "other",
                    ),
                )
            )
            sure = st.checkbox(
                "They say the same thing: merge them (a merge cannot be undone)",
                key=form.key_for("sure"),
            )
            if form.submitted("Merge"):
                if keep is None or other is None:
                    st.error("Choose the two insights to merge: the one to keep and the other.")
                elif not sure:
                    st.error("Tick “They say the same thing” to merge them.")
                else:
                    form.save(
                        merge_insights,
                        actor=me,
                        keep_id=keep,
                        merge_id=other,
                        keep_version=by_id[keep].version,
                        merge_version=by_id[other].version,
                        done=lambda n: f"Merged: {n} contacts now; nothing was lost.",
                    )
