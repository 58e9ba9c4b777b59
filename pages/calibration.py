"""Calibration sessions (leads, managers): score the same interactions blind, then compare."""

import streamlit as st

from core.people.access import owns_scorecards
from core.quality.calibration_sessions import (
    evaluator_choices,
    list_sessions,
    reveal,
    score_call,
    unfinished_sentence,
)
from core.quality.calibration_views import session_view
from core.quality.evaluations import list_scorecards
from ui.calibration import (
    PICKER,
    agreement_section,
    answer_widgets,
    calls_table,
    new_session_form,
    scores_side_by_side,
)
from ui.forms import SaveOnceForm
from ui.state import actor, db
from ui.text import plain
from ui.widgets import choose, day_text

me = actor()
st.title("Calibration sessions")
st.markdown(
    "Everyone invited scores the same interactions with the scorecard, **blind**: nobody sees "
    "another evaluator's scores until a manager reveals the session. Then every score is side "
    "by side, item by item, with how well you agree, and the session records the agreed score."
)
with db() as session:
    sessions = list_sessions(session, actor=me)
    choices = evaluator_choices(session, actor=me) if owns_scorecards(me) else {}
    cards = list_scorecards(session, actor=me) if choices else []

if choices:
    new_session_form(me, choices, cards, expanded=not sessions)
else:
    st.markdown(
        "A manager creates calibration sessions and invites evaluators; you find the ones "
        "you are invited to here and in your inbox."
    )

if not sessions:
    st.info(
        "No calibration sessions yet. "
        + (
            "Create one above: a title, the scorecard, the interactions and who scores them."
            if choices
            else "Once a manager invites you, the session appears here."
        )
    )
    st.stop()

labels = {
    s.id: f"{s.title} — {s.state}, {s.calls} interaction{'' if s.calls == 1 else 's'}"
    + (f", you scored {s.my_scored}" if s.invited and s.state == "scoring" else "")
    for s in sessions
}
requested = st.query_params.get("session", "")
start = next((i for i, s in enumerate(sessions) if str(s.id) == requested), 0)
if PICKER in st.session_state:
    # A label changes under the browser's feet (a score saved, a reveal): told the choice again,
    # the picker shows the chosen session's label as it reads now, not as it read before.
    st.session_state[PICKER] = st.session_state[PICKER]
chosen = choose("Session", labels, key=PICKER, index=start)
st.query_params["session"] = str(chosen)
with db() as session:
    view = session_view(session, actor=me, calibration_id=chosen)

st.subheader(plain(view.title))
st.text(
    f"Run by {view.created_by}, {day_text(view.created_at.date())}, on {view.scorecard}. "
    + (
        f"Revealed by {view.revealed_by}, {day_text(view.revealed_at.date())}."
        if view.revealed_at
        else "Scoring: scores stay hidden until the reveal."
    )
)
calls_table(view.calls)
st.text(view.progress_sentence)

if not view.revealed:
    if view.invited:
        todo = [c for c in view.calls if not c.scores]
        for c in view.calls:
            if c.scores:
                st.text(f"You scored {c.reference}: {c.scores[0].score:.0f}% (final).")
        if todo:
            call = choose(
                "Interaction to score", {c.id: c.reference for c in todo}, key="calib_call"
            )
            with SaveOnceForm("calib_score") as form:
                answers = answer_widgets(view.sections, f"{form.key}_{call}")
                if form.submitted("Save my score (final)", type="primary"):
                    form.save(
                        score_call,
                        actor=me,
                        call_id=call,
                        answers=answers,
                        done=lambda score: (
                            f"Saved: {score:.0f}%. Nobody sees it before the reveal."
                        ),
                    )
        else:
            SaveOnceForm("calib_score").show_done()  # the last score's confirmation
            st.success("You have scored every interaction. The scores appear at the reveal.")
    if view.runs:
        with SaveOnceForm(f"calib_reveal_{view.id}") as form:
            st.markdown("Reveal when the evaluators have scored: afterwards nobody can score.")
            confirmed = False
            if view.unfinished:
                st.warning(
                    "Not everyone has scored: "
                    + unfinished_sentence(view.unfinished, len(view.calls))
                    + ".",
                    icon=":material/warning:",
                )
                confirmed = st.checkbox(
                    "Reveal anyway: nobody can score after the reveal",
                    key=f"calib_reveal_anyway_{view.id}",
                )
            if form.submitted("Reveal every score"):
                form.save(
                    reveal,
                    actor=me,
                    calibration_id=view.id,
                    confirmed=confirmed,
                    done=lambda n: (
                        f"Revealed {n} score{'' if n == 1 else 's'}: every score is "
                        "side by side below."
                    ),
                )
    st.stop()

# The reveal form is gone once the session is revealed: its confirmation is shown here instead.
SaveOnceForm(f"calib_reveal_{view.id}").show_done()
agreement_section(view)
scores_side_by_side(me, view)
