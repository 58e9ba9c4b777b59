"""Calibration sessions: blind scoring enforced in core, the reveal, agreement figures against a
hand-computed case, agreed references, refusals that change nothing, and the audit trail."""

from __future__ import annotations

from typing import Any

import krippendorff
import pytest
from sqlmodel import Session, col, func, select

from core.models import (
    AuditEvent,
    CalibrationScore,
    Notification,
    NotificationKind,
    Role,
    Scorecard,
)
from core.people.access import Actor, load_actor
from core.platform.errors import AccessDenied, InvalidInput
from core.quality.calibration_sessions import (
    CallInput,
    create_session,
    list_sessions,
    record_reference,
    reveal,
    score_call,
)
from core.quality.calibration_views import session_view
from core.quality.evaluations import parse_definition, save_scorecard, score_answers
from tests.conftest import make_person, make_team

FORM = {
    "sections": [
        {
            "title": "Care",
            "weight": 1,
            "questions": [
                {"text": "Used the customer's name", "kind": "yes_no"},
                {"text": "Showed empathy", "kind": "scale"},
            ],
        }
    ]
}
# Four calls, two evaluators. Yes/no: 3 of 4 pairs agree; scale: diffs 2, 0, 1, 0 → 3 of 4 within
# one point. Nominal alpha of the yes/no item by hand: coincidences o11 = 2, o10 = o01 = 1,
# o00 = 4, n = 8, n1 = 3, n0 = 5; Do = 2/8, De = 2·3·5/(8·7) = 30/56; alpha = 1 − 14/30 = 16/30.
A = [["yes", 5], ["yes", 4], ["no", 2], ["no", 3]]
B = [["yes", 3], ["no", 4], ["no", 3], ["no", 3]]


def _setup(session: Session) -> dict[str, Any]:
    red, blue = make_team(session), make_team(session)
    people = {
        "manager": make_person(session, role=Role.MANAGER),
        "lead": make_person(session, role=Role.TEAM_LEAD, team=red, leads=True),
        "other_lead": make_person(session, role=Role.TEAM_LEAD, team=blue, leads=True),
        "third_lead": make_person(session, role=Role.TEAM_LEAD, team=blue),
        "agent": make_person(session, team=red),
        "admin": make_person(session, role=Role.ADMIN),
    }
    actors = {k: load_actor(session, p.id or 0) for k, p in people.items()}
    card = save_scorecard(session, actor=actors["manager"], family="Care", definition=FORM)
    calibration = create_session(
        session,
        actor=actors["manager"],
        title="November calibration",
        scorecard_id=card.id,
        calls=[
            CallInput("CALL-1", "https://recordings.example.com/1"),
            CallInput("CALL-2"),
            CallInput("CALL-3"),
            CallInput("CALL-4"),
        ],
        evaluator_ids=[actors["lead"].id, actors["other_lead"].id],
    )
    return {**actors, "id": calibration}


def _calls(session: Session, actor: Actor, calibration: int) -> list[int]:
    return [c.id for c in session_view(session, actor=actor, calibration_id=calibration).calls]


def _scores(session: Session) -> int:
    return session.exec(select(func.count()).select_from(CalibrationScore)).one()


def test_scores_stay_blind_until_the_reveal_then_everyone_sees_every_score(
    session: Session,
) -> None:
    s = _setup(session)
    calls = _calls(session, s["lead"], s["id"])
    for call, answers in zip(calls, A, strict=True):
        score_call(session, actor=s["lead"], call_id=call, answers=[answers])
    score_call(session, actor=s["other_lead"], call_id=calls[0], answers=[B[0]])

    mine = session_view(session, actor=s["lead"], calibration_id=s["id"])
    assert [[x.evaluator_id for x in c.scores] for c in mine.calls] == [[s["lead"].id]] * 4
    theirs = session_view(session, actor=s["other_lead"], calibration_id=s["id"])
    assert [len(c.scores) for c in theirs.calls] == [1, 0, 0, 0]
    assert theirs.calls[0].scores[0].evaluator_id == s["other_lead"].id
    runner = session_view(session, actor=s["manager"], calibration_id=s["id"])
    assert all(c.scores == [] for c in runner.calls)  # the manager who runs it neither
    assert {p.evaluator_id: p.scored for p in runner.progress} == {
        s["lead"].id: 4,
        s["other_lead"].id: 1,
    }
    assert runner.items == [] and runner.overall is None

    with pytest.raises(InvalidInput) as refused:  # someone has not finished: confirm first
        reveal(session, actor=s["manager"], calibration_id=s["id"])
    assert str(refused.value).startswith(
        f"{s['other_lead'].name} has scored 1 of 4 calls; after the reveal nobody can score."
    )
    assert runner.unfinished == [p for p in runner.progress if p.evaluator_id == s["other_lead"].id]
    assert runner.progress_sentence.startswith("Scored so far: ")
    reveal(session, actor=s["manager"], calibration_id=s["id"], confirmed=True)
    final = session_view(session, actor=s["manager"], calibration_id=s["id"])
    assert final.progress_sentence.startswith("Scored before the reveal (final: nobody can score")
    assert "so far" not in final.progress_sentence
    for who in ("lead", "other_lead", "manager"):
        view = session_view(session, actor=s[who], calibration_id=s["id"])
        assert [len(c.scores) for c in view.calls] == [2, 1, 1, 1], who
    assert session.exec(
        select(Notification).where(Notification.kind == NotificationKind.CALIBRATION_REVEALED)
    ).all()


def test_only_the_invited_and_managers_open_a_session_and_only_the_invited_score(
    session: Session,
) -> None:
    s = _setup(session)
    calls = _calls(session, s["lead"], s["id"])
    for who in ("third_lead", "agent", "admin"):
        with pytest.raises(AccessDenied):
            session_view(session, actor=s[who], calibration_id=s["id"])
    with pytest.raises(AccessDenied, match="not invited"):
        score_call(session, actor=s["third_lead"], call_id=calls[0], answers=[A[0]])
    with pytest.raises(AccessDenied, match="not invited"):
        score_call(session, actor=s["manager"], call_id=calls[0], answers=[A[0]])
    assert [x.id for x in list_sessions(session, actor=s["lead"])] == [s["id"]]
    assert list_sessions(session, actor=s["third_lead"]) == []
    with pytest.raises(AccessDenied):
        list_sessions(session, actor=s["agent"])
    with pytest.raises(AccessDenied, match="Only a manager"):
        reveal(session, actor=s["lead"], calibration_id=s["id"])
    invites = session.exec(
        select(Notification).where(Notification.kind == NotificationKind.CALIBRATION_INVITE)
    ).all()
    assert sorted(n.person_id or 0 for n in invites) == sorted([s["lead"].id, s["other_lead"].id])
    assert invites[0].link == f"calibration?session={s['id']}"


def test_bad_input_gets_one_sentence_and_changes_nothing(session: Session) -> None:
    s = _setup(session)
    calls = _calls(session, s["lead"], s["id"])
    with pytest.raises(InvalidInput, match="Nobody has scored yet"):
        reveal(session, actor=s["manager"], calibration_id=s["id"])
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        score_call(session, actor=s["lead"], call_id=calls[0], answers=[["yes", 7]])
    with pytest.raises(InvalidInput, match="Answer every question"):
        score_call(session, actor=s["lead"], call_id=calls[0], answers=[["yes"]])
    with pytest.raises(InvalidInput, match="Reveal the session first"):
        record_reference(session, actor=s["manager"], call_id=calls[0], answers=[A[0]])
    assert _scores(session) == 0
    score_call(session, actor=s["lead"], call_id=calls[0], answers=[A[0]])
    with pytest.raises(InvalidInput, match="final once saved"):
        score_call(session, actor=s["lead"], call_id=calls[0], answers=[B[0]])
    reveal(session, actor=s["manager"], calibration_id=s["id"], confirmed=True)
    with pytest.raises(InvalidInput, match="revealed"):
        score_call(session, actor=s["other_lead"], call_id=calls[1], answers=[B[1]])
    with pytest.raises(InvalidInput, match="revealed already"):
        reveal(session, actor=s["manager"], calibration_id=s["id"])
    assert _scores(session) == 1
    card = session_view(session, actor=s["manager"], calibration_id=s["id"])
    for bad, words in (
        (dict(calls=[CallInput("X", "javascript:alert(1)")]), "web address"),
        (dict(calls=[CallInput("X"), CallInput("x")]), "listed twice"),
        (dict(calls=[]), "at least one interaction"),
        (dict(evaluator_ids=[s["lead"].id, s["agent"].id]), "team leads and managers only"),
        (dict(evaluator_ids=[s["lead"].id]), "at least two evaluators"),
        (dict(title="  "), "title"),
    ):
        arguments: dict[str, Any] = dict(
            title="Again",
            scorecard_id=_card_id(session),
            calls=[CallInput("CALL-9")],
            evaluator_ids=[s["lead"].id, s["other_lead"].id],
        )
        arguments.update(bad)
        with pytest.raises(InvalidInput, match=words):
            create_session(session, actor=s["manager"], **arguments)
    assert len(list_sessions(session, actor=s["manager"])) == 1
    assert card.revealed


def _card_id(session: Session) -> int:
    from core.models import Scorecard

    return session.exec(select(Scorecard.id)).one() or 0


def test_agreement_per_item_and_overall_matches_the_hand_computed_case(session: Session) -> None:
    s = _setup(session)
    calls = _calls(session, s["lead"], s["id"])
    for call, a, b in zip(calls, A, B, strict=True):
        score_call(session, actor=s["lead"], call_id=call, answers=[a])
        score_call(session, actor=s["other_lead"], call_id=call, answers=[b])
    reveal(session, actor=s["manager"], calibration_id=s["id"])
    view = session_view(session, actor=s["lead"], calibration_id=s["id"])
    name, empathy = view.items
    assert (name.pairs.pairs, name.pairs.agreeing, name.pairs.share) == (4, 3, 0.75)
    assert name.alpha == pytest.approx(16 / 30)
    assert (empathy.pairs.pairs, empathy.pairs.agreeing) == (4, 3)
    assert (empathy.pairs.calls, empathy.pairs.disagreed_calls) == (4, 1)
    assert empathy.alpha == pytest.approx(
        krippendorff.alpha(
            reliability_data=[[a[1] for a in A], [b[1] for b in B]],
            level_of_measurement="ordinal",
        )
    )
    assert empathy.poor and name.poor
    assert (
        empathy.sentence == "“Showed empathy”: evaluators agreed within one point on 3 of 4 calls."
    )
    assert name.agreed_sentence == "Evaluators gave the same answer on 3 of 4 calls."
    sections = parse_definition(FORM)
    totals = [[score_answers(sections, [x]).score for x in pair] for pair in zip(A, B, strict=True)]
    assert view.overall is not None
    assert (view.overall.pairs.pairs, view.overall.pairs.agreeing) == (8, 6)
    assert view.overall.alpha == pytest.approx(
        krippendorff.alpha(
            reliability_data=list(zip(*totals, strict=True)), level_of_measurement="interval"
        )
    )
    assert view.overall.mean_gap == pytest.approx(sum(abs(a - b) for a, b in totals) / 4)


def test_the_agreed_reference_is_kept_with_its_history_and_every_change_is_audited(
    session: Session,
) -> None:
    s = _setup(session)
    calls = _calls(session, s["lead"], s["id"])
    score_call(session, actor=s["lead"], call_id=calls[0], answers=[A[0]])
    score_call(session, actor=s["other_lead"], call_id=calls[0], answers=[B[0]])
    reveal(session, actor=s["manager"], calibration_id=s["id"], confirmed=True)
    with pytest.raises(AccessDenied):
        record_reference(session, actor=s["lead"], call_id=calls[0], answers=[A[0]])
    record_reference(
        session, actor=s["manager"], call_id=calls[0], answers=[["yes", 4]], notes="Warm"
    )
    record_reference(
        session, actor=s["manager"], call_id=calls[0], answers=[["yes", 3]], notes="Rushed end"
    )
    agreed = session_view(session, actor=s["lead"], calibration_id=s["id"]).calls[0].agreed
    assert agreed is not None
    assert (agreed.score, agreed.notes, agreed.earlier) == (75.0, "Rushed end", 1)
    events = session.exec(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.detail)
        .where(AuditEvent.record_type == "calibration_session", AuditEvent.record_id == s["id"])
        .order_by(col(AuditEvent.id))
    ).all()
    assert [(str(a), who) for a, who, _ in events] == [
        ("create", s["manager"].id),
        ("create", s["lead"].id),
        ("create", s["other_lead"].id),
        ("update", s["manager"].id),
        ("update", s["manager"].id),
        ("update", s["manager"].id),
    ]
    assert "revealed" in events[3][2] and "CALL-1" in events[1][2]


def test_a_manager_who_invites_themself_is_not_sent_their_own_invitation(
    session: Session,
) -> None:
    """ "Mona invites you to a calibration session" in Mona's own inbox reads wrong: the
    manager creating the session knows; only the others are invited by notification."""
    s = _setup(session)
    card_id = session.exec(select(Scorecard.id)).one()
    create_session(
        session,
        actor=s["manager"],
        title="December calibration",
        scorecard_id=card_id,
        calls=[CallInput("CALL-9")],
        evaluator_ids=[s["manager"].id, s["lead"].id],
    )
    invites = session.exec(
        select(Notification).where(
            Notification.kind == NotificationKind.CALIBRATION_INVITE,
            col(Notification.subject) != f"calibration:{s['id']}",
        )
    ).all()
    assert [(n.person_id, n.title) for n in invites] == [
        (
            s["lead"].id,
            f"{s['manager'].name} invites you to a calibration session: December calibration",
        )
    ]
