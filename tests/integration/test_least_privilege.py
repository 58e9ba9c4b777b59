"""The least-privilege gaps a review found, each closed in core (not only by hiding a page)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from core.learning.pledges import check_ins, draft_pledge, nudge, retire, sign
from core.metrics.imports import check_metrics_csv, import_metrics
from core.people.org import DepartmentInput, create_department
from core.platform.errors import AccessDenied, InvalidInput
from core.quality.evaluations import (
    DEFAULT_FORM,
    list_scorecards,
    record_evaluation,
    save_scorecard,
)
from core.rotations.terms import create_term, hosting, set_hosting
from tests.conftest import TODAY, actor_of


def _pledge(session: Session, org: dict, *, signed: bool) -> int:
    agent, mentor = actor_of(session, org["red_agent"]), actor_of(session, org["blue_agent"])
    pledge = draft_pledge(
        session,
        actor=agent,
        mentor_id=mentor.id,
        commitments=["Listen first"],
        start_date=TODAY - dt.timedelta(days=14),
    )
    if signed:
        sign(session, actor=agent, pledge_id=pledge)
        sign(session, actor=mentor, pledge_id=pledge)
    return pledge


def test_a_mentor_asked_to_co_sign_a_draft_reads_no_mind_checks(
    session: Session, org: dict
) -> None:
    _pledge(session, org, signed=False)
    with pytest.raises(AccessDenied, match="mentor of their live pledge"):
        check_ins(session, actor=actor_of(session, org["blue_agent"]), agent_id=org["red_agent"].id)


def test_a_former_mentor_neither_reads_the_mind_checks_nor_nudges(
    session: Session, org: dict
) -> None:
    pledge = _pledge(session, org, signed=True)
    mentor = actor_of(session, org["blue_agent"])
    assert check_ins(session, actor=mentor, agent_id=org["red_agent"].id) == []
    retire(session, actor=actor_of(session, org["red_agent"]), pledge_id=pledge)
    with pytest.raises(AccessDenied, match="mentor of their live pledge"):
        check_ins(session, actor=mentor, agent_id=org["red_agent"].id)
    with pytest.raises(AccessDenied, match="live pledge you co-signed"):
        nudge(session, actor=mentor, pledge_id=pledge)


def test_a_lead_sees_the_hosting_but_only_managers_and_admins_set_it(
    session: Session, org: dict
) -> None:
    manager, lead = actor_of(session, org["manager"]), actor_of(session, org["red_lead"])
    term = create_term(
        session, actor=manager, name="2027-Q1", start=dt.date(2027, 1, 4), end=dt.date(2027, 3, 26)
    )
    billing = create_department(
        session, actor=actor_of(session, org["admin"]), data=DepartmentInput("Billing")
    )
    with pytest.raises(AccessDenied, match="ask a manager"):
        set_hosting(session, actor=lead, term_id=term.id, department_id=billing.id, capacity=50)
    set_hosting(session, actor=manager, term_id=term.id, department_id=billing.id, capacity=3)
    assert [h.capacity for h in hosting(session, actor=lead, term_id=term.id)] == [3]
    with pytest.raises(AccessDenied):
        hosting(session, actor=actor_of(session, org["red_agent"]), term_id=term.id)


def test_only_a_manager_replaces_the_scorecard_and_leads_read_it(
    session: Session, org: dict
) -> None:
    for who in ("red_lead", "admin"):
        with pytest.raises(AccessDenied, match="Only a manager changes"):
            save_scorecard(
                session, actor=actor_of(session, org[who]), family="Voice", definition=DEFAULT_FORM
            )
    save_scorecard(
        session, actor=actor_of(session, org["manager"]), family="Voice", definition=DEFAULT_FORM
    )
    assert [
        c.family for c in list_scorecards(session, actor=actor_of(session, org["red_lead"]))
    ] == ["Voice"]
    with pytest.raises(AccessDenied):
        list_scorecards(session, actor=actor_of(session, org["red_agent"]))


def test_no_one_imports_or_records_scores_about_themself(session: Session, org: dict) -> None:
    lead = actor_of(session, org["red_lead"])
    data = (
        "agent_email,date,metric,value\n"
        f"{org['red_lead'].email},2026-11-20,csat,5\n"
        f"{org['red_agent'].email},2026-11-20,csat,4\n"
    ).encode()
    check = check_metrics_csv(session, data=data, actor=lead)
    assert check.problems == [
        "line 2: these are your own scores: no one imports scores about themself"
    ]
    with pytest.raises(InvalidInput):
        import_metrics(session, data=data, actor=lead)
    manager = actor_of(session, org["manager"])
    card = save_scorecard(session, actor=manager, family="Voice", definition=DEFAULT_FORM)
    # a manager coaches everyone, and still never scores themself
    with pytest.raises(AccessDenied, match="No one scores themself"):
        record_evaluation(
            session,
            actor=manager,
            agent_id=manager.id,
            scorecard_id=card.id,
            answers=[["yes", 5], [5, "yes"], ["yes", "yes"]],
            date=TODAY,
        )
