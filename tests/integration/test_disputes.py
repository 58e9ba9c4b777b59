"""Disputes of evaluations: the window, the reviewer who is not the evaluator, a reviewer who
answers questions again and the score the scorecard gives them replacing the old one in the trend
with the history kept, who hears of what, reminders, digest and rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, select

from core.accounts import set_account_active
from core.growth.agent import growth_data
from core.models import (
    AuditEvent,
    Dispute,
    DisputeEvent,
    DisputeStep,
    Evaluation,
    Notification,
    NotificationKind,
    Person,
    Role,
)
from core.people.access import load_actor
from core.platform.config import get_settings
from core.platform.errors import AccessDenied, InvalidInput
from core.quality.dispute_reads import (
    dispute_rates,
    disputes_of,
    disputes_of_my_evaluations,
    disputes_to_review,
)
from core.quality.dispute_review import decide_dispute
from core.quality.disputes import AnswerChange, Decision, open_dispute
from core.quality.evaluations import (
    DEFAULT_FORM,
    list_evaluations,
    parse_definition,
    record_evaluation,
    save_scorecard,
    score_answers,
)
from core.quality.glance import qa_glance
from core.reminders.digest import weekly_digests
from core.reminders.rules import disputes_due
from tests.conftest import PASSWORD, TODAY, actor_of, make_person

ANSWERS: list[list[Any]] = [["yes", 3], [3, "yes"], ["yes", "no"]]
CHECK_BACK = "Compliance › Offered to check back in (no “good luck”)"
ACKNOWLEDGED = "Opening and empathy › Acknowledged the customer's situation"
SECTIONS = parse_definition(DEFAULT_FORM)


def _evaluate(session: Session, org: dict, *, by: str = "red_lead", days_ago: int = 3) -> int:
    card = save_scorecard(
        session,
        actor=actor_of(session, org["manager"]),
        family="Voice",
        definition=DEFAULT_FORM,
    )
    return record_evaluation(
        session,
        actor=actor_of(session, org[by]),
        agent_id=org["red_agent"].id,
        scorecard_id=card.id,
        answers=ANSWERS,
        date=TODAY - dt.timedelta(days=days_ago),
    ).id


def _evaluate_and_decide(session: Session, org: dict, *decisions: Decision) -> list[int]:
    """One evaluation per decision (3, 4, … days ago), each disputed by the agent and decided by
    the manager in that order; the evaluations' ids."""
    agent = actor_of(session, org["red_agent"])
    manager = actor_of(session, org["manager"])
    evaluations = []
    for days_ago, decision in enumerate(decisions, start=3):
        evaluation = _evaluate(session, org, days_ago=days_ago)
        opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
        decide_dispute(
            session,
            actor=manager,
            dispute_id=opened.id,
            decision=decision,
            reason="Looked again",
            answers={CHECK_BACK: "yes"} if decision is Decision.ADJUST else None,
        )
        evaluations.append(evaluation)
    return evaluations


def _state(session: Session) -> tuple[int, int, list[float]]:
    """What a refused request must leave as it was: disputes, their history, the scores."""
    return (
        len(session.exec(select(Dispute)).all()),
        len(session.exec(select(DisputeEvent)).all()),
        [e.score for e in session.exec(select(Evaluation)).all()],
    )


def test_an_adjusted_score_replaces_the_old_one_in_the_trend_and_keeps_the_history(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    agent = actor_of(session, org["red_agent"])
    old = session.get(Evaluation, evaluation)
    assert old is not None
    old_score = old.score
    opened = open_dispute(
        session,
        actor=agent,
        evaluation_id=evaluation,
        reason="The customer's line dropped: I could not offer to check back in",
        items=["Compliance › Offered to check back in (no “good luck”)"],
    )
    # The agent's lead scored it: a manager owns the review, due in five working days.
    assert opened.owner == org["manager"].name
    assert opened.due_date == dt.date(2026, 11, 30)
    assert opened.items == ("Compliance › Offered to check back in (no “good luck”)",)
    with pytest.raises(AccessDenied, match="someone else reviews"):
        decide_dispute(
            session,
            actor=actor_of(session, org["red_lead"]),
            dispute_id=opened.id,
            decision=Decision.UPHOLD,
            reason="I stand by it",
        )
    # The reviewer answers the disputed question again; the scorecard scores the new answers.
    expected = score_answers(SECTIONS, [["yes", 3], [3, "yes"], ["yes", "na"]]).score
    assert expected != old_score
    decided = decide_dispute(
        session,
        actor=actor_of(session, org["manager"]),
        dispute_id=opened.id,
        decision=Decision.ADJUST,
        reason="A dropped line is not the agent's doing",
        answers={CHECK_BACK: "na"},
    )
    # The state says the outcome; whose answers are shown is said only beside the answers.
    assert decided.state() == f"adjusted: {old_score:.0f}% → {expected:.0f}%"
    assert decided.answers_note().startswith("The answers shown are the reviewer's")
    evaluation_row = session.get(Evaluation, evaluation)
    assert evaluation_row is not None and evaluation_row.score == expected
    [shown] = list_evaluations(session, actor=agent, agent_id=agent.id)
    assert shown.answers == [["yes", 3], [3, "yes"], ["yes", "na"]]
    trend = growth_data(
        session,
        actor=agent,
        agent_id=agent.id,
        start=TODAY - dt.timedelta(days=30),
        end=TODAY,
    )
    assert trend.series["qa_score"] == [(TODAY - dt.timedelta(days=3), expected)]
    [history] = disputes_of(session, actor=agent, agent_id=agent.id)
    assert [(s.step, s.by, s.old_score, s.new_score, s.changes) for s in history.history] == [
        (DisputeStep.OPENED, org["red_agent"].name, old_score, None, ()),
        (
            DisputeStep.ADJUSTED,
            org["manager"].name,
            old_score,
            expected,
            (AnswerChange(CHECK_BACK, "no", "na"),),
        ),
    ]
    assert history.history[1].reason == "A dropped line is not the agent's doing"
    assert f"re-answered {CHECK_BACK}: no → n.a." in history.history[1].sentence()
    audit = session.exec(
        select(AuditEvent.record_type, AuditEvent.detail).where(
            AuditEvent.subject_id == agent.id, AuditEvent.action != "read"
        )
    ).all()
    assert (
        "evaluation",
        f"score adjusted {old_score:g} → {expected:g} after dispute #{opened.id} "
        f"({CHECK_BACK}: no → n.a.)",
    ) in audit
    told = session.exec(
        select(Notification.person_id, Notification.title).where(
            Notification.kind == NotificationKind.DISPUTE
        )
    ).all()
    assert {p for p, _ in told} == {org["manager"].id, agent.id, org["red_lead"].id}


def test_the_evaluator_hears_of_the_dispute_and_the_decision_and_the_agent_of_the_decision(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    agent = actor_of(session, org["red_agent"])
    opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="The line dropped")
    decide_dispute(
        session,
        actor=actor_of(session, org["manager"]),
        dispute_id=opened.id,
        decision=Decision.UPHOLD,
        reason="The recording shows no offer",
    )
    day = f"{TODAY - dt.timedelta(days=3):%-d %b}"
    told = session.exec(
        select(Notification.person_id, Notification.title, Notification.link)
        .where(Notification.kind == NotificationKind.DISPUTE)
        .order_by(Notification.id)
    ).all()
    manager, lead, name = org["manager"], org["red_lead"], agent.name
    score = f"{opened.old_score:.0f}%"  # the one formatter of evaluation scores
    assert told == [
        (
            manager.id,
            f"{name} disputes an evaluation: please review by {opened.due_date:%a %-d %b}",
            f"evaluations?dispute={opened.id}",
        ),
        (lead.id, f"{name} disputed your evaluation of {day}", f"evaluations?dispute={opened.id}"),
        (
            agent.id,
            f"{manager.name} upheld your evaluation of {day}: the score of {score} stands",
            f"growth?show=evaluations&evaluation={evaluation}",
        ),
        (
            lead.id,
            f"{manager.name} upheld your evaluation of {name} on {day}: the score of {score} stands",
            f"evaluations?dispute={opened.id}",
        ),
    ]
    opened_body = session.exec(
        select(Notification.body).where(
            Notification.person_id == lead.id, Notification.subject == f"dispute:{opened.id}:opened"
        )
    ).one()
    assert opened_body == (
        f"Score {score}. {manager.name} reviews it by {opened.due_date:%a %-d %b}. "
        "Disputed: the whole evaluation. Their reason: The line dropped"
    )
    # Nothing tells the agent about themself in the third person.
    assert not any(p == agent.id and name in t for p, t, _ in told)
    # The evaluator (another team's lead could not open the agent's growth) reads it on QA
    # evaluations, with the decision; the agent's page is not needed.
    [theirs] = disputes_of_my_evaluations(session, actor=actor_of(session, lead))
    assert (theirs.id, theirs.state()) == (opened.id, f"upheld: the score of {score} stands")
    assert disputes_of_my_evaluations(session, actor=agent) == []


def test_a_whole_evaluation_dispute_lets_the_reviewer_answer_any_question_again(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    decided = decide_dispute(
        session,
        actor=actor_of(session, org["manager"]),
        dispute_id=opened.id,
        decision=Decision.ADJUST,
        reason="Looked again",
        answers={ACKNOWLEDGED: 5, CHECK_BACK: "no"},  # the second is unchanged: not a change
    )
    assert (
        decided.new_score == score_answers(SECTIONS, [["yes", 5], [3, "yes"], ["yes", "no"]]).score
    )
    assert decided.history[-1].changes == (AnswerChange(ACKNOWLEDGED, 3, 5),)


def test_the_agents_lead_reviews_when_a_manager_scored_it(session: Session, org: dict) -> None:
    evaluation = _evaluate(session, org, by="manager")
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    assert opened.owner == org["red_lead"].name
    lead = actor_of(session, org["red_lead"])
    assert [d.id for d in disputes_to_review(session, actor=lead)] == [opened.id]
    assert disputes_to_review(session, actor=actor_of(session, org["manager"])) == []
    upheld = decide_dispute(
        session, actor=lead, dispute_id=opened.id, decision=Decision.UPHOLD, reason="Fair score"
    )
    assert upheld.state().startswith("upheld")


@pytest.mark.parametrize(
    "change,message",
    [
        (dict(reason="   "), "Say why you dispute the score"),
        (dict(days_ago=15), "could be disputed until 22 Nov 2026"),
        (dict(items=["Made it up"]), "is not a question of this evaluation"),
        (dict(twice=True), "This evaluation already has an open dispute"),
    ],
)
def test_a_bad_dispute_gets_one_sentence_and_changes_nothing(
    session: Session, org: dict, change: dict, message: str
) -> None:
    evaluation = _evaluate(session, org, days_ago=change.get("days_ago", 3))
    agent = actor_of(session, org["red_agent"])
    if change.get("twice"):
        open_dispute(session, actor=agent, evaluation_id=evaluation, reason="First")
    before = _state(session)
    with pytest.raises(InvalidInput, match=message):
        open_dispute(
            session,
            actor=agent,
            evaluation_id=evaluation,
            reason=change.get("reason", "The line dropped"),
            items=change.get("items", ()),
        )
    assert _state(session) == before


@pytest.mark.parametrize(
    "decision,answers,items,reason,message",
    [
        (Decision.ADJUST, {}, (), "Too low", "To adjust, answer at least one question"),
        (Decision.ADJUST, {CHECK_BACK: "no"}, (), "Too low", "To adjust, answer at least one"),
        (Decision.ADJUST, {ACKNOWLEDGED: 7}, (), "Too low", "takes a score from 1 to 5"),
        (Decision.ADJUST, {ACKNOWLEDGED: 0}, (), "Too low", "takes a score from 1 to 5"),
        (Decision.ADJUST, {CHECK_BACK: "maybe"}, (), "Too low", "takes yes, no or n.a."),
        (Decision.ADJUST, {"Made it up": "yes"}, (), "Too low", "is not a question of this"),
        (
            Decision.ADJUST,
            {ACKNOWLEDGED: 5},
            (CHECK_BACK,),
            "Too low",
            "Only the disputed questions can be answered again",
        ),
        (Decision.UPHOLD, {CHECK_BACK: "yes"}, (), "Fair", "Upholding keeps the evaluator's"),
        (Decision.UPHOLD, {}, (), " ", "Give the reason for your decision"),
    ],
)
def test_a_bad_decision_gets_one_sentence_and_changes_nothing(
    session: Session,
    org: dict,
    decision: Decision,
    answers: dict[str, Any],
    items: tuple[str, ...],
    reason: str,
    message: str,
) -> None:
    evaluation = _evaluate(session, org)
    opened = open_dispute(
        session,
        actor=actor_of(session, org["red_agent"]),
        evaluation_id=evaluation,
        reason="x",
        items=items,
    )
    before = _state(session), _answers(session)
    with pytest.raises(InvalidInput, match=message) as refused:
        decide_dispute(
            session,
            actor=actor_of(session, org["manager"]),
            dispute_id=opened.id,
            decision=decision,
            reason=reason,
            answers=answers,
        )
    assert str(refused.value).count(". ") == 0  # one sentence
    assert (_state(session), _answers(session)) == before


def _answers(session: Session) -> list[str]:
    return [e.answers for e in session.exec(select(Evaluation)).all()]


def test_a_dispute_is_decided_once(session: Session, org: dict) -> None:
    evaluation = _evaluate(session, org)
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    manager = actor_of(session, org["manager"])
    decide_dispute(
        session, actor=manager, dispute_id=opened.id, decision=Decision.UPHOLD, reason="Fair"
    )
    before = _state(session), _answers(session)
    with pytest.raises(InvalidInput, match=r"^This dispute was decided already \(upheld\)\.$"):
        decide_dispute(
            session,
            actor=manager,
            dispute_id=opened.id,
            decision=Decision.ADJUST,
            reason="On second thoughts",
            answers={CHECK_BACK: "yes"},
        )
    assert (_state(session), _answers(session)) == before


def test_only_the_agent_disputes_and_only_coaches_who_did_not_score_it_decide(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    for other in ("red_agent2", "red_lead", "manager", "admin"):
        with pytest.raises(AccessDenied):
            open_dispute(
                session, actor=actor_of(session, org[other]), evaluation_id=evaluation, reason="x"
            )
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    for other in ("red_agent", "red_agent2", "blue_lead", "admin", "red_lead"):
        with pytest.raises(AccessDenied):
            decide_dispute(
                session,
                actor=actor_of(session, org[other]),
                dispute_id=opened.id,
                decision=Decision.UPHOLD,
                reason="Fine",
            )
    with pytest.raises(AccessDenied):
        disputes_of(
            session, actor=actor_of(session, org["red_agent2"]), agent_id=org["red_agent"].id
        )


def test_open_disputes_are_reminded_due_tomorrow_and_once_overdue(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    assert opened.due_date == dt.date(2026, 11, 30)  # Monday
    assert disputes_due(session, dt.date(2026, 11, 26)) == []
    [soon] = disputes_due(session, dt.date(2026, 11, 27))  # Friday: due on Monday
    assert soon.person_id == org["manager"].id
    assert soon.title.endswith("is due on Monday 30 November")
    assert disputes_due(session, dt.date(2026, 11, 30)) == []
    late = [disputes_due(session, day) for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 2))]
    assert [m.title.startswith("Overdue") for ms in late for m in ms] == [True, True]
    assert {m.key for ms in late for m in ms} == {late[0][0].key}  # the same message: sent once


def test_the_weekly_digest_counts_open_disputes(session: Session, org: dict) -> None:
    evaluation = _evaluate(session, org)
    open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    messages = weekly_digests(session, dt.date(2026, 12, 7))
    red = next(m for m in messages if m.person_id == org["red_lead"].id)
    assert "Disputed evaluations awaiting review: 1 (1 overdue)" in red.body
    manager = next(m for m in messages if m.person_id == org["manager"].id)
    assert "1 disputes awaiting review (1 overdue)" in manager.body


def test_managers_see_dispute_and_overturn_rates_per_evaluator(session: Session, org: dict) -> None:
    manager = actor_of(session, org["manager"])
    _evaluate_and_decide(session, org, Decision.ADJUST, Decision.UPHOLD)
    _evaluate(session, org, days_ago=5)
    [lead] = dispute_rates(session, actor=manager, start=TODAY - dt.timedelta(days=30), end=TODAY)
    assert (lead.evaluator, lead.evaluations, lead.disputed, lead.adjusted) == (
        org["red_lead"].name,
        3,
        2,
        1,
    )
    assert lead.dispute_rate == pytest.approx(2 / 3) and lead.overturn_rate == 0.5
    for other in ("red_lead", "admin", "red_agent"):
        with pytest.raises(AccessDenied):
            dispute_rates(session, actor=actor_of(session, org[other]), start=TODAY, end=TODAY)


def test_a_dispute_without_a_possible_reviewer_is_refused(session: Session, org: dict) -> None:
    """The only manager scored it and the team has no other lead: nobody may review it."""
    evaluation = _evaluate(session, org, by="manager")
    red = org["red"]
    red.lead_id = None
    session.add(red)
    session.flush()
    with pytest.raises(InvalidInput, match="No one but the evaluator"):
        open_dispute(
            session,
            actor=load_actor(session, org["red_agent"].id),
            evaluation_id=evaluation,
            reason="x",
        )
    assert session.exec(select(Person).where(Person.role == Role.MANAGER)).all()


def test_managers_share_the_disputes_their_leads_cannot_review(session: Session, org: dict) -> None:
    """The lead scored both: the first goes to a manager, the second to the other manager."""
    second = make_person(session, role=Role.MANAGER, password=PASSWORD)
    agent = actor_of(session, org["red_agent"])
    owners = [
        open_dispute(
            session, actor=agent, evaluation_id=_evaluate(session, org, days_ago=d), reason="x"
        ).owner
        for d in (3, 4)
    ]
    assert sorted(owners) == sorted([org["manager"].name, second.name])


def test_a_dispute_goes_only_to_someone_who_can_log_in(
    session: Session, org: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A manager without a password (and no single sign-on) would never see the dispute: it
    waited forever (issue 25, item 7). The one who can log in gets it; with single sign-on on,
    an active manager without a password can act too."""
    mute = make_person(session, role=Role.MANAGER)  # no password: cannot log in
    session.flush()
    agent = actor_of(session, org["red_agent"])
    owners = {
        open_dispute(
            session, actor=agent, evaluation_id=_evaluate(session, org, days_ago=d), reason="x"
        ).owner
        for d in (3, 4, 5)
    }
    assert owners == {org["manager"].name}  # not shared with the manager who cannot log in
    monkeypatch.setenv("HEADWAY_OIDC_ISSUER", "https://id.example.com")
    monkeypatch.setenv("HEADWAY_OIDC_CLIENT_ID", "headway")
    monkeypatch.setenv("HEADWAY_OIDC_CLIENT_SECRET", "s3cret-" + "x" * 24)
    get_settings.cache_clear()
    shared = open_dispute(
        session, actor=agent, evaluation_id=_evaluate(session, org, days_ago=6), reason="x"
    )
    assert shared.owner == mute.name  # single sign-on lets them in: they share the work


def test_a_deactivated_owners_open_disputes_go_to_someone_who_can_decide_them(
    session: Session, org: dict
) -> None:
    second = make_person(session, role=Role.MANAGER, password=PASSWORD)
    agent = actor_of(session, org["red_agent"])
    opened = open_dispute(session, actor=agent, evaluation_id=_evaluate(session, org), reason="x")
    owner = next(p for p in (org["manager"], second) if p.name == opened.owner)
    other = second if owner is org["manager"] else org["manager"]
    admin = actor_of(session, org["admin"])
    set_account_active(session, actor=admin, person_id=owner.id, active=False)
    [moved] = disputes_of(session, actor=agent, agent_id=org["red_agent"].id)
    assert moved.owner == other.name and moved.open
    told = session.exec(
        select(Notification).where(
            Notification.person_id == other.id, Notification.subject == f"dispute:{moved.id}"
        )
    ).all()
    assert told and "can no longer log in" in told[-1].body
    assert [d.id for d in disputes_to_review(session, actor=actor_of(session, other))] == [moved.id]
    # The last one who could decide it is not deactivated: the dispute would wait forever.
    with pytest.raises(InvalidInput, match="no other lead or manager who can log in"):
        set_account_active(session, actor=admin, person_id=other.id, active=False)
    assert session.get(Person, other.id).active  # type: ignore[union-attr]


def test_my_day_counts_the_agents_evaluations_and_open_disputes(
    session: Session, org: dict
) -> None:
    agent = actor_of(session, org["red_agent"])
    first, second = _evaluate(session, org), _evaluate(session, org, days_ago=5)
    _evaluate(session, org, days_ago=40)  # older than four weeks and than the window
    opened = open_dispute(session, actor=agent, evaluation_id=first, reason="x")
    glance = qa_glance(session, agent_id=agent.id, day=TODAY)
    assert (glance.recent, glance.disputable, glance.decided) == (2, 1, 0)
    assert glance.open_evaluation == first
    assert glance.link_label() == "Your QA evaluations — 1 open dispute"
    assert (
        f"Your dispute of the evaluation of {TODAY - dt.timedelta(days=3):%-d %b} is open: "
        f"{opened.owner} ({opened.owner_role}) decides by {opened.due_date:%a %-d %b}."
    ) in glance.sentences()
    decide_dispute(
        session,
        actor=actor_of(session, org["manager"]),
        dispute_id=opened.id,
        decision=Decision.UPHOLD,
        reason="Fair",
    )
    glance = qa_glance(session, agent_id=agent.id, day=TODAY)
    assert (glance.open_evaluation, glance.decided, glance.disputable) == (None, 1, 1)
    assert glance.link_label() == "Your QA evaluations — 1 dispute decided"
    assert second  # still open to dispute: counted in `disputable`
