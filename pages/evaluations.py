"""QA evaluations (team lead, manager): score an interaction on a scorecard; review disputed
evaluations; managers see dispute and overturn rates per evaluator; manage forms."""

import datetime as dt
import json

import streamlit as st

from core.access import owns_scorecards
from core.clock import today
from core.disputes import dispute_rates, disputes_of_my_evaluations, disputes_to_review
from core.models import Role
from core.org import list_people, people_labels
from core.quality import (
    DEFAULT_FORM,
    list_evaluations,
    list_scorecards,
    record_evaluation,
    save_scorecard,
)
from ui.conversation import (
    decision_form,
    rates_frame,
    show_answers,
    show_dispute,
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
    disputed = {
        d.id: list_evaluations(
            session, actor=me, agent_id=d.agent_id, evaluation_id=d.evaluation_id
        )
        for d in to_review
    }
agent_labels = people_labels(agents)

# Tracked tabs (a key): the page stays on the tab after a save; a reminder's link opens disputes.
evaluate, review, forms = st.tabs(
    ["Evaluate an interaction", "Disputes to review", "Scorecards"],
    key="eval_tab",
    on_change="rerun",
    default="Disputes to review" if st.query_params.get("dispute") else None,
)
with review:
    show_done_of_gone_forms("decide_")
    if to_review:
        overdue = sum(d.overdue for d in to_review)
        st.markdown(
            f"**{len(to_review)} open** "
            + ("dispute" if len(to_review) == 1 else "disputes")
            + (f", {overdue} overdue" if overdue else "")
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
        late = " · overdue" if d.overdue else ""
        with st.expander(
            f"{plain(d.agent)} · scored by {plain(d.evaluator)} on {d.evaluation_date:%d %b} · "
            f"due {d.due_date:%a %d %b}{late}"
            + (" · yours to decide" if d.owner_id == me.id else f" · owner {plain(d.owner)}"),
            expanded=requested == str(d.id) or len(to_review) == 1,
            key=f"eval_dispute_{d.id}",
        ):
            show_dispute(d)
            [e] = disputed[d.id]
            show_answers(e)
            decision_form(me, d, e)
    show_scored_by_me(scored_by_me, requested)
    if owns_scorecards(me):
        st.subheader("Dispute and overturn rates by evaluator")
        st.markdown(
            "Evaluations of the last 90 days: the share that agents disputed, and of the decided "
            "disputes the share whose score was adjusted. A high overturn rate is worth a "
            "calibration session; a few disputes are normal."
        )
        with db() as session:
            rates = dispute_rates(
                session, actor=me, start=today() - dt.timedelta(days=90), end=today()
            )
        if rates:
            st.dataframe(rates_frame(rates), hide_index=True)
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
            ref = c4.text_input("Interaction reference")
            answers = []
            for s_index, section in enumerate(card.sections):
                st.markdown(f"**{plain(section.title)}** · weight {section.weight:g}")
                row = []
                for q_index, question in enumerate(section.questions):
                    label = plain(question.text) + (" (critical)" if question.critical else "")
                    options = list(question.scale)
                    row.append(
                        st.radio(
                            label,
                            options,
                            horizontal=True,
                            key=f"{eval_form.key}_{s_index}_{q_index}",
                        )
                    )
                answers.append(row)
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
        "A form has weighted sections of questions (kind `yes_no` or `scale` for 1–5; `critical` items "
        "zero the evaluation when failed). Saving under an existing name makes a new version; "
        "earlier evaluations keep the version they used."
    )
    for c in cards:
        st.markdown(
            f"- **{plain(c.family)}** version {c.version}: "
            + ", ".join(f"{plain(s.title)} ({s.weight:g})" for s in c.sections)
        )
    if not owns_scorecards(me):
        st.info("A manager changes the scorecards: every lead scores with the same form.")
    else:
        with SaveOnceForm("eval_new_form") as card_form:
            name = st.text_input(
                "Scorecard name", value=cards[0].family if cards else "Voice quality"
            )
            definition = st.text_area(
                "Definition (JSON)", value=json.dumps(DEFAULT_FORM, indent=2), height=300
            )
            if card_form.submitted("Save scorecard"):
                card_form.save(
                    save_scorecard,
                    actor=me,
                    family=name,
                    definition=definition,
                    done=lambda saved: f"Saved {saved.family} version {saved.version}.",
                )
