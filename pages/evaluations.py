"""QA evaluations (team lead, manager): score an interaction on a scorecard; review disputed
evaluations; managers see dispute and overturn rates per evaluator; manage forms."""

import datetime as dt
import json

import streamlit as st

from core.access import owns_scorecards
from core.clock import today
from core.conversation import conversation
from core.disputes import (
    dispute_rates,
    dispute_rates_csv,
    disputes_decided_by,
    disputes_of_my_evaluations,
    disputes_to_review,
)
from core.models import CommentOn, Role
from core.org import list_people, people_labels
from core.quality import (
    DEFAULT_FORM,
    list_evaluations,
    list_scorecards,
    record_evaluation,
    save_scorecard,
)
from ui.evaluations import (
    decision_panel,
    definition_of,
    dispute_label,
    question_radios,
    rates_frame,
    scorecard_frame,
    show_decided,
    show_scored_by_me,
)
from ui.forms import SaveOnceForm, show_done_of_gone_forms
from ui.state import actor, db
from ui.text import plain
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
    opened_tab = REVIEW if st.query_params.get("dispute") else None
evaluate, review, forms = st.tabs(labels, key="eval_tab", on_change="rerun", default=opened_tab)
with review:
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
    if owns_scorecards(me):
        st.subheader("Dispute and overturn rates by evaluator")
        st.markdown(
            "Evaluations of the last 90 days: how many agents disputed, and of the decided "
            "disputes how many were adjusted (overturned). A share means little under five "
            "decided disputes; a high one over many is worth a calibration session, and a few "
            "disputes are normal."
        )
        with db() as session:
            rates = dispute_rates(
                session, actor=me, start=today() - dt.timedelta(days=90), end=today()
            )
        if rates:
            st.dataframe(rates_frame(rates), hide_index=True)
            st.download_button(
                "Download the rates (CSV, with the shares as numbers)",
                dispute_rates_csv(rates),
                f"dispute-rates-{today().isoformat()}.csv",
                "text/csv",
                key="dispute_rates_csv",
            )
        else:
            st.info("No evaluations in the last 90 days: the rates appear once leads score.")
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
    st.markdown(
        "A scorecard has weighted sections of questions, each answered yes / no or on a 1 to 5 "
        "scale (n.a. where it does not apply). A critical question that fails (no, or 1) makes "
        "the whole evaluation score 0. Saving under an existing name makes a new version; "
        "earlier evaluations keep the version they used."
    )
    for c in cards:
        st.markdown(f"**{plain(c.family)}** · version {c.version}")
        st.dataframe(scorecard_frame(c), hide_index=True)
    if not owns_scorecards(me):
        st.info("A manager changes the scorecards: every lead scores with the same form.")
    else:
        with st.expander("Edit as JSON (new scorecard or new version)"):
            st.markdown(
                "The scorecard written as JSON: each section has a title, a weight and questions; "
                'each question a text, a kind ("yes_no" for yes / no, "scale" for 1 to 5) and, '
                'for a critical one, "critical": true.'
            )
            with SaveOnceForm("eval_new_form") as card_form:
                name = st.text_input(
                    "Scorecard name", value=cards[0].family if cards else "Voice quality"
                )
                definition = st.text_area(
                    "Definition (JSON)",
                    value=json.dumps(definition_of(cards[0]) if cards else DEFAULT_FORM, indent=2),
                    height=300,
                )
                if card_form.submitted("Save scorecard"):
                    card_form.save(
                        save_scorecard,
                        actor=me,
                        family=name,
                        definition=definition,
                        done=lambda saved: f"Saved {saved.family} version {saved.version}.",
                    )
