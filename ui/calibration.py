"""Calibration sessions on screen: scorecard answers as radios, the interactions with their links,
every score side by side, and agreement as a table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from core.agreement import ItemAgreement, alpha_words
from core.calibration_sessions import CallRead, SessionView, safe_link
from core.quality import Answer, Section
from ui.text import plain


def answer_widgets(sections: Sequence[Section], key: str) -> list[list[Answer]]:
    """One radio per scorecard question, section by section (inside a form), none chosen to
    begin with: an item left out is refused (core.quality.score_answers), never saved as 1."""
    answers: list[list[Answer]] = []
    for s_index, section in enumerate(sections):
        st.markdown(f"**{plain(section.title)}** · weight {section.weight:g}")
        row: list[Answer] = []
        for q_index, question in enumerate(section.questions):
            label = plain(question.text) + (" (critical)" if question.critical else "")
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
    return pd.DataFrame(
        {
            "Item": [i.text for i in items],
            "Kind": ["1–5 scale" if i.kind == "scale" else "yes/no" for i in items],
            "Pairs that agree": [
                "—" if i.pairs.share is None else f"{i.pairs.share:.0%} of {i.pairs.pairs}"
                for i in items
            ],
            "Calls with a disagreement": [
                f"{i.pairs.disagreed_calls} of {i.pairs.calls}" for i in items
            ],
            "Krippendorff's alpha": [alpha_words(i.alpha) for i in items],
        }
    )
