"""The reviewer's side of disputes, in core: the owner reads "You decide", another reviewer whose
it is; the decided list; the evaluator reads the reason quoted as the reviewer's words to the
agent; rates as counts first; the note on whose answers are shown only beside the answers; and
the QA work on a lead's and a manager's My day."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.coaching.conversation import add_comment
from core.home.lead import lead_day, qa_work
from core.home.manager import manager_day
from core.models import CommentOn, Dispute, Notification, Role
from core.quality.calibration_sessions import CallInput, create_session
from core.quality.dispute_reads import (
    EvaluatorDisputes,
    dispute_rates,
    dispute_rates_csv,
    disputes_decided_by,
    disputes_to_review,
)
from core.quality.dispute_review import decide_dispute
from core.quality.disputes import Decision, open_dispute
from core.quality.evaluations import DEFAULT_FORM, save_scorecard
from tests.conftest import TODAY, actor_of, make_person
from tests.integration.test_disputes import (  # the same evaluation
    CHECK_BACK,
    _evaluate,
    _evaluate_and_decide,
)


def test_the_owner_reads_you_decide_and_another_reviewer_reads_whose_it_is(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org, by="manager")  # the agent's lead owns the review
    agent = actor_of(session, org["red_agent"])
    opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
    lead, manager = org["red_lead"], org["manager"]
    due = f"{opened.due_date:%a %-d %b}"
    assert opened.state(lead.id) == f"open: you decide by {due}"
    assert opened.state(agent.id) == f"open: {lead.name} (team lead) decides by {due}"
    assert opened.ownership(lead.id, reader_is_manager=False) == ""
    assert (
        opened.ownership(manager.id, reader_is_manager=True)
        == f"Owned by {lead.name} (due {due}); you may decide it as a manager."
    )
    # The manager scored it: the list never offers it to them, whatever its owner.
    assert disputes_to_review(session, actor=actor_of(session, manager)) == []


def test_the_decided_list_keeps_the_reviewers_decisions_newest_first(
    session: Session, org: dict
) -> None:
    manager = actor_of(session, org["manager"])
    assert disputes_decided_by(session, actor=manager) == []
    first, second = _evaluate_and_decide(session, org, Decision.UPHOLD, Decision.ADJUST)
    decided = disputes_decided_by(session, actor=manager)
    assert [d.evaluation_id for d in decided] == [second, first]  # the newest decision first
    assert [d.status.value for d in decided] == ["adjusted", "upheld"]
    assert {d.decided_by for d in decided} == {manager.name}
    assert all(d.decided_at is not None for d in decided)
    assert disputes_decided_by(session, actor=actor_of(session, org["red_lead"])) == []
    # Whose answers are shown is said beside the answers, never in the state itself.
    adjusted, upheld = decided
    assert "answers shown" not in adjusted.state()
    assert adjusted.answers_note() == (
        "The answers shown are the reviewer's; the history keeps the evaluator's original ones."
    )
    assert upheld.answers_note() == ""


def test_the_evaluator_reads_the_reason_as_the_reviewers_words_to_the_agent(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    agent = actor_of(session, org["red_agent"])
    opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
    reason = "You acknowledged the late delivery, so the check-back was not needed"
    decide_dispute(
        session,
        actor=actor_of(session, org["manager"]),
        dispute_id=opened.id,
        decision=Decision.ADJUST,
        reason=reason,
        answers={CHECK_BACK: "na"},
    )
    bodies = dict(
        session.exec(
            select(Notification.person_id, Notification.body).where(
                Notification.subject == f"dispute:{opened.id}:decided"
            )
        ).all()
    )
    re_answered = f"Re-answered {CHECK_BACK}: no → n.a.\n"
    assert bodies[agent.id] == f"{re_answered}Reason: {reason}"
    assert bodies[org["red_lead"].id] == (f'{re_answered}Reason given to {agent.name}: "{reason}"')


def test_rates_say_the_counts_first_and_a_share_only_over_enough_decided_disputes() -> None:
    one = EvaluatorDisputes("Lee Lead", evaluations=54, disputed=2, decided=1, adjusted=1)
    assert one.overturn_words() == "1 of 1 adjusted — too few to judge"
    assert one.disputed_words() == "2 of 54 (4%)"
    assert one.overturn_rate == 1.0  # the number stays available (the CSV)
    many = EvaluatorDisputes("Mrs Perry", evaluations=80, disputed=8, decided=6, adjusted=3)
    assert many.overturn_words() == "3 of 6 adjusted (50%)"
    none = EvaluatorDisputes("New Lead", evaluations=3, disputed=0, decided=0, adjusted=0)
    assert none.overturn_words() == "none decided yet"
    csv = dispute_rates_csv([one, none]).decode("utf-8-sig").splitlines()
    assert csv[0].split(",")[:7] == [
        "evaluator",
        "evaluations",
        "disputed",
        "dispute_rate",
        "decided",
        "adjusted",
        "overturn_rate",
    ]
    assert csv[1].split(",")[-1] == "1.0" and csv[2].split(",")[-1] == ""


def test_rates_for_a_manager_keep_their_counts(session: Session, org: dict) -> None:
    evaluation = _evaluate(session, org)
    agent = actor_of(session, org["red_agent"])
    manager = actor_of(session, org["manager"])
    opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
    decide_dispute(
        session,
        actor=manager,
        dispute_id=opened.id,
        decision=Decision.ADJUST,
        reason="x",
        answers={CHECK_BACK: "yes"},
    )
    [row] = dispute_rates(session, actor=manager, start=TODAY - dt.timedelta(days=9), end=TODAY)
    assert row.overturn_words() == "1 of 1 adjusted — too few to judge"


def test_my_day_lists_disputes_to_decide_calibration_to_score_and_comments_to_answer(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    manager = actor_of(session, org["manager"])
    agent = actor_of(session, org["red_agent"])
    assert qa_work(session, actor=lead, day=TODAY).empty
    assert qa_work(session, actor=agent, day=TODAY).empty  # agents have their own block
    # A manager scores two of the agent's calls; the agent disputes both: the lead owns them.
    late, soon = _evaluate(session, org, by="manager"), _evaluate(session, org, by="manager")
    for evaluation in (soon, late):
        open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
    overdue = session.exec(select(Dispute).where(Dispute.evaluation_id == late)).one()
    overdue.due_date = TODAY - dt.timedelta(days=4)
    session.add(overdue)
    # A calibration session invites the lead; the agent comments on the lead's evaluation.
    card = save_scorecard(session, actor=manager, family="Voice", definition=DEFAULT_FORM)
    create_session(
        session,
        actor=manager,
        title="November calibration",
        scorecard_id=card.id,
        calls=[CallInput("CALL-1", ""), CallInput("CALL-2", "")],
        evaluator_ids=[lead.id, org["blue_lead"].id],
    )
    scored_by_lead = _evaluate(session, org)
    add_comment(
        session,
        actor=agent,
        record_type=CommentOn.EVALUATION,
        record_id=scored_by_lead,
        text="Could you listen to the end of the call?",
    )
    work = lead_day(session, actor=lead, day=TODAY).qa
    assert [d.id for d in work.disputes][0] == overdue.id  # overdue first
    assert work.overdue == 1 and len(work.disputes) == 2
    assert work.disputes[0].sentence() == (
        f"{agent.name}'s dispute of the evaluation of {TODAY - dt.timedelta(days=3):%-d %b} — "
        f"overdue: was due {overdue.due_date:%a %-d %b}"
    )
    [calibration] = work.calibrations
    assert calibration.sentence() == "November calibration: you have scored 0 of 2 interactions"
    [reply] = work.replies
    assert reply.sentence() == (
        f"{agent.name} commented on your QA evaluation of {TODAY - dt.timedelta(days=3):%-d %b}"
    )
    assert work.headline() == (
        "QA: 2 disputes to decide (1 overdue), 1 calibration session waiting for your scores, "
        "1 agent comment waiting for a reply."
    )
    assert work.headline() in lead_day(session, actor=lead, day=TODAY).headline()
    # Once the lead answers, the comment no longer waits.
    add_comment(
        session, actor=lead, record_type=CommentOn.EVALUATION, record_id=scored_by_lead, text="Yes"
    )
    assert qa_work(session, actor=lead, day=TODAY).replies == ()
    # The manager owns none of these and was not invited: nothing waits for them.
    mine = manager_day(session, actor=manager, day=TODAY, falling={}).qa
    assert mine.empty


def test_a_manager_hears_of_overdue_disputes_someone_else_owns(session: Session, org: dict) -> None:
    manager = actor_of(session, org["manager"])
    other = make_person(session, role=Role.MANAGER)
    agent = actor_of(session, org["red_agent"])
    # The agent's lead scored it: a manager owns the dispute (the one with fewer open ones).
    opened = open_dispute(session, actor=agent, evaluation_id=_evaluate(session, org), reason="x")
    row = session.get(Dispute, opened.id)
    assert row is not None
    row.owner_id, row.due_date = other.id, TODAY - dt.timedelta(days=1)
    session.add(row)
    work = qa_work(session, actor=manager, day=TODAY)
    assert work.disputes == () and work.others_overdue == 1
    assert work.others_sentence() == (
        "1 overdue dispute owned by someone else: you may decide it as a manager."
    )
    assert work.headline() == "QA: 1 overdue dispute owned by someone else."
    # A lead is never told of others' disputes.
    assert qa_work(session, actor=actor_of(session, org["red_lead"]), day=TODAY).others_overdue == 0
