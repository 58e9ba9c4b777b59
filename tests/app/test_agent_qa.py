"""The agent's side of QA, as pages: My day's link lands on the evaluations, each evaluation says
who scored it, how it is scored and until when it can be disputed; a dispute sent from a second
tab is refused in one sentence with the typed reason kept; the agent's own steps read "you"; a
1:1 sign-off waiting for the agent is flagged on My day and its "propose" box explained."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.coaching.conversation import propose_agreement
from core.models import CoachingNote, Dispute, Person
from core.people.access import load_actor
from core.quality.disputes import dispute_window_end
from tests.app.conftest import submit, texts
from tests.app.test_disputes import _session, _undisputed_evaluation
from tests.conftest import TODAY

GROWTH = "pages/growth.py"


def _subheaders(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(s.value) for s in at.subheader]


def test_my_days_link_lands_on_the_evaluations_each_saying_who_scored_it_and_until_when(
    app_as,
) -> None:
    evaluation = _undisputed_evaluation("agent@example.com")
    home = app_as("agent@example.com")
    [link] = [
        link for link in home.get("page_link") if link.proto.label.startswith("Your QA evaluations")
    ]
    assert link.proto.label.endswith("(on Growth)")
    assert "show=evaluations" in link.proto.query_string
    assert "the ones imported from your QA system and your evaluations in Headway" in texts(home)

    default = app_as("agent@example.com", GROWTH)
    heads = _subheaders(default)
    assert heads.index("Coaching notes") < heads.index("My QA evaluations")
    at = app_as("agent@example.com", GROWTH, show="evaluations")
    heads = _subheaders(at)
    assert heads.index("My QA evaluations") < heads.index("Coaching notes")
    page = texts(at)
    assert "The QA score on My day is another figure: the mean of all your QA scores" in page
    with _session() as session:
        evaluator = session.get(Person, evaluation.evaluator_id)
        assert evaluator is not None
    assert f"Scored by {evaluator.name} on {evaluation.date:%a %-d %b}" in page
    assert f"interaction {evaluation.interaction_ref}" in page
    last_day = dispute_window_end(evaluation.date)
    assert f"You can dispute this evaluation until {last_day:%a %-d %b}." in page
    assert "(critical) answered no (or 1) makes the whole evaluation 0%" in page
    if evaluation.comments:  # the evaluator's "Comments for the agent", as text
        assert f"{evaluator.name}'s comments for you" in page and evaluation.comments in page
    else:
        assert f"{evaluator.name} wrote no comments for you with this evaluation." in page


def test_a_dispute_sent_from_a_second_tab_is_refused_and_keeps_what_was_typed(app_as) -> None:
    evaluation = _undisputed_evaluation("agent@example.com")
    form, toggle = f"dispute_{evaluation.id}", f"dispute_open_{evaluation.id}"
    first = app_as("agent@example.com", GROWTH)
    second = app_as("agent@example.com", GROWTH)
    for tab, reason in ((first, "The IVR verified the customer"), (second, "Second thoughts")):
        tab.toggle(key=toggle).set_value(True).run()
        tab.text_area(key=f"{form}__0:reason").set_value(reason)
    submit(first, form, "Send dispute")
    assert not first.error
    page = texts(first)
    assert " — you disputed the score of " in page  # the agent's own step
    assert "Alex Agent disputed" not in page
    assert ") decides by " in page  # the decider with their role: "Lee Lead (team lead)"
    submit(second, form, "Send dispute")
    [refusal] = [e.value for e in second.error]
    assert refusal.startswith("This evaluation already has an open dispute")
    assert second.text_area(key=f"{form}__0:reason").value == "Second thoughts"
    with _session() as session:
        assert (
            len(session.exec(select(Dispute).where(Dispute.evaluation_id == evaluation.id)).all())
            == 1
        )


def test_a_sign_off_waiting_for_the_agent_is_flagged_and_the_proposal_box_explained(
    app_as,
) -> None:
    with _session() as session:
        alex = session.exec(select(Person).where(Person.email == "agent@example.com")).one()
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        note = CoachingNote(
            agent_id=alex.id, coach_id=lead.id, date=TODAY - dt.timedelta(days=1), to_try="Recap"
        )
        session.add(note)
        session.flush()
        assert note.id is not None
        propose_agreement(
            session, actor=load_actor(session, lead.id or 0), note_id=note.id, text="Recap calls"
        )
        session.commit()
        note_id = note.id
    home = app_as("agent@example.com")
    page = texts(home)
    assert "waits for your signature" in page
    assert "Nothing needs you today" not in page
    assert any(
        link.proto.label.startswith("Sign off your 1:1")
        and f"note={note_id}" in link.proto.query_string
        for link in home.get("page_link")
    )
    growth = app_as("agent@example.com", GROWTH, note=str(note_id))
    assert any(b.label == "Sign: we agreed on this" for b in growth.button)
    assert any(e.label == "Propose different wording" for e in growth.expander)
    assert "Only if the text above is not what you agreed on" in texts(growth)
