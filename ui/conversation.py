"""The conversation on a note or an evaluation (comments, the 1:1 sign-off) and disputes: shown
the same way on Growth, Coaching and QA evaluations. What people wrote is shown as text. Hints
are st.markdown, not captions: a caption's grey fails the contrast check inside an expander."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from core.coaching.conversation import (
    AgreementRead,
    CommentRead,
    add_comment,
    agreed_sentence,
    propose_agreement,
    sign_agreement,
)
from core.models import CommentOn
from core.people.access import Actor
from core.platform.clock import today
from core.platform.config import get_settings
from core.quality.disputes import (
    DisputeRead,
    answer_text,
    dispute_window_end,
    open_dispute,
    question_labels,
)
from core.quality.evaluations import EvaluationRead
from ui.forms import SaveOnceForm
from ui.text import plain
from ui.widgets import day_text, qa_score_text


def _when(at: dt.datetime) -> str:
    return f"{at.astimezone(get_settings().tz):%-d %b %H:%M}"


def show_comments(comments: Sequence[CommentRead], *, agent_id: int, me: Actor) -> None:
    for c in comments:
        who = "you" if (c.by_agent and me.id == agent_id) else c.author
        side = "" if c.by_agent else " (coach)"
        st.markdown(f"**{plain(who)}**{side} · {_when(c.at)}  \n{plain(c.text)}")


def comment_form(
    me: Actor,
    record_type: CommentOn,
    record_id: int,
    comments: Sequence[CommentRead],
    agent_id: int,
) -> None:
    """The thread and a box to add to it."""
    st.markdown("**Conversation**")
    if not comments:
        st.markdown(
            "No comments yet. Ask a question or add context: "
            + (
                "your team lead or the evaluator (and whoever decides a dispute of it) hears of it."
                if me.id == agent_id
                else "the agent hears of it."
            )
        )
    show_comments(comments, agent_id=agent_id, me=me)
    with SaveOnceForm(f"comment_{record_type.value}_{record_id}") as form:
        text = st.text_area("Add a comment", height=80)
        if form.submitted("Send comment"):
            form.save(
                add_comment,
                actor=me,
                record_type=record_type,
                record_id=record_id,
                text=text,
                done="Sent.",
            )


def agreement_block(
    me: Actor, *, note_id: int, agent_id: int, agreement: AgreementRead | None
) -> None:
    """“We agreed on: …”: the text, who signed when, and what is left to do."""
    st.markdown("**Sign-off of this 1:1**")
    if agreement is not None:
        st.markdown(plain(agreed_sentence(agreement.text)))
        signed: list[tuple[dt.datetime, str]] = []  # in the order they signed
        if agreement.agent_signed_at:
            who = "you" if me.id == agent_id else "the agent"
            signed.append((agreement.agent_signed_at, who))
        if agreement.coach_signed_at and agreement.coach:
            who = "you" if me.id == agreement.coach_id else agreement.coach
            signed.append((agreement.coach_signed_at, plain(who)))
        st.markdown(
            "Signed by " + " and ".join(f"{who} on {_when(at)}" for at, who in sorted(signed)) + "."
        )
        if agreement.signed_by_both:
            # the sign form is gone with the second signature: its confirmation shows here
            SaveOnceForm(f"sign_{agreement.id}").show_done()
            return
        mine_to_sign = (me.id == agent_id and agreement.agent_signed_at is None) or (
            me.id != agent_id and agreement.coach_signed_at is None
        )
        if mine_to_sign:
            with SaveOnceForm(f"sign_{agreement.id}") as form:
                if form.submitted("Sign: we agreed on this", type="primary"):
                    form.save(
                        sign_agreement,
                        actor=me,
                        note_id=note_id,
                        agreement_id=agreement.id,
                        done="Signed: this 1:1 is signed off by both of you.",
                    )
        else:
            other = "your coach" if me.id == agent_id else "the agent"
            st.markdown(f"Waiting for {other} to sign.")
        other = "your coach" if me.id == agent_id else "the agent"
        with st.expander("Propose different wording", key=f"agree_other_{note_id}"):
            st.markdown(
                "Only if the text above is not what you agreed on: your wording replaces it, "
                f"you sign it by proposing it, and {other} is asked to sign it instead."
            )
            _proposal_form(me, note_id)
        return
    st.markdown(
        "Not signed off yet. Write what you agreed on: you sign it by proposing it, "
        + ("your coach" if me.id == agent_id else "the agent")
        + " signs it next."
    )
    _proposal_form(me, note_id)


def _proposal_form(me: Actor, note_id: int) -> None:
    with SaveOnceForm(f"agree_{note_id}") as form:
        text = st.text_area("We agreed on", height=80)
        if form.submitted("Propose and sign"):
            form.save(
                propose_agreement,
                actor=me,
                note_id=note_id,
                text=text,
                done="Proposed and signed by you.",
            )


def show_dispute(
    d: DisputeRead, *, reader_id: int | None = None, answers_shown: bool = False
) -> None:
    """The dispute's state ("you decide…" to its owner) and its history, each person's words as
    text; with `answers_shown` (the evaluation's answers are on the page) whose answers they are."""
    st.markdown(f"**Dispute** · {plain(d.state(reader_id))}")
    if answers_shown and (note := d.answers_note()):
        st.markdown(note)
    items = "; ".join(d.items) if d.items else "the whole evaluation"
    st.text(f"Disputed: {items}")
    for step in d.history:
        st.text(step.sentence(reader_id) + (f": {step.reason}" if step.reason else ""))


def dispute_form(me: Actor, e: EvaluationRead, disputes: Sequence[DisputeRead]) -> None:
    """The agent's "Dispute" action on their own evaluation, while the window is open."""
    if me.id != e.agent_id:
        return
    form = SaveOnceForm(f"dispute_{e.id}", show_done=False)
    form.show_done()  # drawn here: once sent, the form itself gives way to the open dispute
    last_day = dispute_window_end(e.date)
    # A dispute typed in this tab while another tab (or device) sent one: the form stays, so
    # that Send gets core's refusal and what was typed is still there to copy into a comment.
    typing = bool(
        st.session_state.get(f"dispute_open_{e.id}")
        and (
            str(st.session_state.get(form.key_for("reason")) or "").strip()
            or st.session_state.get(form.key_for("items"))
        )
    )
    if any(d.open for d in disputes) and not typing:
        st.markdown(
            "Your dispute is open: add to it in a comment below (whoever decides it reads it)."
        )
        return
    if disputes and not typing:  # decided: the decision and its reason stand; talk goes on
        st.markdown("Your dispute was decided (above): a comment still reaches your coach.")
        return
    if today() > last_day and not typing:
        st.markdown(
            f"This evaluation could be disputed until {day_text(last_day)}; "
            "a comment still reaches your coach."
        )
        return
    if st.toggle("Dispute this score", key=f"dispute_open_{e.id}"):
        st.markdown(
            "A lead or manager who did not score it decides, within five working days, and "
            "tells you why."
        )
        with form:
            items = st.multiselect(
                "Which questions? (leave empty to dispute the whole evaluation)",
                question_labels(e.sections),
                key=form.key_for("items"),
            )
            reason = st.text_area(
                "Why do you dispute the score?", height=100, key=form.key_for("reason")
            )
            if form.submitted("Send dispute", type="primary"):
                form.save(
                    open_dispute,
                    actor=me,
                    evaluation_id=e.id,
                    reason=reason,
                    items=items,
                    done=lambda d: f"Sent: {d.owner} decides by {day_text(d.due_date)}.",
                )


def show_answers(e: EvaluationRead, *, with_comments: bool = True) -> None:
    for section, answers in zip(e.sections, e.answers, strict=False):
        st.markdown(f"**{plain(section.title)}** (weight {section.weight:g})")
        for question, answer in zip(section.questions, answers, strict=False):
            critical = " (critical)" if question.critical else ""
            st.text(f"{question.text}{critical}: {answer_text(answer)}")
    if e.comments and with_comments:
        st.text(f"Comments: {e.comments}")


def _is_link(reference: str) -> bool:
    return reference.startswith(("https://", "http://")) and " " not in reference


def evaluation_facts(me: Actor, e: EvaluationRead, disputes: Sequence[DisputeRead]) -> None:
    """Who scored it, when, on which contact, and until when it can be disputed."""
    facts = [f"Scored by {e.evaluator} on {day_text(e.date)}", str(e.channel)]
    if e.interaction_ref:
        facts.append(f"interaction {e.interaction_ref}")
    st.text(" · ".join(facts))
    if e.interaction_ref and _is_link(e.interaction_ref):
        st.link_button("Open the interaction", e.interaction_ref, icon=":material/open_in_new:")
    last_day = dispute_window_end(e.date)
    if not disputes and today() <= last_day:
        st.markdown(
            f"**You can dispute this evaluation until {day_text(last_day)}.**"
            if me.id == e.agent_id
            else f"The agent can dispute this evaluation until {day_text(last_day)}."
        )


SCORING = (
    "How it is scored: yes counts full marks, no none; on a 1–5 question 5 is full marks, "
    "3 half and 1 none; n.a. is left out. Each section counts by its weight. A question marked "
    "(critical) answered no (or 1) makes the whole evaluation 0%."
)


def evaluation_comments(me: Actor, e: EvaluationRead) -> None:
    """The evaluator's "Comments for the agent", as text."""
    whom = "you" if me.id == e.agent_id else "the agent"
    if e.comments:
        st.markdown(f"**{plain(e.evaluator)}'s comments for {whom}**")
        st.text(e.comments)
    else:
        st.markdown(f"{plain(e.evaluator)} wrote no comments for {whom} with this evaluation.")


def evaluation_panel(
    me: Actor,
    e: EvaluationRead,
    disputes: Sequence[DisputeRead],
    comments: Sequence[CommentRead],
) -> None:
    """One evaluation: its answers, its disputes with their history, the agent's Dispute action
    and the conversation."""
    evaluation_facts(me, e, disputes)
    if e.notes:  # coaching on this very call: the note's focus and what to try
        st.markdown(f"**Coaching note{'s' if len(e.notes) > 1 else ''} on this evaluation**")
        st.text("\n".join(n.line() for n in e.notes))  # as the coach typed it
    evaluation_comments(me, e)
    show_answers(e, with_comments=False)
    st.markdown(SCORING)
    for d in disputes:
        show_dispute(d, reader_id=me.id, answers_shown=True)
    dispute_form(me, e, disputes)
    comment_form(me, CommentOn.EVALUATION, e.id, comments, e.agent_id)


def evaluation_label(e: EvaluationRead, disputes: Sequence[DisputeRead]) -> str:
    """The expander's label: date, form, score, and the latest dispute's state."""
    latest = disputes[0] if disputes else None
    state = f" · disputed, {latest.status.value}" if latest else ""
    coached = f" · coached {e.notes[-1].date:%-d %b}" if e.notes else ""
    return (
        f"{e.date:%d %b %Y} · {plain(e.scorecard)} v{e.version} · "
        + qa_score_text(e.score, auto_fail=e.critical_failed)
        + state
        + coached
    )
