"""Coaching notes and evaluations: access matrix, private remarks, follow-ups, optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from core.coaching.notes import (
    NoteInput,
    acknowledge,
    add_follow_up,
    add_private_remark,
    coaching_queue,
    edit_note,
    note_versions,
    notes_about,
    write_note,
)
from core.growth.agent import growth_data
from core.models import Observation, Person, Role
from core.platform.errors import AccessDenied, InvalidInput, StaleEdit
from core.quality.evaluations import (
    DEFAULT_FORM,
    list_evaluations,
    record_evaluation,
    save_scorecard,
)
from tests.conftest import TODAY, actor_of, make_person

NOTE = NoteInput(
    focus_metric="fcr",
    to_try="Ask what else is open before closing",
    actions="Five calls this week",
    follow_up_date=TODAY + dt.timedelta(days=1),
)


def test_the_lead_and_managers_coach_an_agent_and_no_one_else_does(
    session: Session, org: dict
) -> None:
    agent = org["red_agent"]
    for coach in ("red_lead", "manager"):
        write_note(session, actor=actor_of(session, org[coach]), agent_id=agent.id, data=NOTE)
    for outsider in ("blue_lead", "admin", "red_agent2", "red_agent"):
        with pytest.raises(AccessDenied):
            write_note(
                session, actor=actor_of(session, org[outsider]), agent_id=agent.id, data=NOTE
            )


@pytest.mark.parametrize(
    "reader,sees,sees_remarks",
    [
        ("red_agent", True, False),
        ("red_lead", True, True),
        ("manager", True, True),
        ("admin", True, False),
        ("red_agent2", False, False),
        ("blue_lead", False, False),
        ("blue_agent", False, False),
    ],
)
def test_who_reads_notes_and_private_remarks(
    session: Session, org: dict, reader: str, sees: bool, sees_remarks: bool
) -> None:
    agent = org["red_agent"]
    lead = actor_of(session, org["red_lead"])
    note_id = write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
    add_private_remark(session, actor=lead, note_id=note_id, text="Struggling at home; go gently")
    who = actor_of(session, org[reader])
    if not sees:
        with pytest.raises(AccessDenied):
            notes_about(session, actor=who, agent_id=agent.id)
        return
    [note] = notes_about(session, actor=who, agent_id=agent.id)
    if sees_remarks:
        assert note.remarks and "go gently" in note.remarks[0]
    else:
        assert note.remarks is None


def test_a_note_stays_open_until_a_follow_up_closes_it(session: Session, org: dict) -> None:
    lead = actor_of(session, org["red_lead"])
    note_id = write_note(session, actor=lead, agent_id=org["red_agent"].id, data=NOTE)
    with pytest.raises(InvalidInput, match="next check-in date, or close"):
        add_follow_up(session, actor=lead, note_id=note_id, outcome="Better")
    add_follow_up(
        session,
        actor=lead,
        note_id=note_id,
        outcome="Better",
        next_date=TODAY + dt.timedelta(days=3),
    )
    [note] = notes_about(session, actor=lead, agent_id=org["red_agent"].id)
    assert note.open and note.follow_up_date == TODAY + dt.timedelta(days=3)
    add_follow_up(session, actor=lead, note_id=note_id, outcome="Goal reached", closes=True)
    [note] = notes_about(session, actor=lead, agent_id=org["red_agent"].id)
    assert not note.open and len(note.follow_ups) == 2


def test_two_editors_never_overwrite_each_other_silently(session: Session, org: dict) -> None:
    lead, manager = actor_of(session, org["red_lead"]), actor_of(session, org["manager"])
    note_id = write_note(session, actor=lead, agent_id=org["red_agent"].id, data=NOTE)
    opened = 1
    edit_note(
        session,
        actor=lead,
        note_id=note_id,
        data=NoteInput("fcr", "", "", "Lead's change", "a"),
        expected_version=opened,
    )
    with pytest.raises(StaleEdit, match="changed since you opened it.*nothing was overwritten"):
        edit_note(
            session,
            actor=manager,
            note_id=note_id,
            data=NoteInput("fcr", "", "", "Manager's change", "a"),
            expected_version=opened,
        )
    [note] = notes_about(session, actor=lead, agent_id=org["red_agent"].id)
    assert note.to_try == "Lead's change" and note.version == 2
    assert note_versions(session, actor=lead, note_id=note_id)[0][2]["to_try"] == NOTE.to_try


def test_a_good_luck_note_without_anything_to_try_is_refused(session: Session, org: dict) -> None:
    with pytest.raises(InvalidInput, match="good luck"):
        write_note(
            session,
            actor=actor_of(session, org["red_lead"]),
            agent_id=org["red_agent"].id,
            data=NoteInput(focus_metric="csat"),
        )


def test_only_the_agent_acknowledges_and_the_queue_shows_due_check_ins(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    note_id = write_note(
        session,
        actor=lead,
        agent_id=org["red_agent"].id,
        data=NoteInput("csat", "", "", "Summarise next steps", "", TODAY),
        date=TODAY - dt.timedelta(days=2),
    )
    with pytest.raises(AccessDenied):
        acknowledge(session, actor=actor_of(session, org["red_agent2"]), note_id=note_id)
    acknowledge(session, actor=actor_of(session, org["red_agent"]), note_id=note_id)
    queue = coaching_queue(session, actor=lead, team_id=org["red"].id)
    assert queue[0].agent_id == org["red_agent"].id and queue[0].due_today == 1
    with pytest.raises(AccessDenied):
        coaching_queue(session, actor=actor_of(session, org["blue_lead"]), team_id=org["red"].id)


def test_an_evaluation_keeps_its_form_version_and_adds_a_qa_score(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    v1 = _scorecard(session)
    result = record_evaluation(
        session,
        actor=lead,
        agent_id=org["red_agent"].id,
        scorecard_id=v1.id,
        answers=[["yes", 5], [5, "yes"], ["yes", "yes"]],
        date=TODAY,
    )
    v2 = _scorecard(session)
    assert v2.version == 2 and result.version == 1 and result.score == 100
    stored = session.exec(
        select(Observation).where(Observation.person_id == org["red_agent"].id)
    ).one()
    assert (stored.metric, stored.value, stored.reference) == (
        "qa_score",
        100,
        f"evaluation-{result.id}",
    )
    assert (
        list_evaluations(
            session, actor=actor_of(session, org["red_agent"]), agent_id=org["red_agent"].id
        )[0].version
        == 1
    )
    with pytest.raises(AccessDenied):
        list_evaluations(
            session, actor=actor_of(session, org["red_agent2"]), agent_id=org["red_agent"].id
        )
    with pytest.raises(AccessDenied):
        record_evaluation(
            session,
            actor=actor_of(session, org["blue_lead"]),
            agent_id=org["red_agent"].id,
            scorecard_id=v2.id,
            answers=[["yes", 5], [5, "yes"], ["yes", "yes"]],
            date=TODAY,
        )


def test_the_growth_data_follows_the_access_rule(session: Session, org: dict) -> None:
    lead = actor_of(session, org["red_lead"])
    write_note(session, actor=lead, agent_id=org["red_agent"].id, data=NOTE)
    data = growth_data(
        session,
        actor=actor_of(session, org["red_agent"]),
        agent_id=org["red_agent"].id,
        start=TODAY - dt.timedelta(days=30),
        end=TODAY,
    )
    assert len(data.notes) == 1 and data.notes[0].remarks is None
    with pytest.raises(AccessDenied):
        growth_data(
            session,
            actor=actor_of(session, org["red_agent2"]),
            agent_id=org["red_agent"].id,
            start=TODAY - dt.timedelta(days=30),
            end=TODAY,
        )


def _scorecard(session: Session):  # type: ignore[no-untyped-def]
    """The Voice form, saved by a manager (managers own the scorecards)."""
    manager = session.exec(select(Person).where(Person.role == Role.MANAGER)).first()
    manager = manager or make_person(session, role=Role.MANAGER)
    return save_scorecard(
        session, actor=actor_of(session, manager), family="Voice", definition=DEFAULT_FORM
    )


def _evaluate(session: Session, lead, agent_id: int, day: dt.date, *, passes: bool = True):  # type: ignore[no-untyped-def]
    card = _scorecard(session)
    verified = "yes" if passes else "no"  # "Verified the customer's identity" is critical
    return record_evaluation(
        session,
        actor=lead,
        agent_id=agent_id,
        scorecard_id=card.id,
        answers=[["yes", 4], [4, "yes"], [verified, "yes"]],
        date=day,
    )


def test_the_queues_latest_qa_is_the_newest_score_imported_or_evaluated(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    agent_id = org["red_agent"].id
    _evaluate(session, lead, agent_id, TODAY - dt.timedelta(days=6))
    # a score imported from the QA system after the last evaluation: the chart's newest point
    session.add(
        Observation(
            person_id=agent_id, date=TODAY - dt.timedelta(days=2), metric="qa_score", value=71
        )
    )
    # two scores on one older day, then the newest day with two scores recorded in order
    for value, days_ago in ((90, 9), (60, 9)):
        session.add(
            Observation(
                person_id=agent_id,
                date=TODAY - dt.timedelta(days=days_ago),
                metric="qa_score",
                value=value,
                reference=f"x{value}",
            )
        )
    session.flush()
    [row] = [
        r
        for r in coaching_queue(session, actor=lead, team_id=org["red"].id)
        if r.agent_id == agent_id
    ]
    assert (row.latest_evaluation, row.latest_score, row.latest_auto_fail) == (
        TODAY - dt.timedelta(days=2),
        71,
        False,
    )
    for value in (55, 82):
        session.add(
            Observation(
                person_id=agent_id,
                date=TODAY,
                metric="qa_score",
                value=value,
                reference=f"y{value}",
            )
        )
        session.flush()
    [row] = [
        r
        for r in coaching_queue(session, actor=lead, team_id=org["red"].id)
        if r.agent_id == agent_id
    ]
    assert (row.latest_evaluation, row.latest_score) == (TODAY, 82)


def test_a_missed_critical_item_marks_the_queues_zero_as_an_auto_fail(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    failed = _evaluate(session, lead, org["red_agent"].id, TODAY, passes=False)
    _evaluate(session, lead, org["red_agent2"].id, TODAY)
    assert failed.score == 0 and failed.critical_failed
    rows = {r.agent_id: r for r in coaching_queue(session, actor=lead, team_id=org["red"].id)}
    assert (rows[org["red_agent"].id].latest_score, rows[org["red_agent"].id].latest_auto_fail) == (
        0,
        True,
    )
    assert rows[org["red_agent2"].id].latest_auto_fail is False
    assert rows[org["red_agent2"].id].latest_score > 0


def test_namesakes_in_a_team_are_told_apart_in_the_queue(session: Session, org: dict) -> None:
    for key in ("red_agent", "red_agent2"):
        org[key].name = "Jordan Johnson"
        session.add(org[key])
    session.flush()
    lead = actor_of(session, org["red_lead"])
    labels = {
        r.agent_id: r.agent for r in coaching_queue(session, actor=lead, team_id=org["red"].id)
    }
    assert labels == {
        org[key].id: f"Jordan Johnson ({org[key].email})" for key in ("red_agent", "red_agent2")
    }


def test_a_refused_check_in_or_note_says_what_to_choose_instead(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    agent_id = org["red_agent"].id
    with pytest.raises(
        InvalidInput, match="choose one of QA score, CSAT, First-contact resolution, "
    ):
        write_note(
            session, actor=lead, agent_id=agent_id, data=NoteInput("speed", to_try="Be quick")
        )
    note_id = write_note(session, actor=lead, agent_id=agent_id, data=NOTE)
    earlier = TODAY - dt.timedelta(days=2)
    with pytest.raises(InvalidInput) as refused:
        add_follow_up(session, actor=lead, note_id=note_id, outcome="Better", next_date=earlier)
    assert str(refused.value) == (
        f"The next check-in ({earlier}) is before this one ({TODAY}): choose {TODAY} or later."
    )


def test_a_note_on_an_evaluation_focuses_on_a_section_of_its_scorecard_and_shows_on_it(
    session: Session, org: dict
) -> None:
    from core.note_evaluations import note_choices

    lead, agent = actor_of(session, org["red_lead"]), org["red_agent"]
    older = _evaluate(session, lead, agent.id, TODAY - dt.timedelta(days=9))
    card = _scorecard(session)  # a newer version of the form, with another section
    newer = record_evaluation(
        session,
        actor=lead,
        agent_id=agent.id,
        scorecard_id=save_scorecard(
            session,
            actor=actor_of(session, org["manager"]),
            family="Voice",
            definition={
                "sections": [
                    {
                        "title": "Ownership",
                        "weight": 1,
                        "questions": [{"text": "Owned the next step", "kind": "yes_no"}],
                    }
                ]
            },
        ).id,
        answers=[["no"]],
        date=TODAY - dt.timedelta(days=2),
        interaction_ref="CALL-7781",
    )
    assert card.version == 2
    choices = note_choices(session, actor=lead, agent_id=agent.id)
    assert [e.id for e in choices.evaluations] == [newer.id, older.id]  # newest first
    first = choices.evaluations[0]
    assert first.label() == f"{newer.date:%-d %b %Y} · 0% · CALL-7781 · Voice v3"
    assert choices.sections_for([newer.id]) == ("Ownership",)
    assert choices.sections_for([older.id]) == ("Opening and empathy", "Resolution", "Compliance")
    with pytest.raises(InvalidInput) as refused:  # not free text: a section of that form
        write_note(
            session,
            actor=lead,
            agent_id=agent.id,
            data=NoteInput(focus_section="Resolution", to_try="Own it", evaluation_ids=(newer.id,)),
        )
    assert str(refused.value) == (
        "“Resolution” is not a section of the scorecard of the evaluation this note is on: "
        "choose one of “Ownership”."
    )
    with pytest.raises(InvalidInput, match="“Tone” is not a section of the scorecards in use"):
        write_note(
            session,
            actor=lead,
            agent_id=agent.id,
            data=NoteInput(focus_section="Tone", to_try="Smile"),
        )
    note_id = write_note(
        session,
        actor=lead,
        agent_id=agent.id,
        data=NoteInput(
            focus_section="Ownership",
            to_try="Say when you will call back",
            evaluation_ids=(newer.id,),
        ),
    )
    with pytest.raises(AccessDenied):
        note_choices(session, actor=actor_of(session, org["blue_lead"]), agent_id=agent.id)
    # The agent's own evaluation view shows the note on that evaluation, and on no other.
    seen = {
        e.id: e.notes
        for e in list_evaluations(session, actor=actor_of(session, agent), agent_id=agent.id)
    }
    [on_it] = seen[newer.id]
    assert (on_it.note_id, on_it.focus, on_it.to_try) == (
        note_id,
        "Ownership",
        "Say when you will call back",
    )
    assert on_it.line() == (
        f"{TODAY:%-d %b %Y}, {org['red_lead'].name} — focus: Ownership; "
        "try: Say when you will call back"
    )
    assert seen[older.id] == ()
