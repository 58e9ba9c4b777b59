"""QA evaluations as the reviewer meets them: an evaluate form with nothing answered for them,
a decision panel with the interaction, the agent's comments and the score the new answers would
give, overdue disputes flagged and counted, a Decided list, rates as counts first, scorecards
in words, and the QA work on the lead's and the manager's My day."""

from __future__ import annotations

import os

from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from core.coaching.conversation import add_comment
from core.models import CommentOn, Dispute, DisputeStatus, Evaluation, Person
from core.people.access import load_actor
from core.platform.db import make_engine
from core.quality.disputes import Decision
from tests.app.conftest import read, submit, texts
from tests.conftest import TODAY

EVALUATIONS = "pages/evaluations.py"


def _session() -> Session:
    return Session(make_engine(os.environ["DATABASE_URL"]))


def _lead_disputes() -> list[Dispute]:
    """The demo lead's open disputes, the overdue one first."""
    with _session() as session:
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        return list(
            session.exec(
                select(Dispute)
                .where(Dispute.owner_id == lead.id, Dispute.status == DisputeStatus.OPEN)
                .order_by(col(Dispute.due_date))
            ).all()
        )


def _evaluation_radios(at: AppTest, form: str) -> list:
    return [r for r in at.radio if r.key and r.key.startswith(f"{form}_")]


def test_the_evaluate_form_answers_nothing_for_the_evaluator_and_names_what_is_missing(
    app_as,
) -> None:
    at = app_as("lead@example.com", EVALUATIONS)
    card = at.selectbox(key="eval_card").value
    form = f"eval_form_{card.id}"
    radios = _evaluation_radios(at, f"{form}__0")
    assert len(radios) == 6
    assert all(r.value is None for r in radios)  # no "yes", no 1 chosen for them
    assert [o for o in radios[1].options] == ["1", "2", "3", "4", "5", "n.a."]
    with _session() as session:
        before = len(session.exec(select(Evaluation)).all())
    # All but the last question answered: refused, naming it, in one sentence.
    for radio in radios[:-1]:
        radio.set_value("yes" if "yes" in radio.options else 4)
    submit(at, form, "Save evaluation")
    assert [e.value for e in at.error] == [
        "Answer every question (n.a. where it does not apply): “Offered to check back in "
        "(no “good luck”)” has no answer yet."
    ]
    with _session() as session:
        assert len(session.exec(select(Evaluation)).all()) == before
    radios = _evaluation_radios(at, f"{form}__0")
    assert [r.value for r in radios[:-1]] == ["yes", 4, 4, "yes", "yes"]  # what was chosen stays
    radios[-1].set_value("na")
    submit(at, form, "Save evaluation")
    assert not at.error
    assert any(s.value.startswith("Saved: ") for s in at.success)
    with _session() as session:
        assert len(session.exec(select(Evaluation)).all()) == before + 1


def test_the_lead_decides_with_the_interaction_the_comments_and_the_new_score_in_view(
    app_as,
) -> None:
    overdue, *_ = _lead_disputes()
    with _session() as session:
        evaluation = session.get(Evaluation, overdue.evaluation_id)
        assert evaluation is not None
        add_comment(
            session,
            actor=load_actor(session, overdue.agent_id),
            record_type=CommentOn.EVALUATION,
            record_id=evaluation.id or 0,
            text="Please listen from **minute 4**: the callback is booked there",
        )
        session.commit()
        reference, old_score = evaluation.interaction_ref, evaluation.score
    form = f"decide_{overdue.id}"
    at = app_as("lead@example.com", EVALUATIONS, dispute=str(overdue.id))
    [tab] = [t for t in at.tabs if t.label.startswith("Disputes to review")]
    assert tab.label == f"Disputes to review ({len(_lead_disputes())}, 1 overdue)"
    labels = [read(e.label) for e in at.expander]
    assert any(f"overdue** since {overdue.due_date:%a %-d %b}" in x for x in labels)
    page = texts(at)
    assert f"open: you decide by {overdue.due_date:%a %-d %b} (overdue)" in page
    assert "Lee Lead decides" not in page
    assert f"**Interaction:** {reference} (" in page
    assert "Please listen from **minute 4**: the callback is booked there" in page  # as text
    at.radio(key=f"{form}__0:decision").set_value(Decision.ADJUST).run()
    assert f"No answer changed yet: the score stays at {old_score:.0f}%." in texts(at)
    resolved = next(
        r
        for r in at.radio
        if r.key and r.key.startswith(f"{form}__0:answer_") and "Resolved" in r.label
    )
    resolved.set_value(5).run()
    preview = next(m.value for m in at.markdown if str(m.value).startswith("**New score: "))
    at.text_area(key=f"{form}__0:reason").set_value("The ticket shows the callback")
    submit(at, form, "Save decision")
    assert not at.error
    with _session() as session:
        saved = session.get(Evaluation, overdue.evaluation_id)
        assert saved is not None
        # The score shown before saving is the score saved (one formula: the scorecard's).
        assert preview == f"**New score: {saved.score:.0f}%** (was {old_score:.0f}%)"
    # Decided: it leaves the list to decide and appears under "Decided by you", newest first.
    labels = [read(e.label) for e in at.expander]
    assert not any(x.startswith("Darren") and "yours to decide" in x for x in labels)
    decided = [x for x in labels if "decided on" in x]
    assert decided and f"adjusted: {old_score:g}%" in decided[0]
    assert "Decided by you" in texts(at)
    assert "the history keeps the evaluator's original ones" not in texts(at)


def test_a_manager_reads_whose_dispute_it_is_and_rates_as_counts_first(app_as) -> None:
    open_ones = _lead_disputes()
    assert open_ones
    at = app_as("manager@example.com", EVALUATIONS)
    page = texts(at)
    d = open_ones[0]
    late = ", overdue" if d.due_date < TODAY else ""
    assert (
        f"Owned by Lee Lead (due {d.due_date:%a %-d %b}{late}); you may decide it as a manager."
        in page
    )
    [rates] = [f.value for f in at.dataframe if "Decided disputes overturned" in f.value.columns]
    assert "Overturn rate" not in rates.columns
    words = list(rates["Decided disputes overturned"])
    assert all(w == "none decided yet" or " adjusted" in w for w in words)
    assert any("too few to judge" in w for w in words)  # the lead's one decision above
    assert not any(w.endswith("100%") for w in words)


def test_scorecards_read_in_words_with_the_json_behind_a_sentence(app_as) -> None:
    at = app_as("manager@example.com", EVALUATIONS)
    page = texts(at)
    assert "yes_no" not in page.split("The scorecard written as JSON")[0]
    assert "each answered yes / no or on a 1 to 5 scale" in page
    [card] = [f.value for f in at.dataframe if "Question" in f.value.columns]
    assert set(card["Answered"]) == {"yes / no", "1 to 5"}
    assert any(e.label.startswith("Edit as JSON") for e in at.expander)
    lead = app_as("lead@example.com", EVALUATIONS)
    assert not any(e.label.startswith("Edit as JSON") for e in lead.expander)


def test_the_leads_my_day_lists_the_disputes_to_decide_with_their_due_dates(app_as) -> None:
    open_ones = _lead_disputes()
    at = app_as("lead@example.com")
    page = texts(at)
    assert "QA to do" in page
    links = [link.proto.label for link in at.get("page_link")]
    for d in open_ones:
        due = f"{d.due_date:%a %-d %b}"
        assert any(due in label and "dispute of the evaluation" in label for label in links)
    n = len(open_ones)
    assert f"QA: {n} dispute{'' if n == 1 else 's'} to decide" in page  # in the Today box


def test_the_managers_my_day_has_a_qa_block(app_as) -> None:
    at = app_as("manager@example.com")
    assert "QA to do" in texts(at)
