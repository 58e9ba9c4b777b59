"""The coaching page and QA evaluations as a team lead sees them: namesakes told apart, the queue
read after a save, tables in words, auto-fails named."""

from __future__ import annotations

import os

from sqlmodel import Session, col, select

from core.models import CoachingNote, Evaluation, Person, Role
from core.platform.db import make_engine
from tests.app.conftest import submit, texts

COACHING = "pages/coaching.py"


def _lead_team_agents() -> list[Person]:
    with Session(make_engine(os.environ["DATABASE_URL"])) as session:
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        return list(
            session.exec(
                select(Person)
                .where(Person.team_id == lead.team_id, Person.role == Role.AGENT)
                .order_by(col(Person.id))
            ).all()
        )


def _namesake_of(agent: Person) -> Person:
    """Another agent in the same team with the same name (the demo has none of its own)."""
    with Session(make_engine(os.environ["DATABASE_URL"])) as session:
        twin = session.exec(select(Person).where(Person.email == "twin." + agent.email)).first()
        if twin is None:
            twin = Person(
                name=agent.name,
                email="twin." + agent.email,
                role=Role.AGENT,
                team_id=agent.team_id,
                hire_date=agent.hire_date,
            )
            session.add(twin)
            session.commit()
            session.refresh(twin)
        return twin


def _queue_row(at, agent: Person) -> dict[str, object]:  # type: ignore[no-untyped-def]
    frame = at.dataframe[0].value
    [row] = frame[frame["Agent"] == f"{agent.name} ({agent.email})"].to_dict("records")
    return row


def test_a_note_for_one_of_two_namesakes_reaches_them_and_their_queue_row_counts_it(
    app_as,
) -> None:
    agent = _lead_team_agents()[-1]
    twin = _namesake_of(agent)
    at = app_as("lead@example.com", COACHING)
    picker = at.selectbox(key="coach_agent")
    assert f"{agent.name} ({agent.email})" in picker.options
    assert f"{twin.name} ({twin.email})" in picker.options
    picker.set_value(twin.id).run()
    before = _queue_row(at, twin)["Open notes"]
    [s for s in at.selectbox if s.label == "Focus metric"][0].set_value("fcr")
    [t for t in at.text_area if t.label == "What to try"][0].input("Ask what else is open")
    submit(at, f"coach_new_{twin.id}", "Save note")
    assert any("Saved" in s.value for s in at.success), [e.value for e in at.error]
    assert at.selectbox(key="coach_agent").value == twin.id
    assert _queue_row(at, twin)["Open notes"] == before + 1
    assert f"Open notes ({before + 1})" in texts(at)
    with Session(make_engine(os.environ["DATABASE_URL"])) as session:
        newest = session.exec(select(CoachingNote).order_by(col(CoachingNote.id).desc())).first()
    assert newest is not None and newest.agent_id == twin.id


def test_the_queue_reads_in_words_without_none(app_as) -> None:
    at = app_as("lead@example.com", COACHING)
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        "Agent",
        "Overdue check-ins",
        "Due today",
        "Open notes",
        "Next check-in",
        "Last coached",
        "Latest QA score",
        "QA scored on",
    ]
    cells = [str(v) for v in frame.to_numpy().ravel()]
    assert "None" not in cells and "nan" not in cells and "NaT" not in cells
    assert "no follow-up set" in cells
    assert all(
        d == "—" or d.split()[0] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        for d in frame["QA scored on"]
    )


def test_an_auto_failed_evaluation_reads_as_one_in_the_queue(app_as) -> None:
    agents = _lead_team_agents()
    with Session(make_engine(os.environ["DATABASE_URL"])) as session:
        failed = session.exec(
            select(Evaluation.agent_id).where(
                col(Evaluation.agent_id).in_([a.id for a in agents]),
                col(Evaluation.critical_failed).is_(True),
            )
        ).all()
    assert failed, "the demo team has auto-failed evaluations"
    at = app_as("lead@example.com", COACHING)
    scores = list(at.dataframe[0].value["Latest QA score"])
    assert "0% — auto-fail: critical item missed" in scores
    assert not [s for s in scores if s.startswith("0%") and "auto-fail" not in s]


def test_an_evaluation_that_misses_a_critical_item_is_saved_as_an_auto_fail(app_as) -> None:
    at = app_as("lead@example.com", "pages/evaluations.py")
    card_id = at.selectbox(key="eval_card").value.id
    # Nothing is answered for the evaluator: they answer every question, one critical item "no".
    for radio in at.radio:
        if radio.key and radio.key.startswith(f"eval_form_{card_id}__"):
            radio.set_value("yes" if "yes" in radio.options else 5)
    # The label as written: Streamlit puts it in the radio's accessible name, where escapes of
    # every punctuation mark read as literal backslashes ("customer\\'s", issue 25, item 9).
    [identity] = [r for r in at.radio if r.label == "Verified the customer's identity (critical)"]
    identity.set_value("no")
    submit(at, f"eval_form_{card_id}", "Save evaluation")
    assert [s.value for s in at.success] == ["Saved: 0% — auto-fail: critical item missed."]


def test_a_note_is_written_on_an_evaluation_with_a_section_of_its_scorecard(app_as) -> None:
    from core.models import CoachingNoteEvaluation

    with Session(make_engine(os.environ["DATABASE_URL"])) as session:
        agent = session.exec(select(Person).where(Person.email == "agent@example.com")).one()
        newest = session.exec(
            select(Evaluation)
            .where(Evaluation.agent_id == agent.id)
            .order_by(col(Evaluation.date).desc(), col(Evaluation.id).desc())
        ).first()
    assert newest is not None
    at = app_as("lead@example.com", COACHING)
    at.selectbox(key="coach_agent").set_value(agent.id).run()
    [picker] = [m for m in at.multiselect if m.label == "On the evaluations"]
    assert picker.options[0].startswith(f"{newest.date:%-d %b %Y} · ")  # newest first
    assert newest.interaction_ref in picker.options[0]
    picker.set_value([newest.id]).run()
    [section] = [s for s in at.selectbox if s.label == "Focus scorecard section"]
    assert section.options == ["— none —", "Opening and empathy", "Resolution", "Compliance"]
    section.set_value("Resolution").run()
    [t for t in at.text_area if t.label == "What to try"][0].input("Recap the next step").run()
    submit(at, f"coach_new_{agent.id}", "Save note")
    assert any("Saved" in s.value for s in at.success), [e.value for e in at.error]
    with Session(make_engine(os.environ["DATABASE_URL"])) as session:
        note = session.exec(
            select(CoachingNote).where(CoachingNote.to_try == "Recap the next step")
        ).one()
        linked = session.exec(
            select(CoachingNoteEvaluation.evaluation_id).where(
                CoachingNoteEvaluation.note_id == note.id
            )
        ).all()
    assert (note.focus_section, list(linked)) == ("Resolution", [newest.id])
