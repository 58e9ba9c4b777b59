"""Calibration sessions on screen: scorecard answers as radios, the interactions with their links,
every score side by side, and agreement as a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from core.people.access import Actor
from core.quality.agreement import ALPHA_MEANING, ItemAgreement, Pairs, alpha_words
from core.quality.calibration_sessions import (
    CallInput,
    create_session,
    record_reference,
    safe_link,
)
from core.quality.calibration_views import CallRead, SessionView
from core.quality.evaluations import Answer, ScorecardRead, Section
from ui.forms import SaveOnceForm
from ui.text import plain, widget_label
from ui.widgets import day_text


def answer_widgets(sections: Sequence[Section], key: str) -> list[list[Answer]]:
    """One radio per scorecard question, section by section (inside a form), none chosen to
    begin with: an item left out is refused (core.quality.evaluations.score_answers), never saved as 1."""
    answers: list[list[Answer]] = []
    for s_index, section in enumerate(sections):
        st.markdown(f"**{plain(section.title)}** · weight {section.weight:g}")
        row: list[Answer] = []
        for q_index, question in enumerate(section.questions):
            label = widget_label(question.text) + (" (critical)" if question.critical else "")
            options: list[Answer] = (
                ["yes", "no", "na"] if question.kind == "yes_no" else [1, 2, 3, 4, 5, "na"]
            )
            chosen = st.radio(
                label,
                options,
                horizontal=True,
                index=None,  # nothing chosen for the scorer: a forgotten item is refused
                key=f"{key}_{s_index}_{q_index}",
                format_func=lambda o: "n.a." if o == "na" else str(o),
            )
            row.append("" if chosen is None else chosen)  # "": not answered (refused)
        answers.append(row)
    return answers


def calls_table(calls: Sequence[CallRead]) -> None:
    """The interactions, with the recording or ticket as a link only when it is a web address
    (anything else is shown as text, never followed)."""
    frame = pd.DataFrame(
        {
            "#": [c.position for c in calls],
            "Interaction": [c.reference for c in calls],
            "Recording or ticket": [c.link if safe_link(c.link) else "" for c in calls],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "Recording or ticket": st.column_config.LinkColumn(
                "Recording or ticket", help="Opens in a new tab"
            )
        },
    )


def _answer_text(answer: Any) -> str:
    return "n.a." if answer == "na" else str(answer)


def side_by_side(view: SessionView, call: CallRead) -> pd.DataFrame:
    """One row per scorecard item, one column per evaluator (and the agreed answer)."""
    columns: dict[str, list[str]] = {
        "Item": [q.text for s in view.sections for q in s.questions] + ["Score"]
    }
    for score in call.scores:
        columns[score.evaluator] = [_answer_text(a) for row in score.answers for a in row] + [
            f"{score.score:.0f}%" + (" (auto-fail)" if score.critical_failed else "")
        ]
    if call.agreed is not None:
        columns["Agreed"] = [_answer_text(a) for row in call.agreed.answers for a in row] + [
            f"{call.agreed.score:.0f}%"
        ]
    return pd.DataFrame(columns)


def agreement_table(items: Sequence[ItemAgreement]) -> pd.DataFrame:
    """Question by question, in words: how alike the answers were and whether to discuss it."""
    return pd.DataFrame(
        {
            "Question": [i.text for i in items],
            "How alike the answers were": [i.agreed_sentence for i in items],
            "Worth discussing": ["yes" if i.poor else "" for i in items],
        }
    )


def _pairs_text(pairs: Pairs) -> str:
    if not pairs.pairs:
        return "none to compare"
    return f"{pairs.agreeing} of {pairs.pairs} ({pairs.agreeing / pairs.pairs:.0%})"


def agreement_figures(view: SessionView) -> pd.DataFrame:
    """The figures behind the sentences: pairs within one point and Krippendorff's alpha, item by
    item and overall."""
    items = view.items
    overall = view.overall
    return pd.DataFrame(
        {
            "Question": [i.text for i in items]
            + (["Every question together / the overall score"] if overall else []),
            "Kind": ["1–5 scale" if i.kind == "scale" else "yes/no" for i in items]
            + (["overall score 0–100"] if overall else []),
            "Pairs of answers within one point (yes/no: the same)": [
                _pairs_text(i.pairs) for i in items
            ]
            + ([_pairs_text(overall.pairs)] if overall else []),
            "Krippendorff's alpha": [
                alpha_words(i.alpha, compared=i.pairs.pairs > 0) for i in items
            ]
            + ([alpha_words(overall.alpha, compared=overall.pairs.pairs > 0)] if overall else []),
        }
    )


PICKER = "calib_session"  # the session picker's key


def select_session(calibration_id: int) -> None:
    """Show this session on the next run: the picker keeps its own choice across reruns (its
    index only counts the first time it is drawn), so a new session is chosen through its key."""
    st.session_state[PICKER] = calibration_id
    st.query_params["session"] = str(calibration_id)


def _open_new(calibration_id: int) -> str:
    select_session(calibration_id)  # the manager goes on with the session just created
    return "Created: the evaluators are invited (Inbox, and e-mail if they chose)."


def new_session_form(
    me: Actor, choices: Mapping[int, str], cards: Sequence[ScorecardRead], *, expanded: bool
) -> None:
    """A manager's form: title, scorecard, interactions (reference and link), invitations."""
    with (
        st.expander("New calibration session", expanded=expanded),
        SaveOnceForm("calib_new") as new,
    ):
        title = st.text_input("Title", placeholder="November calibration")
        card = st.selectbox(
            "Scorecard", cards, format_func=lambda c: f"{c.family} (version {c.version})"
        )
        lines = st.text_area(
            "Interactions, one per line: the reference, then a link to the recording or "
            "ticket if there is one",
            placeholder="CALL-10423 https://recordings.example.com/10423\nTICKET-881",
        )
        invited = st.multiselect(
            "Evaluators to invite", list(choices), format_func=choices.__getitem__
        )
        if new.submitted("Create and invite", type="primary"):
            parts = [line.split(maxsplit=1) for line in lines.splitlines() if line.strip()]
            new.save(
                create_session,
                actor=me,
                title=title,
                scorecard_id=card.id if card else 0,
                calls=[CallInput(p[0], p[1] if len(p) > 1 else "") for p in parts],
                evaluator_ids=invited,
                done=lambda created: _open_new(created),
            )


def overall_sentences(view: SessionView) -> list[str]:
    """The session's agreement in two or three plain sentences (after the reveal)."""
    said: list[str] = []
    poor = view.poorly_agreed
    asked = [i for i in view.items if i.pairs.pairs]
    if asked:
        said.append(
            f"{len(asked) - len(poor)} of {len(asked)} question{'' if len(asked) == 1 else 's'} "
            "scored alike: at least 4 pairs of answers in 5 within one point (yes/no: the same "
            "answer)."
        )
    o = view.overall
    if o is not None and o.mean_gap is not None:
        said.append(
            f"Two evaluators' overall scores for the same call were {o.mean_gap:.0f} point"
            f"{'' if round(o.mean_gap) == 1 else 's'} apart on average."
        )
    if not asked:
        said.append("No call was scored by two evaluators: there is nothing to compare.")
    return said


def agreement_section(view: SessionView) -> None:
    """After the reveal: how well the evaluators agree, question by question, in sentences; the
    figures (pairs and Krippendorff's alpha) one click away."""
    st.subheader("How well you agree")
    st.markdown("\n\n".join(overall_sentences(view)))
    if view.poorly_agreed:
        st.warning(
            "Worth discussing before anyone is coached on it:\n\n"
            + "\n".join(f"- {plain(i.sentence)}" for i in view.poorly_agreed)
        )
    elif any(i.pairs.pairs for i in view.items):
        st.success("Every question was scored alike: at least 4 pairs of answers in 5 agree.")
    st.dataframe(agreement_table(view.items), hide_index=True)
    with st.expander("How we worked this out"):
        st.markdown(
            "Two answers to a question **agree** when a 1–5 answer is within one point or a "
            "yes/no answer is the same; n.a. answers are left out. A question is worth "
            "discussing when fewer than 4 pairs of answers in 5 agree.\n\n"
            "**Krippendorff's alpha** also weighs how far apart the answers are against how much "
            f"they vary at all: {ALPHA_MEANING}. Below 0.67 it is too low to rely on. With a few "
            "calls it swings widely (one disagreement where everyone else agreed can take it "
            "below 0), so it does not decide which questions are named above. For the overall "
            "score it compares the evaluators' 0–100 scores."
        )
        st.dataframe(agreement_figures(view), hide_index=True)


def scores_side_by_side(me: Actor, view: SessionView) -> None:
    """Every interaction's scores side by side, its agreed score, and (for the manager running
    the session) the form that records it."""
    st.subheader("Every score, side by side")
    for c in view.calls:
        agreed = f" · agreed {c.agreed.score:.0f}%" if c.agreed else " · no agreed score yet"
        with st.expander(f"{plain(c.reference)}{agreed}", expanded=c.agreed is None):
            if not c.scores:
                st.text("Nobody scored this interaction.")
            else:
                st.dataframe(side_by_side(view, c), hide_index=True)
            if c.agreed is not None:
                st.text(
                    f"Agreed by {c.agreed.by}, {day_text(c.agreed.at.date())}"
                    + (f" (replacing {c.agreed.earlier} earlier)" if c.agreed.earlier else "")
                    + (f": {c.agreed.notes}" if c.agreed.notes else ".")
                )
            if c.agreed is None and not view.runs:
                st.text(f"{view.created_by}, who runs the session, records the agreed score.")
            if view.runs:
                with SaveOnceForm(f"calib_agree_{c.id}") as form:
                    st.markdown("**The agreed score**")
                    answers = answer_widgets(view.sections, form.key)
                    notes = st.text_area("Notes (why, what to tell every evaluator)")
                    if form.submitted("Record the agreed score"):
                        form.save(
                            record_reference,
                            actor=me,
                            call_id=c.id,
                            answers=answers,
                            notes=notes,
                            done=lambda score: f"Recorded: the agreed score is {score:.0f}%.",
                        )
