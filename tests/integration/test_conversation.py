"""The conversation on notes and evaluations: who comments, who hears of it, the 1:1 sign-off by
both sides, and private remarks that never join it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, select

from core.coaching.conversation import (
    add_comment,
    agreed_sentence,
    conversation,
    propose_agreement,
    sign_agreement,
    whose,
)
from core.coaching.notes import NoteInput, add_private_remark, write_note
from core.models import (
    CoachingNote,
    Comment,
    CommentOn,
    NoteAgreement,
    Notification,
    NotificationKind,
    Role,
)
from core.people.org import PersonInput, update_person
from core.platform.errors import AccessDenied, InvalidInput
from core.quality.evaluations import DEFAULT_FORM, record_evaluation, save_scorecard
from tests.conftest import TODAY, actor_of

NOTE = NoteInput(focus_metric="fcr", to_try="Ask what else is open before closing")
ANSWERS: list[list[Any]] = [["yes", 3], [3, "yes"], ["yes", "no"]]


def _note(session: Session, org: dict) -> int:
    return write_note(
        session, actor=actor_of(session, org["red_lead"]), agent_id=org["red_agent"].id, data=NOTE
    )


def _comment_notices(session: Session) -> list[tuple[int | None, str, str]]:
    return [
        (n.person_id, n.title, n.body)
        for n in session.exec(
            select(Notification)
            .where(Notification.kind == NotificationKind.COMMENT)
            .order_by(Notification.id)  # type: ignore[arg-type]
        ).all()
    ]


def test_the_agent_and_the_coach_talk_on_a_note_and_each_hears_of_the_other(
    session: Session, org: dict
) -> None:
    note = _note(session, org)
    agent, lead = actor_of(session, org["red_agent"]), actor_of(session, org["red_lead"])
    add_comment(
        session,
        actor=agent,
        record_type=CommentOn.COACHING_NOTE,
        record_id=note,
        text="Can we **practise** it on Friday?",
    )
    add_comment(
        session, actor=lead, record_type=CommentOn.COACHING_NOTE, record_id=note, text="Yes"
    )
    notices = _comment_notices(session)
    day = f"{session.get(CoachingNote, note).date:%-d %b}"  # type: ignore[union-attr]
    assert notices == [
        (
            lead.id,
            f"{agent.name} commented on their coaching note of {day}",
            "Can we **practise** it on Friday?",
        ),
        (agent.id, f"{lead.name} commented on your coaching note of {day}", "Yes"),
    ]
    said = conversation(session, actor=agent, agent_id=agent.id).on(CommentOn.COACHING_NOTE, note)
    assert [(c.author, c.by_agent, c.text) for c in said] == [
        (agent.name, True, "Can we **practise** it on Friday?"),
        (lead.name, False, "Yes"),
    ]


def test_an_agent_comments_on_their_own_evaluation_and_the_evaluator_hears_of_it(
    session: Session, org: dict
) -> None:
    manager = actor_of(session, org["manager"])
    card = save_scorecard(session, actor=manager, family="Voice", definition=DEFAULT_FORM)
    evaluation = record_evaluation(
        session,
        actor=manager,
        agent_id=org["red_agent"].id,
        scorecard_id=card.id,
        answers=ANSWERS,
        date=TODAY - dt.timedelta(days=1),
    )
    add_comment(
        session,
        actor=actor_of(session, org["red_agent"]),
        record_type=CommentOn.EVALUATION,
        record_id=evaluation.id,
        text="The customer hung up",
    )
    assert [n[0] for n in _comment_notices(session)] == [manager.id]


@pytest.mark.parametrize("outsider", ["red_agent2", "blue_lead", "admin", "blue_agent"])
def test_no_one_else_comments_and_nothing_is_stored(
    session: Session, org: dict, outsider: str
) -> None:
    note = _note(session, org)
    with pytest.raises(AccessDenied):
        add_comment(
            session,
            actor=actor_of(session, org[outsider]),
            record_type=CommentOn.COACHING_NOTE,
            record_id=note,
            text="Hello",
        )
    assert session.exec(select(Comment)).all() == []


def test_an_empty_comment_is_refused(session: Session, org: dict) -> None:
    note = _note(session, org)
    with pytest.raises(InvalidInput, match="Write the comment"):
        add_comment(
            session,
            actor=actor_of(session, org["red_agent"]),
            record_type=CommentOn.COACHING_NOTE,
            record_id=note,
            text="  ",
        )
    assert session.exec(select(Comment)).all() == []


def test_a_1_1_is_signed_off_by_both_with_the_agreed_text_and_times(
    session: Session, org: dict
) -> None:
    note = _note(session, org)
    agent, manager = actor_of(session, org["red_agent"]), actor_of(session, org["manager"])
    first = propose_agreement(session, actor=agent, note_id=note, text="Recap on every call")
    changed = propose_agreement(
        session, actor=agent, note_id=note, text="Recap on every call, then ask what else"
    )
    with pytest.raises(InvalidInput, match="changed since you opened it"):
        sign_agreement(session, actor=manager, note_id=note, agreement_id=first.id)
    with pytest.raises(InvalidInput, match="signed this already"):
        sign_agreement(session, actor=agent, note_id=note, agreement_id=changed.id)
    signed = sign_agreement(session, actor=manager, note_id=note, agreement_id=changed.id)
    assert signed.signed_by_both and signed.coach == manager.name
    assert signed.agent_signed_at is not None and signed.coach_signed_at is not None
    shown = conversation(session, actor=agent, agent_id=agent.id).agreements[note]
    assert shown.text == "Recap on every call, then ask what else"
    assert len(session.exec(select(NoteAgreement)).all()) == 2  # the first is kept, superseded
    with pytest.raises(InvalidInput, match="already signed off"):
        propose_agreement(session, actor=agent, note_id=note, text="Something else")


def test_private_remarks_never_join_the_conversation(session: Session, org: dict) -> None:
    note = _note(session, org)
    lead = actor_of(session, org["red_lead"])
    add_private_remark(session, actor=lead, note_id=note, text="Seems tired lately")
    for reader in ("red_agent", "red_lead", "manager"):
        said = conversation(
            session, actor=actor_of(session, org[reader]), agent_id=org["red_agent"].id
        )
        assert all("tired" not in c.text for cs in said.comments.values() for c in cs)
    assert all("tired" not in body for _, _, body in _comment_notices(session))


def test_another_agent_cannot_read_the_conversation(session: Session, org: dict) -> None:
    with pytest.raises(AccessDenied):
        conversation(
            session, actor=actor_of(session, org["red_agent2"]), agent_id=org["red_agent"].id
        )


def test_an_agent_s_comment_reads_as_theirs_to_each_coach_who_hears_of_it(
    session: Session, org: dict
) -> None:
    """The note's coach and a manager who joined both read "their" note (the agent wrote);
    the manager's own comment reaches the agent as "your" note."""
    note = _note(session, org)
    agent, manager = actor_of(session, org["red_agent"]), actor_of(session, org["manager"])
    day = f"{session.get(CoachingNote, note).date:%-d %b}"  # type: ignore[union-attr]
    add_comment(
        session, actor=manager, record_type=CommentOn.COACHING_NOTE, record_id=note, text="Hi"
    )
    add_comment(
        session, actor=agent, record_type=CommentOn.COACHING_NOTE, record_id=note, text="Hello"
    )
    titles = {(person, title) for person, title, _ in _comment_notices(session)}
    assert titles == {
        (agent.id, f"{manager.name} commented on your coaching note of {day}"),
        (org["red_lead"].id, f"{agent.name} commented on their coaching note of {day}"),
        (manager.id, f"{agent.name} commented on their coaching note of {day}"),
    }
    assert not any(agent.name + "'s" in title for _, title in titles)


def test_the_record_reads_by_name_to_a_coach_when_another_coach_acts(org: dict) -> None:
    agent = org["red_agent"]
    assert whose(actor_id=org["red_lead"].id, agent=agent, recipient_id=agent.id) == "your"
    assert whose(actor_id=agent.id, agent=agent, recipient_id=org["red_lead"].id) == "their"
    assert (
        whose(actor_id=org["manager"].id, agent=agent, recipient_id=org["red_lead"].id)
        == f"{agent.name}'s"
    )


def test_a_sign_off_typed_with_we_agreed_on_is_never_doubled(session: Session, org: dict) -> None:
    """The box is labelled "We agreed on": whoever types the words again gets them once, on the
    page (agreed_sentence), in the inbox and in the e-mail (the notification's body)."""
    note = _note(session, org)
    lead, agent = actor_of(session, org["red_lead"]), actor_of(session, org["red_agent"])
    proposed = propose_agreement(
        session, actor=lead, note_id=note, text="  We agreed on: recap every call  "
    )
    assert proposed.text == "recap every call"
    assert agreed_sentence(proposed.text) == "We agreed on: recap every call"
    assert agreed_sentence("we agreed on recap") == "We agreed on: recap"  # stored earlier
    sign_agreement(session, actor=agent, note_id=note, agreement_id=proposed.id)
    day = f"{session.get(CoachingNote, note).date:%-d %b}"  # type: ignore[union-attr]
    assert _comment_notices(session) == [
        (
            agent.id,
            f"{lead.name} asks you to sign off your 1:1 of {day}",
            "We agreed on: recap every call",
        ),
        (
            lead.id,
            f"{agent.name} signed off their 1:1 of {day}",
            "We agreed on: recap every call",
        ),
    ]
    with pytest.raises(InvalidInput, match="Write what you agreed on"):
        propose_agreement(session, actor=lead, note_id=note, text="We agreed on:")


def test_an_agents_comment_on_a_disputed_evaluation_reaches_whoever_decides_the_dispute(
    session: Session, org: dict
) -> None:
    from core.coaching.conversation import add_comment
    from core.models import CommentOn, Notification, NotificationKind
    from core.quality.disputes import open_dispute
    from tests.integration.test_disputes import _evaluate

    evaluation = _evaluate(session, org)
    agent = actor_of(session, org["red_agent"])
    dispute = open_dispute(
        session, actor=agent, evaluation_id=evaluation, reason="The line dropped", items=[]
    )
    add_comment(
        session,
        actor=agent,
        record_type=CommentOn.EVALUATION,
        record_id=evaluation,
        text="It was the customer's line, see the ticket.",
    )
    told = session.exec(
        select(Notification.person_id).where(Notification.kind == NotificationKind.COMMENT)
    ).all()
    assert dispute.owner_id in told


def _move(session: Session, org: dict, who: str, team: str) -> None:
    """An admin moves a person to another team (as Administration → People does)."""
    person = org[who]
    update_person(
        session,
        actor=actor_of(session, org["admin"]),
        person_id=person.id,
        data=PersonInput(
            person.name, person.email, Role(person.role), org[team].id, person.hire_date
        ),
        expected_version=person.version,
    )


def test_after_an_agent_changes_teams_their_comments_reach_their_new_lead_not_the_former_one(
    session: Session, org: dict
) -> None:
    note = _note(session, org)  # written by the red lead
    agent = actor_of(session, org["red_agent"])
    add_comment(
        session, actor=agent, record_type=CommentOn.COACHING_NOTE, record_id=note, text="Before"
    )
    _move(session, org, "red_agent", "blue")
    add_comment(
        session,
        actor=actor_of(session, org["red_agent"]),
        record_type=CommentOn.COACHING_NOTE,
        record_id=note,
        text="After the move",
    )
    heard = [(person, body) for person, _, body in _comment_notices(session)]
    assert heard == [(org["red_lead"].id, "Before"), (org["blue_lead"].id, "After the move")]


def test_a_manager_in_the_conversation_still_hears_after_the_agent_changes_teams(
    session: Session, org: dict
) -> None:
    note = _note(session, org)
    manager, agent = actor_of(session, org["manager"]), actor_of(session, org["red_agent"])
    add_comment(
        session, actor=manager, record_type=CommentOn.COACHING_NOTE, record_id=note, text="Hi"
    )
    _move(session, org, "red_agent", "blue")
    add_comment(
        session,
        actor=actor_of(session, org["red_agent"]),
        record_type=CommentOn.COACHING_NOTE,
        record_id=note,
        text="Thanks",
    )
    assert [p for p, _, body in _comment_notices(session) if body == "Thanks"] == [
        org["manager"].id
    ]
    del agent


def test_the_conversation_of_my_own_records_never_returns_another_agents_agreement(
    session: Session, org: dict
) -> None:
    """Naming another agent's note id must not bring that agent's 1:1 agreement along."""
    theirs = write_note(
        session,
        actor=actor_of(session, org["red_lead"]),
        agent_id=org["red_agent2"].id,
        data=NOTE,
    )
    propose_agreement(
        session, actor=actor_of(session, org["red_lead"]), note_id=theirs, text="Private plan"
    )
    me = actor_of(session, org["red_agent"])
    mine = conversation(session, actor=me, agent_id=me.id, note_ids=[theirs])
    assert mine.agreements == {}
    lead = actor_of(session, org["red_lead"])
    as_lead = conversation(session, actor=lead, agent_id=me.id, note_ids=[theirs])
    assert as_lead.agreements == {}  # asked about one agent: that agent's records only
    assert (
        conversation(session, actor=lead, agent_id=org["red_agent2"].id, note_ids=[theirs])
        .agreements[theirs]
        .text
        == "Private plan"
    )
