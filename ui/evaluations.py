"""QA evaluations on screen, the reviewer's side: the evaluate form's questions (none answered to
begin with), a dispute's decision panel (the agent's words and comments, the interaction, the
score the new answers would give), the decided disputes, the rates per evaluator and the
scorecards as a table. What people wrote is shown as text."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from core.coaching.conversation import CommentRead
from core.models import Role
from core.people.access import Actor, owns_scorecards
from core.platform.clock import today
from core.quality.calibration_sessions import safe_link
from core.quality.dispute_reads import EvaluatorDisputes, dispute_rates, dispute_rates_csv
from core.quality.dispute_review import decide_dispute
from core.quality.disputes import Decision, DisputeRead, answer_text, question_labels, reanswer
from core.quality.evaluations import (
    DEFAULT_FORM,
    Answer,
    EvaluationRead,
    ScorecardRead,
    Section,
    save_scorecard,
)
from ui.conversation import show_answers, show_comments, show_dispute
from ui.forms import SaveOnceForm
from ui.state import db
from ui.text import plain, widget_label
from ui.widgets import day_text, qa_score_text

KIND_WORDS = {"yes_no": "yes / no", "scale": "1 to 5"}


def question_radios(sections: Sequence[Section], key: str) -> list[list[Answer]]:
    """One radio per scorecard question, section by section, on the question's own scale and
    none chosen to begin with: a question left out is refused by core (score_answers names
    it), never saved as "yes" or 1. "" stands for "not answered"."""
    answers: list[list[Answer]] = []
    for s_index, section in enumerate(sections):
        st.markdown(f"**{plain(section.title)}** · weight {section.weight:g}")
        row: list[Answer] = []
        for q_index, question in enumerate(section.questions):
            chosen = st.radio(
                widget_label(question.text) + (" (critical)" if question.critical else ""),
                list(question.scale),
                index=None,
                format_func=answer_text,
                horizontal=True,
                key=f"{key}_{s_index}_{q_index}",
            )
            row.append("" if chosen is None else chosen)
        answers.append(row)
    return answers


def dispute_label(d: DisputeRead, me: Actor) -> str:
    """An open dispute's expander label: the agent, the evaluation, the due date (in warning
    orange when it has passed) and whose it is to decide."""
    due = (
        f":orange[**overdue** since {day_text(d.due_date)}]"
        if d.overdue
        else f"due {day_text(d.due_date)}"
    )
    return (
        f"{plain(d.agent)} · scored by {plain(d.evaluator)} on {d.evaluation_date:%d %b} · {due}"
        + (" · yours to decide" if d.owner_id == me.id else f" · owner {plain(d.owner)}")
    )


def interaction_line(e: EvaluationRead) -> None:
    """The interaction the evaluation scored: its reference (a link when it is a web address:
    the recording or the ticket), channel and date."""
    where = f"{e.channel}, {day_text(e.date)}, scored by {plain(e.evaluator)}"
    if not e.interaction_ref:
        st.markdown(f"**Interaction:** no reference was given ({where}).")
    elif safe_link(e.interaction_ref):
        st.markdown(f"**Interaction:** [{plain(e.interaction_ref)}]({e.interaction_ref}) ({where})")
    else:
        st.markdown(f"**Interaction:** {plain(e.interaction_ref)} ({where})")


def decision_panel(
    me: Actor, d: DisputeRead, e: EvaluationRead, comments: Sequence[CommentRead]
) -> None:
    """All a reviewer needs to decide: who owns it, the dispute and its history, the interaction,
    the evaluator's answers and comments, the conversation on the evaluation, then the form."""
    if note := d.ownership(me.id, reader_is_manager=me.role is Role.MANAGER):
        st.info(note, icon=":material/person:")
    show_dispute(d, reader_id=me.id)
    interaction_line(e)
    show_answers(e)
    st.markdown("**Conversation on this evaluation**")
    if comments:
        show_comments(comments, agent_id=e.agent_id, me=me)
    else:
        st.markdown("No comments on this evaluation.")
    decision_form(me, d, e)


def decision_form(me: Actor, d: DisputeRead, e: EvaluationRead) -> None:
    """The reviewer upholds, or adjusts by answering the disputed questions again (any question
    when the whole evaluation is disputed). The choice and the answers sit outside the form, so
    that the questions appear only for "Adjust" and the score they would give shows as they
    change (core.quality.disputes.reanswer: the scorecard's own rule)."""
    form = SaveOnceForm(f"decide_{d.id}", show_done=False)
    form.show_done()
    choice = st.radio(
        "Decision",
        list(Decision),
        format_func=lambda c: (
            "Uphold the score" if c is Decision.UPHOLD else "Adjust it: answer questions again"
        ),
        horizontal=True,
        key=form.key_for("decision"),
    )
    answers: dict[str, Answer] = {}
    if choice is Decision.ADJUST:
        with st.container(border=True):
            st.markdown(
                "Answer again on the scorecard's scale"
                + (
                    " the questions the agent disputed"
                    if d.reanswerable
                    else " any question (the whole evaluation is disputed)"
                )
                + "; the score follows from the scorecard. Each starts at the evaluator's answer."
            )
            labels = question_labels(e.sections)
            places = [q for s in e.sections for q in s.questions]
            flat = [a for row in e.answers for a in row]
            for n, (label, question, given) in enumerate(zip(labels, places, flat, strict=True)):
                if d.reanswerable is not None and label not in d.reanswerable:
                    continue
                scale = list(question.scale)
                answers[label] = st.radio(
                    widget_label(label) + (" (critical)" if question.critical else ""),
                    scale,
                    index=scale.index(given) if given in scale else None,
                    format_func=answer_text,
                    horizontal=True,
                    key=form.key_for(f"answer_{n}"),
                )
            _, result, changes = reanswer(e.sections, e.answers, answers, allowed=d.reanswerable)
            was = qa_score_text(e.score, auto_fail=e.critical_failed)
            if changes:
                st.markdown(
                    f"**New score: {qa_score_text(result.score, auto_fail=result.critical_failed)}**"
                    f" (was {was})"
                )
            else:
                st.markdown(f"No answer changed yet: the score stays at {was}.")
    with form:
        reason = st.text_area(
            "Reason (the agent and the evaluator read it)", height=80, key=form.key_for("reason")
        )
        if form.submitted("Save decision", type="primary"):
            form.save(
                decide_dispute,
                actor=me,
                dispute_id=d.id,
                decision=choice,
                reason=reason,
                answers=answers,
                done=lambda r: f"Decided: {r.state()}.",
            )


def show_scored_by_me(disputes: Sequence[DisputeRead], requested: str | None) -> None:
    """The disputes of evaluations the reader scored: they follow them, someone else decides."""
    st.subheader("Disputes of evaluations you scored")
    if not disputes:
        st.markdown(
            "None. When an agent disputes a score you gave, it appears here with its reason and, "
            "once decided, the decision: another lead or a manager decides it."
        )
        return
    for d in disputes:
        with st.expander(
            f"{plain(d.agent)} · your evaluation of {d.evaluation_date:%d %b} · {d.status.value}",
            expanded=requested == str(d.id),
            key=f"eval_scored_{d.id}",
        ):
            show_dispute(d)


def show_decided(disputes: Sequence[DisputeRead], me: Actor, requested: str | None) -> None:
    """The disputes the reader decided, the newest decision first, each with its outcome."""
    st.subheader("Decided by you")
    if not disputes:
        st.markdown(
            "None yet. Once you uphold or adjust a dispute it moves here, with your reason."
        )
        return
    for d in disputes:
        when = f" on {day_text(d.decided_at.date())}" if d.decided_at else ""
        with st.expander(
            f"{plain(d.agent)} · evaluation of {d.evaluation_date:%d %b} by {plain(d.evaluator)}"
            f" · {plain(d.state(me.id))} · decided{when}",
            expanded=requested == str(d.id),
            key=f"eval_decided_{d.id}",
        ):
            show_dispute(d, reader_id=me.id)


def rates_frame(rows: Sequence[EvaluatorDisputes]) -> pd.DataFrame:
    """Counts first, the share after them; an overturn share only once enough are decided."""
    return pd.DataFrame(
        [
            {
                "Evaluator": r.evaluator,
                "Evaluations": r.evaluations,
                "Disputed": r.disputed_words(),
                "Decided disputes overturned": r.overturn_words(),
            }
            for r in rows
        ],
        columns=["Evaluator", "Evaluations", "Disputed", "Decided disputes overturned"],
    )


def scorecard_frame(card: ScorecardRead) -> pd.DataFrame:
    """A scorecard as a person reads it: one row per question."""
    return pd.DataFrame(
        [
            {
                "Section": s.title,
                "Weight": f"{s.weight:g}",
                "Question": q.text,
                "Answered": KIND_WORDS.get(q.kind, q.kind),
                "Critical": "yes: a fail scores 0" if q.critical else "",
            }
            for s in card.sections
            for q in s.questions
        ],
        columns=["Section", "Weight", "Question", "Answered", "Critical"],
    )


def definition_of(card: ScorecardRead) -> dict[str, Any]:
    """The scorecard as the JSON a manager edits (the shape core.quality.evaluations.parse_definition reads)."""
    return {
        "sections": [
            {
                "title": s.title,
                "weight": s.weight,
                "questions": [
                    {"text": q.text, "kind": q.kind, **({"critical": True} if q.critical else {})}
                    for q in s.questions
                ],
            }
            for s in card.sections
        ]
    }


def rates_section(me: Actor) -> None:
    """Managers: dispute and overturn rates per evaluator over the last 90 days, with the CSV."""
    st.subheader("Dispute and overturn rates by evaluator")
    st.markdown(
        "Evaluations of the last 90 days: how many agents disputed, and of the decided "
        "disputes how many were adjusted (overturned). A share means little under five "
        "decided disputes; a high one over many is worth a calibration session, and a few "
        "disputes are normal."
    )
    with db() as session:
        rates = dispute_rates(session, actor=me, start=today() - dt.timedelta(days=90), end=today())
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


def scorecards_section(me: Actor, cards: Sequence[ScorecardRead]) -> None:
    """Every scorecard as a readable table; a manager edits them as JSON."""
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
