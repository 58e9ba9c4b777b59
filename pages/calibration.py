"""Calibration sessions (leads, managers): score the same interactions blind, then compare."""

import streamlit as st

from core.access import owns_scorecards
from core.agreement import alpha_words
from core.calibration_sessions import (
    CallInput,
    create_session,
    evaluator_choices,
    list_sessions,
    record_reference,
    reveal,
    score_call,
    session_view,
)
from core.quality import list_scorecards
from ui.calibration import agreement_table, answer_widgets, calls_table, side_by_side
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
    with (
        st.expander("New calibration session", expanded=not sessions),
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
                done="Created: the evaluators are invited (Inbox, and e-mail if they chose).",
            )

if not sessions:
    st.info(
        "No calibration sessions yet. A manager creates one here and invites evaluators; "
        "invited leads find it here and in their inbox."
    )
    st.stop()

labels = {
    s.id: f"{s.title} — {s.state}, {s.calls} interactions"
    + (f", you scored {s.my_scored}" if s.invited and s.state == "scoring" else "")
    for s in sessions
}
requested = st.query_params.get("session", "")
start = next((i for i, s in enumerate(sessions) if str(s.id) == requested), 0)
chosen = choose("Session", labels, key="calib_session", index=start)
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
st.text(
    "Scored so far: "
    + "; ".join(f"{p.name} {p.scored} of {len(view.calls)}" for p in view.progress)
    + "."
)

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
            if form.submitted("Reveal every score"):
                form.save(
                    reveal,
                    actor=me,
                    calibration_id=view.id,
                    done=lambda n: f"Revealed {n} scores.",
                )
    st.stop()

st.subheader("How well you agree")
if view.overall is not None:
    o = view.overall
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Pairs that agree",
        "—" if o.pairs.share is None else f"{o.pairs.share:.0%}",
        help="Two evaluators agree on an item when their answers are within one scale point "
        "(yes/no: the same answer); over every item of every interaction.",
        border=True,
    )
    c2.metric(
        "Overall score alpha",
        alpha_words(o.alpha).split(" — ")[0],
        help="Krippendorff's alpha of the overall score: 1 is perfect agreement, 0 what chance "
        "gives; below 0.67, too low to rely on.",
        border=True,
    )
    c3.metric(
        "Typical gap between two scores",
        "—" if o.mean_gap is None else f"{o.mean_gap:.0f} points",
        border=True,
    )
if view.poorly_agreed:
    st.warning(
        "Poor agreement — worth discussing before anyone is coached on it:\n\n"
        + "\n".join(f"- {plain(i.sentence)}" for i in view.poorly_agreed)
    )
else:
    st.success("Every item is scored alike (at least 4 pairs in 5 within one point).")
st.dataframe(agreement_table(view.items), hide_index=True)
st.markdown(
    "How to read it: two scores **agree** when a yes/no answer is the same or a 1–5 answer is "
    "within one point. Alpha also counts how far apart the answers are, against how much "
    "they vary at all, so with few calls an item can have most pairs agreeing and still a low "
    "alpha (or the reverse): an item is named above when either says the evaluators see it "
    "differently."
)

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
