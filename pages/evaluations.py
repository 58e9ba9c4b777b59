"""QA evaluations (team lead, manager): score an interaction on a scorecard; review disputed
evaluations; managers see dispute and overturn rates per evaluator; manage forms."""

import streamlit as st

from core.coaching.conversation import conversation
from core.models import CommentOn, Role
from core.people.access import owns_scorecards
from core.people.org import list_people, people_labels
from core.platform.clock import today
from core.quality.dispute_reads import (
    disputes_decided_by,
    disputes_of_my_evaluations,
    disputes_to_review,
)
from core.quality.evaluations import (
    list_evaluations,
    list_scorecards,
    record_evaluation,
)
from ui.evaluations import (
    decision_panel,
    dispute_label,
    question_radios,
    rates_section,
    scorecards_section,
    show_decided,
    show_scored_by_me,
)
from ui.forms import SaveOnceForm, show_done_of_gone_forms
from ui.state import actor, db
from ui.widgets import qa_score_text

me = actor()
st.title("QA evaluations")
with db() as session:
    cards = list_scorecards(session, actor=me)
    agents = [p for p in list_people(session, actor=me) if p.role is Role.AGENT]
    to_review = disputes_to_review(session, actor=me)
    scored_by_me = disputes_of_my_evaluations(session, actor=me)
    decided_by_me = disputes_decided_by(session, actor=me)
    disputed = {
        d.id: list_evaluations(
            session, actor=me, agent_id=d.agent_id, evaluation_id=d.evaluation_id
        )[0]
        for d in to_review
    }
    conversations = {
        d.id: conversation(
            session, actor=me, agent_id=d.agent_id, note_ids=[], evaluation_ids=[d.evaluation_id]
        ).on(CommentOn.EVALUATION, d.evaluation_id)
        for d in to_review
    }
agent_labels = people_labels(agents)

# The disputes' tab says how many wait (and how many are overdue), so it reads from any tab.
overdue = sum(d.overdue for d in to_review)
REVIEW = "Disputes to review" + (
    f" ({len(to_review)}" + (f", {overdue} overdue" if overdue else "") + ")" if to_review else ""
)
# Tracked tabs (a key): the page stays on the tab after a save; a reminder's link opens disputes.
# A tab's identity follows its labels and its default: a new count is a new label, so the tab
# the reader is on is also the default (stable while they stay; they stay on it when it changes).
shown = str(st.session_state.get("eval_tab", ""))
labels = ["Evaluate an interaction", REVIEW, "Scorecards"]
if shown.startswith("Disputes to review"):
    opened_tab: str | None = REVIEW
elif shown in labels:
    opened_tab = shown
else:
    opened_tab = (
        REVIEW if st.query_params.get("dispute") or st.query_params.get("show") == "rates" else None
    )
evaluate, review, forms = st.tabs(labels, key="eval_tab", on_change="rerun", default=opened_tab)
rates_first = owns_scorecards(me) and st.query_params.get("show") == "rates"  # from Drift
with review:
    if rates_first:
        rates_section(me)
    show_done_of_gone_forms("decide_")
    if to_review:
        st.markdown(
            f"**{len(to_review)} open** "
            + ("dispute" if len(to_review) == 1 else "disputes")
            + (f", **{overdue} overdue**" if overdue else "")
            + ": yours first, then by due date. Uphold the score, or adjust it by answering the "
            "disputed questions again; give a reason either way."
        )
    else:
        st.info(
            "No disputes await you. When an agent disputes a score that someone else gave, it "
            "appears here with its reason; you uphold it or adjust the score."
        )
    requested = st.query_params.get("dispute")
    for d in to_review:
        with st.expander(
            dispute_label(d, me),
            expanded=requested == str(d.id) or len(to_review) == 1,
            icon=":material/warning:" if d.overdue else None,
            key=f"eval_dispute_{d.id}",
        ):
            decision_panel(me, d, disputed[d.id], conversations[d.id])
    show_decided(decided_by_me, me, requested)
    show_scored_by_me(scored_by_me, requested)
    if owns_scorecards(me) and not rates_first:
        rates_section(me)
with evaluate:
    if not cards or not agents:
        st.info("Create a scorecard first (Scorecards tab), and make sure your team has agents.")
    else:
        card = st.selectbox(
            "Scorecard",
            cards,
            format_func=lambda c: f"{c.family} (version {c.version})",
            key="eval_card",
        )
        with SaveOnceForm(f"eval_form_{card.id}") as eval_form:
            c1, c2, c3, c4 = st.columns(4)
            agent = c1.selectbox("Agent", agents, format_func=lambda p: agent_labels[p.id])
            day = c2.date_input("Date", value=today(), max_value=today(), format="YYYY-MM-DD")
            channel = c3.selectbox("Channel", ["phone", "chat", "email", "social"])
            ref = c4.text_input(
                "Interaction reference", placeholder="CALL-10423, or the recording's link"
            )
            st.markdown(
                "Answer every question (n.a. where it does not apply): none is answered for you."
            )
            answers = question_radios(card.sections, eval_form.key)
            comments = st.text_area("Comments for the agent")
            if eval_form.submitted("Save evaluation", type="primary"):
                eval_form.save(
                    record_evaluation,
                    actor=me,
                    agent_id=agent.id,
                    scorecard_id=card.id,
                    answers=answers,
                    date=day,
                    interaction_ref=ref,
                    channel=channel,
                    comments=comments,
                    done=lambda result: (
                        f"Saved: {qa_score_text(result.score, auto_fail=result.critical_failed)}."
                    ),
                )

with forms:
    scorecards_section(me, cards)
