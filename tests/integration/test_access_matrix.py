"""Least privilege as a matrix: every service in core/ that takes an acting user, called as every
person (admin, manager, the agent's lead, another team's lead, the agent, another agent, the
mentor of their live pledge, a former mentor, a department host) on one small organisation,
checked against its documented rule in core/access_matrix.py.

Each call runs in a savepoint rolled back afterwards, so every person meets the same
organisation. The full matrix runs on SQLite; one slice (the private records) on PostgreSQL too.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from scim2_models import (
    Context,
    Group,
    GroupMember,
    MutabilityException,
    PatchOp,
    SCIMException,
)
from sqlmodel import Session, select

from core import accounts, note_evaluations
from core.access_matrix import (
    NOT_SERVICES,
    RULES,
    Refusal,
    Who,
    services_taking_actor,
    who_may_table,
)
from core.coaching import conversation
from core.coaching import notes as coaching
from core.connect import api as connect_api
from core.connect import coverage as connect_coverage
from core.connect import evaluations as connect_evaluations
from core.connect import scim, scim_groups
from core.connect import tokens as api_tokens
from core.growth import agent as growth_agent
from core.growth import checkins as growth_checkins
from core.growth import teams as growth_teams
from core.home.admin import admin_day
from core.home.agent import agent_day
from core.home.glance import organisation_glance, person_changes, team_glance, weekly_trend
from core.home.lead import lead_day, qa_work
from core.home.manager import manager_day
from core.learning import drafts, pledges
from core.learning import shares as learning
from core.metrics import imports
from core.models import (
    Assignment,
    AssignmentStatus,
    Blackout,
    CommentOn,
    ContactReason,
    MindAnswer,
    MindCheck,
    Notification,
    NotificationKind,
    Observation,
    PdDay,
    PdPurpose,
    PdStatus,
    Person,
    Pledge,
    PledgeStatus,
    ProjectStatus,
    Role,
    StaffingOverride,
    TargetKind,
    Team,
    Theme,
    TokenKind,
)
from core.notify import connections, notifications
from core.pd import closures, exports
from core.pd import constraints as pd_constraints
from core.pd import coverage as pd_coverage
from core.pd import days as pd_days
from core.pd import planning as pd_planning
from core.pd.planning import PlanSettings
from core.people import (
    audit,
    auth,
    data_export,
    org,
    password_changes,
    people_import,
    personal_data,
)
from core.people.access import Actor, load_actor
from core.platform.db import make_engine
from core.platform.errors import AccessDenied, DomainError, InvalidInput, NotFound
from core.quality import (
    calibration,
    calibration_sessions,
    calibration_views,
    dispute_reads,
    dispute_review,
    disputes,
    sampling,
)
from core.quality import evaluations as quality
from core.rotations import interests, outcomes, programme, terms
from core.rotations import planning as rotation_planning
from core.staffing import service as staffing_service
from core.voice import impact as voice_impact
from core.voice import insights as voice_insights
from core.voice import reads as voice_reads
from core.voice import reasons as voice_reasons
from core.voice import scoreboard as voice_scoreboard
from core.voice import themes as voice_themes
from core.voice import volumes as voice_volumes
from tests.conftest import PASSWORD, TODAY, make_person, make_team

ROOT = Path(__file__).resolve().parents[2]
NOTE = coaching.NoteInput("csat", went_well="Warm greeting", to_try="Recap the next step")
SHARE = learning.ShareInput("Recaps", learned="A recap stops repeat calls")
ANSWERS: list[list[Any]] = [["yes", 5], [5, "yes"], ["yes", "yes"]]
PLAN = dict(start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31), pd_days_per_agent=1)


@dataclass(frozen=True)
class Org:
    """The ids of the matrix's organisation; `people` maps each Who to a person."""

    people: dict[Who, int]
    team: int  # the agent's team
    other_team: int
    department: int
    other_department: int
    note: int
    evaluation: int
    scorecard: int
    pledge: int  # the agent's live pledge (mentor: Who.MENTOR)
    former_pledge: int  # retired (mentor: Who.FORMER_MENTOR)
    share: int
    term: int  # the current term, with the agent's published assignment
    next_term: int  # the next term, with the agent's proposed assignment
    assignment: int
    next_assignment: int
    pd_day: int
    notification: int
    reason: int = 0
    proposed_reason: int = 0
    insight: int = 0  # the agent's, heard too by another agent
    other_insight: int = 0  # the agent's too, not yet grouped
    theme: int = 0  # open, for Billing (the agent is its ambassador this term)
    taken_theme: int = 0  # taken to Billing by the agent
    changed_theme: int = 0  # Billing changed it today
    token: int = 0  # the agent's personal read token

    @property
    def agent(self) -> int:
        return self.people[Who.AGENT]

    def email(self, session: Session, who: Who) -> str:
        person = session.get(Person, self.people[who])
        assert person is not None
        return person.email


def build_org(session: Session) -> Org:
    red = make_team(session, name="Red", min_staffed=1)
    blue = make_team(session, name="Blue", min_staffed=1)
    people = {
        Who.ADMIN: make_person(session, role=Role.ADMIN, password=PASSWORD),
        Who.MANAGER: make_person(session, role=Role.MANAGER, password=PASSWORD),
        Who.LEAD: make_person(
            session, role=Role.TEAM_LEAD, team=red, leads=True, password=PASSWORD
        ),
        Who.OTHER_LEAD: make_person(
            session, role=Role.TEAM_LEAD, team=blue, leads=True, password=PASSWORD
        ),
        Who.AGENT: make_person(session, team=red, password=PASSWORD),
        Who.OTHER_AGENT: make_person(session, team=red, password=PASSWORD),
        Who.MENTOR: make_person(session, team=blue, password=PASSWORD),
        Who.FORMER_MENTOR: make_person(session, team=blue, password=PASSWORD),
        Who.HOST: make_person(session, team=blue, password=PASSWORD),
    }
    ids = {who: p.id or 0 for who, p in people.items()}
    as_ = {who: load_actor(session, i) for who, i in ids.items()}
    admin, manager, lead, agent = as_[Who.ADMIN], as_[Who.MANAGER], as_[Who.LEAD], as_[Who.AGENT]
    billing = org.create_department(
        session,
        actor=admin,
        data=org.DepartmentInput(
            "Billing", host_contact_name="Hosting", host_contact_email=people[Who.HOST].email
        ),
    )
    sales = org.create_department(session, actor=admin, data=org.DepartmentInput("Sales"))
    # coaching and quality
    note = coaching.write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
    coaching.add_private_remark(session, actor=lead, note_id=note, text="Seems tired lately")
    card = quality.save_scorecard(
        session, actor=manager, family="Voice", definition=quality.DEFAULT_FORM
    )
    evaluation = quality.record_evaluation(
        session,
        actor=lead,
        agent_id=agent.id,
        scorecard_id=card.id,
        answers=ANSWERS,
        date=TODAY - dt.timedelta(days=3),
    )
    for days, value in ((40, 4.5), (20, 4.2), (5, 3.6)):
        session.add(
            Observation(
                person_id=agent.id, date=TODAY - dt.timedelta(days=days), metric="csat", value=value
            )
        )
    # pledges: one retired (the former mentor's), then the live one with mind checks of each
    start = TODAY - dt.timedelta(days=60)
    former = pledges.draft_pledge(
        session,
        actor=agent,
        mentor_id=ids[Who.FORMER_MENTOR],
        commitments=["Smile"],
        start_date=start,
    )
    pledges.sign(session, actor=agent, pledge_id=former)
    pledges.sign(session, actor=as_[Who.FORMER_MENTOR], pledge_id=former)
    session.add(
        MindCheck(
            pledge_id=former,
            agent_id=agent.id,
            date=TODAY - dt.timedelta(days=30),
            answer=MindAnswer.SLIPPED,
            note="A hard week at home",
        )
    )
    pledges.retire(session, actor=agent, pledge_id=former)
    live = pledges.draft_pledge(
        session,
        actor=agent,
        mentor_id=ids[Who.MENTOR],
        commitments=["Listen first"],
        start_date=TODAY - dt.timedelta(days=14),
    )
    pledges.sign(session, actor=agent, pledge_id=live)
    pledges.sign(session, actor=as_[Who.MENTOR], pledge_id=live)
    session.add(
        MindCheck(
            pledge_id=live,
            agent_id=agent.id,
            date=TODAY - dt.timedelta(days=4),
            answer=MindAnswer.KEPT,
            note="Listened first all day",
        )
    )
    # rotations: the current term (a published assignment) and the next (a proposed one)
    term = terms.create_term(
        session,
        actor=manager,
        name="2026-Q4",
        start=dt.date(2026, 10, 5),
        end=dt.date(2026, 12, 18),
    )
    next_term = terms.create_term(
        session, actor=manager, name="2027-Q1", start=dt.date(2027, 1, 4), end=dt.date(2027, 3, 26)
    )
    for t in (term, next_term):
        for d in (billing, sales):
            terms.set_hosting(
                session,
                actor=manager,
                term_id=t.id,
                department_id=d.id,
                capacity=3,
                weekday=2,
                start_time=dt.time(14),
                hours=2,
            )
    interests.set_interests(session, actor=agent, department_ids=[billing.id, sales.id])
    assignment = Assignment(
        term_id=term.id,
        person_id=agent.id,
        department_id=billing.id,
        status=AssignmentStatus.PUBLISHED,
    )
    proposed = Assignment(term_id=next_term.id, person_id=agent.id, department_id=billing.id)
    session.add_all([assignment, proposed])
    session.flush()
    share = learning.write_share(
        session,
        actor=agent,
        data=learning.ShareInput(**{**SHARE.__dict__, "assignment_id": assignment.id}),
    )
    pd_day = PdDay(person_id=agent.id, date=dt.date(2026, 12, 2), status=PdStatus.PUBLISHED)
    session.add(pd_day)
    learning.toggle_kudos(session, actor=as_[Who.OTHER_AGENT], share_id=share)
    notifications.notify(
        session,
        person_id=agent.id,
        kind=NotificationKind.SHARE_PROMPT,
        subject="matrix",
        title="Share what you learned",
    )
    session.flush()
    notification = session.exec(
        select(Notification).where(Notification.person_id == agent.id)
    ).first()
    assert notification is not None and notification.id is not None
    voice = _voice(session, as_, billing.id)
    token = api_tokens.create_token(
        session,
        actor=agent,
        name="my spreadsheet",
        kind=TokenKind.PERSONAL,
        scopes=["people:read"],
        expires_on=TODAY + dt.timedelta(days=30),
    )
    api_tokens.authenticate(session, text=token.text, scope="people:read", request="GET /")
    return Org(
        people=ids,
        team=red.id or 0,
        other_team=blue.id or 0,
        department=billing.id,
        other_department=sales.id,
        note=note,
        evaluation=evaluation.id,
        scorecard=card.id,
        pledge=live,
        former_pledge=former,
        share=share,
        term=term.id,
        next_term=next_term.id,
        assignment=assignment.id or 0,
        next_assignment=proposed.id or 0,
        pd_day=pd_day.id or 0,
        notification=notification.id,
        token=token.id,
        **voice,
    )


def _voice(session: Session, as_: dict[Who, Actor], billing: int) -> dict[str, int]:
    """A contact reason (and one proposed), the agent's insights (one heard by another agent
    too), an open theme and one the agent took to Billing."""
    agent, lead = as_[Who.AGENT], as_[Who.LEAD]
    reason = voice_reasons.add_reason(session, actor=as_[Who.ADMIN], name="Refund status")
    proposed = voice_reasons.propose_reason(session, actor=agent, name="Parcel lost")

    def log(text: str) -> int:
        data = voice_insights.InsightInput(text, reason.id, billing)
        return voice_insights.log_insight(session, actor=agent, data=data).id

    insight, other, third = log("Refund not shown"), log("Refund late"), log("Refund unclear")
    fourth = log("Refund e-mail confusing")
    voice_insights.hear_too(session, actor=as_[Who.OTHER_AGENT], insight_id=insight)
    theme = voice_insights.promote_to_theme(
        session, actor=lead, insight_id=insight, title="Refunds", expected_version=1
    )
    taken = voice_insights.promote_to_theme(
        session, actor=lead, insight_id=third, title="Refunds unclear", expected_version=1
    )
    voice_themes.take_theme(session, actor=agent, theme_id=taken, expected_version=1)
    changed = voice_insights.promote_to_theme(
        session, actor=lead, insight_id=fourth, title="Refund e-mails", expected_version=1
    )
    voice_themes.take_theme(session, actor=agent, theme_id=changed, expected_version=1)
    voice_themes.answer_theme(
        session,
        actor=agent,
        theme_id=changed,
        answer=voice_themes.ThemeStatus.CHANGED,
        words="Clearer e-mail",
        day=TODAY,
        expected_version=2,
    )
    return {
        "changed_theme": changed,
        "reason": reason.id,
        "proposed_reason": proposed.id,
        "insight": insight,
        "other_insight": other,
        "theme": theme,
        "taken_theme": taken,
    }


# ------------------------------------------------------------------ the calls, one per rule

Call = Callable[[Session, Org, Actor], Any]
Shows = Callable[[Any, Org], bool]


def _csv(session: Session, o: Org, header: str, line: str) -> bytes:
    return f"{header}\n{o.email(session, Who.AGENT)},{line}\n".encode()


def _forecast_csv(session: Session, o: Org) -> bytes:
    team = session.get(Team, o.team)
    assert team is not None
    day = (TODAY + dt.timedelta(days=7)).isoformat()
    return f"team,date,start,contacts,aht_seconds\n{team.name},{day},10:00,40,300\n".encode()


def _scope(o: Org) -> growth_teams.Scope:
    return growth_teams.Scope(TODAY - dt.timedelta(days=60), TODAY, (o.team,), "csat")


def _team_blackout(s: Session, o: Org) -> int:
    """A blackout date of the agent's team, to change or remove."""
    row = Blackout(date=dt.date(2026, 12, 11), team_id=o.team, reason="Launch")
    s.add(row)
    s.flush()
    return row.id or 0


def _team_floor(s: Session, o: Org) -> dt.date:
    """A floor of the agent's team on a date of its own, to remove; returns the date."""
    day = dt.date(2026, 12, 11)
    s.add(StaffingOverride(team_id=o.team, date=day, min_staffed=1))
    s.flush()
    return day


def _plan(o: Org) -> PlanSettings:
    return PlanSettings(team_ids=(o.team,), **PLAN)  # type: ignore[arg-type]


def _version(session: Session, model: type, row_id: int) -> int:
    row = session.get(model, row_id)
    assert row is not None
    return int(row.version)


def _new_pledge(s: Session, o: Org, a: Actor) -> int:
    if a.id == o.agent:  # the agent has a live pledge: retire it to make a new one
        pledges.retire(s, actor=a, pledge_id=o.pledge)
    mentor = o.people[Who.MANAGER] if a.id != o.people[Who.MANAGER] else o.people[Who.LEAD]
    return pledges.draft_pledge(
        s, actor=a, mentor_id=mentor, commitments=["Be kind"], start_date=TODAY
    )


def _sign(s: Session, o: Org, a: Actor) -> Any:
    """The agent signs a draft; anyone else tries to co-sign one that awaits its mentor."""
    pledge = s.get(Pledge, o.pledge)
    assert pledge is not None
    pledge.status = PledgeStatus.DRAFT if a.id == o.agent else PledgeStatus.AWAITING_MENTOR
    s.add(pledge)
    return pledges.sign(s, actor=a, pledge_id=o.pledge)


def _check_in(s: Session, o: Org, a: Actor) -> Any:
    """Today's mind check: every agent checks in on their own live pledge."""
    if a.id != o.agent and a.role is Role.AGENT:
        mentor = load_actor(s, o.people[Who.MANAGER])
        own = pledges.draft_pledge(
            s,
            actor=a,
            mentor_id=mentor.id,
            commitments=["Be kind"],
            start_date=TODAY - dt.timedelta(days=14),
        )
        pledges.sign(s, actor=a, pledge_id=own)
        pledges.sign(s, actor=mentor, pledge_id=own)
    pledges.check_in(s, actor=a, answer=MindAnswer.KEPT, note="Fine")
    return s.exec(
        select(MindCheck).where(MindCheck.agent_id == a.id, MindCheck.date == TODAY)
    ).one()


def _user_patch(value: dict[str, Any]) -> Any:
    return PatchOp[scim.ScimUser].model_validate(
        {"Operations": [{"op": "replace", "value": value}]},
        scim_ctx=Context.RESOURCE_PATCH_REQUEST,
    )


def _members(s: Session, team: int) -> Group:
    """The team as a SCIM group, as it is (replacing it with this changes nothing)."""
    ids = s.exec(select(Person.id).where(Person.team_id == team)).all()
    found = s.get(Team, team)
    assert found is not None
    return Group(
        display_name=found.name,
        members=[GroupMember.model_validate({"value": str(i)}) for i in sorted(ids)],
    )


def _scim_refusal(call: Callable[[], Any]) -> Any:
    """The answer, or the SCIM protocol error Headway's own rule gives an allowed caller."""
    try:
        return call()
    except SCIMException as exc:
        return exc


def _reason_name(s: Session, o: Org) -> str:
    reason = s.get(ContactReason, o.reason)
    assert reason is not None
    return reason.name


def _problems_or(service: Callable[..., Any], s: Session, **kwargs: Any) -> Any:
    """An import's result, or the InvalidInput that lists its unknown agents or teams (the
    reader may not see them: to them they do not exist), or agents the reader may see but not
    evaluate (an admin is not a coach)."""
    refusals = ("unknown agent", "unknown team", "may not evaluate")
    try:
        return service(s, **kwargs)
    except InvalidInput as exc:
        if all(any(r in p for r in refusals) for p in exc.problems):
            return exc
        raise


def _must_change_password(s: Session, person_id: int) -> None:
    """As after logging in with a one-time password."""
    person = s.get(Person, person_id)
    assert person is not None
    person.must_change_password = True
    s.add(person)
    s.flush()


def _name(s: Session, person_id: int) -> str:
    person = s.get(Person, person_id)
    assert person is not None
    return person.name


def _calibration(s: Session, o: Org) -> tuple[int, list[int]]:
    """A session the manager runs, with the agent's lead and the manager invited; the lead has
    scored the first interaction, the second is unscored."""
    manager = load_actor(s, o.people[Who.MANAGER])
    lead = load_actor(s, o.people[Who.LEAD])
    session_id = calibration_sessions.create_session(
        s,
        actor=manager,
        title="Matrix calibration",
        scorecard_id=o.scorecard,
        calls=[calibration_sessions.CallInput("C-1"), calibration_sessions.CallInput("C-2")],
        evaluator_ids=[manager.id, lead.id],
    )
    view = calibration_views.session_view(s, actor=manager, calibration_id=session_id)
    calls = [c.id for c in view.calls]
    calibration_sessions.score_call(s, actor=lead, call_id=calls[0], answers=ANSWERS)
    return session_id, calls


def _revealed_call(s: Session, o: Org) -> int:
    session_id, calls = _calibration(s, o)
    manager = load_actor(s, o.people[Who.MANAGER])
    calibration_sessions.reveal(s, actor=manager, calibration_id=session_id, confirmed=True)
    return calls[0]


def _dispute(s: Session, o: Org) -> int:
    """The agent disputes the evaluation their lead scored (the matrix's reviewer: a manager)."""
    opened = disputes.open_dispute(
        s, actor=load_actor(s, o.agent), evaluation_id=o.evaluation, reason="The call dropped"
    )
    return opened.id


def _decided(s: Session, o: Org) -> int:
    """The agent's dispute, upheld by its reviewer (the matrix's manager)."""
    dispute_id = _dispute(s, o)
    dispute_review.decide_dispute(
        s,
        actor=load_actor(s, o.people[Who.MANAGER]),
        dispute_id=dispute_id,
        decision=disputes.Decision.UPHOLD,
        reason="The recording shows it",
    )
    return dispute_id


def _sign_off(s: Session, o: Org, a: Actor) -> Any:
    """The agent proposes (the lead when the agent is the one signing); `a` signs."""
    proposer = load_actor(s, o.people[Who.LEAD] if a.id == o.agent else o.agent)
    proposed = conversation.propose_agreement(s, actor=proposer, note_id=o.note, text="Recaps")
    return conversation.sign_agreement(s, actor=a, note_id=o.note, agreement_id=proposed.id)


def _has_agent(rows: Any, o: Org) -> bool:
    return any(getattr(r, "id", None) == o.agent for r in rows)


# Each row: the call, and (for a list, search or import) whether the agent's data came back.
# Never resolves (.invalid): a test message to it fails at once, as an answer, not an error.
CHAT_URL = "https://hooks.example.invalid/services/T0/B0/secret"


def _endpoint(session: Session, o: Org) -> int:
    """An endpoint the admin registered (inside the call's savepoint)."""
    admin = load_actor(session, o.people[Who.ADMIN])
    return connections.register_endpoint(
        session, actor=admin, label="BI", url=CHAT_URL, events=["pd_day.changed"]
    ).id


CALLS: dict[str, tuple[Call, Shows | None]] = {
    "core.people.password_changes.change_own_password": (
        lambda s, o, a: password_changes.change_own_password(
            s, actor=a, current_password=PASSWORD, new_password="a brand new passphrase 42"
        ),
        None,
    ),
    "core.people.password_changes.set_one_time_password": (
        lambda s, o, a: password_changes.set_one_time_password(s, actor=a, person_id=o.agent),
        None,
    ),
    "core.people.password_changes.choose_own_password": (
        lambda s, o, a: (
            _must_change_password(s, a.id),
            password_changes.choose_own_password(
                s, actor=a, new_password="a brand new passphrase 42"
            ),
        ),
        None,
    ),
    "core.quality.calibration.evaluator_drift": (
        lambda s, o, a: calibration.evaluator_drift(
            s, actor=a, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        ),
        None,
    ),
    "core.quality.calibration_sessions.create_session": (
        lambda s, o, a: calibration_sessions.create_session(
            s,
            actor=a,
            title="Calibration",
            scorecard_id=o.scorecard,
            calls=[calibration_sessions.CallInput("C-9", "https://example.com/c9")],
            evaluator_ids=[o.people[Who.LEAD], o.people[Who.OTHER_LEAD]],
        ),
        None,
    ),
    "core.quality.calibration_sessions.evaluator_choices": (
        lambda s, o, a: calibration_sessions.evaluator_choices(s, actor=a),
        None,
    ),
    "core.quality.calibration_sessions.list_sessions": (
        lambda s, o, a: (_calibration(s, o), calibration_sessions.list_sessions(s, actor=a))[1],
        lambda rows, o: any(r.title == "Matrix calibration" for r in rows),
    ),
    "core.quality.calibration_views.session_view": (
        lambda s, o, a: calibration_views.session_view(
            s, actor=a, calibration_id=_calibration(s, o)[0]
        ),
        None,
    ),
    "core.quality.calibration_sessions.score_call": (
        lambda s, o, a: calibration_sessions.score_call(
            s, actor=a, call_id=_calibration(s, o)[1][1], answers=ANSWERS
        ),
        None,
    ),
    "core.quality.calibration_sessions.reveal": (
        lambda s, o, a: calibration_sessions.reveal(
            s, actor=a, calibration_id=_calibration(s, o)[0], confirmed=True
        ),
        None,
    ),
    "core.quality.calibration_sessions.record_reference": (
        lambda s, o, a: calibration_sessions.record_reference(
            s, actor=a, call_id=_revealed_call(s, o), answers=ANSWERS, notes="Agreed"
        ),
        None,
    ),
    "core.quality.sampling.draw_sample": (
        lambda s, o, a: sampling.draw_sample(
            s,
            actor=a,
            team_id=o.team,
            start=TODAY - dt.timedelta(days=27),
            end=TODAY,
            per_agent=2,
            seed=1,
        ),
        None,
    ),
    "core.people.auth.log_out_everywhere": (
        lambda s, o, a: auth.log_out_everywhere(s, actor=a),
        None,
    ),
    "core.coaching.conversation.add_comment": (
        lambda s, o, a: conversation.add_comment(
            s, actor=a, record_type=CommentOn.EVALUATION, record_id=o.evaluation, text="Fair"
        ),
        None,
    ),
    "core.coaching.conversation.propose_agreement": (
        lambda s, o, a: conversation.propose_agreement(s, actor=a, note_id=o.note, text="Recaps"),
        None,
    ),
    "core.coaching.conversation.sign_agreement": (_sign_off, None),
    "core.coaching.conversation.conversation": (
        lambda s, o, a: conversation.conversation(s, actor=a, agent_id=o.agent),
        None,
    ),
    "core.quality.disputes.open_dispute": (
        lambda s, o, a: disputes.open_dispute(
            s, actor=a, evaluation_id=o.evaluation, reason="The call dropped"
        ),
        None,
    ),
    "core.quality.dispute_review.decide_dispute": (
        lambda s, o, a: dispute_review.decide_dispute(
            s,
            actor=a,
            dispute_id=_dispute(s, o),
            decision=disputes.Decision.ADJUST,
            reason="The drop was not the agent's doing",
            answers={"Compliance › Offered to check back in (no “good luck”)": "na"},
        ),
        None,
    ),
    "core.quality.dispute_reads.disputes_of": (
        lambda s, o, a: dispute_reads.disputes_of(s, actor=a, agent_id=o.agent),
        None,
    ),
    "core.quality.dispute_reads.disputes_of_my_evaluations": (
        lambda s, o, a: (_dispute(s, o), dispute_reads.disputes_of_my_evaluations(s, actor=a))[1],
        lambda rows, o: any(d.evaluation_id == o.evaluation for d in rows),
    ),
    "core.quality.dispute_reads.disputes_to_review": (
        lambda s, o, a: (_dispute(s, o), dispute_reads.disputes_to_review(s, actor=a))[1],
        lambda rows, o: any(d.evaluation_id == o.evaluation for d in rows),
    ),
    "core.quality.dispute_reads.disputes_decided_by": (
        lambda s, o, a: (_decided(s, o), dispute_reads.disputes_decided_by(s, actor=a))[1],
        lambda rows, o: any(d.evaluation_id == o.evaluation for d in rows),
    ),
    "core.quality.dispute_reads.dispute_rates": (
        lambda s, o, a: dispute_reads.dispute_rates(
            s, actor=a, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        ),
        None,
    ),
    "core.people.audit.search": (lambda s, o, a: audit.search(s, actor=a, person_id=o.agent), None),
    "core.people.audit.run_search": (
        lambda s, o, a: audit.run_search(s, actor=a, query=audit.AuditQuery(person_id=o.agent)),
        None,
    ),
    "core.people.audit.export_csv": (
        lambda s, o, a: audit.export_csv(s, actor=a, query=audit.AuditQuery(person_id=o.agent)),
        None,
    ),
    "core.people.data_export.export_person": (
        lambda s, o, a: data_export.export_person(s, actor=a, person_id=o.agent),
        None,
    ),
    "core.people.personal_data.erasure_refusal": (
        lambda s, o, a: personal_data.erasure_refusal(s, actor=a, person_id=o.agent),
        None,
    ),
    "core.people.personal_data.erase_person": (
        lambda s, o, a: personal_data.erase_person(
            s, actor=a, person_id=o.agent, confirm_name=_name(s, o.agent)
        ),
        None,
    ),
    "core.pd.closures.add_closure": (
        lambda s, o, a: closures.add_closure(s, actor=a, date=dt.date(2026, 12, 28), reason="Shut"),
        None,
    ),
    "core.pd.closures.remove_closure": (
        lambda s, o, a: (
            closures.add_closure(
                s,
                actor=load_actor(s, o.people[Who.ADMIN]),
                date=dt.date(2026, 12, 28),
                reason="Shut",
            ),
            closures.remove_closure(s, actor=a, date=dt.date(2026, 12, 28)),
        ),
        None,
    ),
    "core.people.org.list_people": (
        lambda s, o, a: org.list_people(s, actor=a),
        _has_agent,
    ),
    "core.people.org.get_person": (
        lambda s, o, a: org.get_person(s, actor=a, person_id=o.agent),
        None,
    ),
    "core.people.org.create_person": (
        lambda s, o, a: org.create_person(
            s, actor=a, data=org.PersonInput("New Hire", "new.hire@example.com", Role.AGENT, o.team)
        ),
        None,
    ),
    "core.people.org.update_person": (
        lambda s, o, a: org.update_person(
            s,
            actor=a,
            person_id=o.agent,
            data=org.PersonInput("Renamed", o.email(s, Who.AGENT), Role.AGENT, o.team),
            expected_version=_version(s, Person, o.agent),
        ),
        None,
    ),
    "core.people.org.set_person_active": (
        lambda s, o, a: org.set_person_active(s, actor=a, person_id=o.agent, active=False),
        None,
    ),
    "core.accounts.set_account_active": (
        lambda s, o, a: accounts.set_account_active(s, actor=a, person_id=o.agent, active=False),
        None,
    ),
    "core.people.org.create_team": (
        lambda s, o, a: org.create_team(s, actor=a, data=org.TeamInput("Green")),
        None,
    ),
    "core.people.org.update_team": (
        lambda s, o, a: org.update_team(
            s,
            actor=a,
            team_id=o.team,
            data=org.TeamInput("Red", lead_id=o.people[Who.LEAD], min_staffed=1),
            expected_version=_version(s, org.Team, o.team),
        ),
        None,
    ),
    "core.people.org.create_department": (
        lambda s, o, a: org.create_department(s, actor=a, data=org.DepartmentInput("Retention")),
        None,
    ),
    "core.people.org.update_department": (
        lambda s, o, a: org.update_department(
            s,
            actor=a,
            department_id=o.department,
            data=org.DepartmentInput("Billing and payments"),
            expected_version=_version(s, org.Department, o.department),
        ),
        None,
    ),
    "core.people.people_import.import_people": (
        lambda s, o, a: people_import.import_people(
            s, actor=a, data=b"name,email,role,team\nNew Hire,new.hire@example.com,agent,Red\n"
        ),
        None,
    ),
    "core.coaching.notes.write_note": (
        lambda s, o, a: coaching.write_note(s, actor=a, agent_id=o.agent, data=NOTE),
        None,
    ),
    "core.coaching.notes.edit_note": (
        lambda s, o, a: coaching.edit_note(
            s,
            actor=a,
            note_id=o.note,
            data=NOTE,
            expected_version=_version(s, coaching.CoachingNote, o.note),
        ),
        None,
    ),
    "core.coaching.notes.note_versions": (
        lambda s, o, a: coaching.note_versions(s, actor=a, note_id=o.note),
        None,
    ),
    "core.coaching.notes.add_follow_up": (
        lambda s, o, a: coaching.add_follow_up(
            s, actor=a, note_id=o.note, outcome="Better", next_date=TODAY + dt.timedelta(days=7)
        ),
        None,
    ),
    "core.coaching.notes.add_private_remark": (
        lambda s, o, a: coaching.add_private_remark(s, actor=a, note_id=o.note, text="Keep an eye"),
        None,
    ),
    "core.coaching.notes.acknowledge": (
        lambda s, o, a: coaching.acknowledge(s, actor=a, note_id=o.note),
        None,
    ),
    "core.coaching.notes.notes_about": (
        lambda s, o, a: coaching.notes_about(s, actor=a, agent_id=o.agent),
        None,
    ),
    "core.coaching.notes.coaching_queue": (
        lambda s, o, a: coaching.coaching_queue(s, actor=a, team_id=o.team),
        None,
    ),
    "core.note_evaluations.note_choices": (
        lambda s, o, a: note_evaluations.note_choices(s, actor=a, agent_id=o.agent),
        None,
    ),
    "core.quality.evaluations.save_scorecard": (
        lambda s, o, a: quality.save_scorecard(
            s, actor=a, family="Voice", definition=quality.DEFAULT_FORM
        ),
        None,
    ),
    "core.quality.evaluations.list_scorecards": (
        lambda s, o, a: quality.list_scorecards(s, actor=a),
        None,
    ),
    "core.quality.evaluations.record_evaluation": (
        lambda s, o, a: quality.record_evaluation(
            s, actor=a, agent_id=o.agent, scorecard_id=o.scorecard, answers=ANSWERS, date=TODAY
        ),
        None,
    ),
    "core.quality.evaluations.list_evaluations": (
        lambda s, o, a: quality.list_evaluations(s, actor=a, agent_id=o.agent),
        None,
    ),
    "core.metrics.imports.check_metrics_csv": (
        lambda s, o, a: imports.check_metrics_csv(
            s,
            actor=a,
            data=_csv(s, o, "agent_email,date,metric,value", "2026-11-20,csat,4"),
        ),
        lambda result, o: bool(result.new_rows),
    ),
    "core.metrics.imports.import_metrics": (
        lambda s, o, a: _problems_or(
            imports.import_metrics,
            s,
            actor=a,
            data=_csv(s, o, "agent_email,date,metric,value", "2026-11-20,csat,4"),
        ),
        lambda result, o: not isinstance(result, InvalidInput) and result.added == 1,
    ),
    "core.metrics.imports.import_leave": (
        lambda s, o, a: _problems_or(
            imports.import_leave,
            s,
            actor=a,
            data=_csv(s, o, "agent_email,start,end", "2026-12-14,2026-12-15"),
        ),
        lambda result, o: result == 1,
    ),
    "core.growth.agent.growth_data": (
        lambda s, o, a: growth_agent.growth_data(
            s, actor=a, agent_id=o.agent, start=TODAY - dt.timedelta(days=60), end=TODAY
        ),
        None,
    ),
    "core.growth.teams.visible_teams": (
        lambda s, o, a: growth_teams.visible_teams(s, actor=a),
        None,
    ),
    "core.growth.teams.coverage": (
        lambda s, o, a: growth_teams.coverage(s, actor=a, scope=_scope(o)),
        None,
    ),
    "core.growth.teams.coaching_effect_tables": (
        lambda s, o, a: growth_teams.coaching_effect_tables(s, actor=a, scope=_scope(o)),
        None,
    ),
    "core.growth.teams.team_growth": (
        lambda s, o, a: growth_teams.team_growth(s, actor=a, scope=_scope(o)),
        None,
    ),
    "core.growth.checkins.latest_data": (
        lambda s, o, a: growth_checkins.latest_data(s, actor=a, team_ids=[o.team]),
        None,
    ),
    "core.growth.checkins.falling_agents": (
        lambda s, o, a: growth_checkins.falling_agents(s, actor=a, team_ids=[o.team], as_of=TODAY),
        None,
    ),
    "core.home.glance.person_changes": (
        lambda s, o, a: person_changes(s, actor=a, person_id=o.agent, today=TODAY),
        None,
    ),
    "core.home.glance.weekly_trend": (
        lambda s, o, a: weekly_trend(s, actor=a, person_id=o.agent, metric="csat", today=TODAY),
        None,
    ),
    "core.home.glance.team_glance": (
        lambda s, o, a: team_glance(s, actor=a, team_id=o.team, today=TODAY),
        None,
    ),
    "core.home.glance.organisation_glance": (
        lambda s, o, a: organisation_glance(s, actor=a, today=TODAY),
        lambda rows, o: any(r.id == o.team for r in rows),
    ),
    "core.home.agent.agent_day": (lambda s, o, a: agent_day(s, actor=a, day=TODAY), None),
    "core.home.lead.lead_day": (lambda s, o, a: lead_day(s, actor=a, day=TODAY), None),
    "core.home.lead.qa_work": (lambda s, o, a: qa_work(s, actor=a, day=TODAY), None),
    "core.home.manager.manager_day": (
        lambda s, o, a: manager_day(s, actor=a, day=TODAY),
        lambda plan, o: any(t.team_id == o.team for t in plan.teams),
    ),
    "core.home.admin.admin_day": (lambda s, o, a: admin_day(s, actor=a, day=TODAY), None),
    "core.learning.drafts.save_draft": (
        lambda s, o, a: drafts.save_draft(
            s, actor=a, name="learning_share:new", fields={"title": "Half-typed"}
        ),
        None,
    ),
    "core.learning.drafts.load_draft": (
        lambda s, o, a: drafts.load_draft(s, actor=a, name="learning_share:new"),
        None,
    ),
    "core.learning.drafts.discard_draft": (
        lambda s, o, a: drafts.discard_draft(s, actor=a, name="learning_share:new"),
        None,
    ),
    "core.notify.notifications.inbox": (lambda s, o, a: notifications.inbox(s, actor=a), None),
    "core.notify.notifications.unread_count": (
        lambda s, o, a: notifications.unread_count(s, actor=a),
        None,
    ),
    "core.notify.notifications.mark_read": (
        lambda s, o, a: notifications.mark_read(s, actor=a, notification_id=o.notification),
        None,
    ),
    "core.notify.notifications.mark_all_read": (
        lambda s, o, a: notifications.mark_all_read(s, actor=a),
        None,
    ),
    "core.notify.notifications.preferences": (
        lambda s, o, a: notifications.preferences(s, actor=a),
        None,
    ),
    "core.notify.notifications.set_preferences": (
        lambda s, o, a: notifications.set_preferences(
            s, actor=a, choices=notifications.preferences(s, actor=a)
        ),
        None,
    ),
    "core.learning.shares.write_share": (
        lambda s, o, a: learning.write_share(
            s,
            actor=a,
            data=learning.ShareInput(**{**SHARE.__dict__, "assignment_id": o.assignment}),
        ),
        None,
    ),
    "core.learning.shares.edit_share": (
        lambda s, o, a: learning.edit_share(s, actor=a, share_id=o.share, data=SHARE),
        None,
    ),
    "core.learning.shares.delete_share": (
        lambda s, o, a: learning.delete_share(s, actor=a, share_id=o.share),
        None,
    ),
    "core.learning.shares.hide_share": (
        lambda s, o, a: learning.hide_share(s, actor=a, share_id=o.share, reason="Off topic"),
        None,
    ),
    "core.learning.shares.search_shares": (
        lambda s, o, a: learning.search_shares(s, actor=a),
        lambda feed, o: any(r.id == o.share for r in feed.shares),
    ),
    "core.learning.shares.toggle_kudos": (
        lambda s, o, a: learning.toggle_kudos(s, actor=a, share_id=o.share),
        None,
    ),
    "core.learning.shares.most_helpful": (
        lambda s, o, a: learning.most_helpful(s, actor=a, team_id=None),
        lambda rows, o: bool(rows),
    ),
    "core.learning.shares.last_next_time": (
        lambda s, o, a: learning.last_next_time(s, actor=a),
        None,
    ),
    "core.learning.shares.pd_day_to_share": (
        lambda s, o, a: learning.pd_day_to_share(s, actor=a),
        None,
    ),
    "core.learning.shares.pd_day_to_link": (
        lambda s, o, a: learning.pd_day_to_link(s, actor=a),
        None,
    ),
    "core.learning.pledges.mentor_choices": (
        lambda s, o, a: pledges.mentor_choices(s, actor=a),
        None,
    ),
    "core.learning.pledges.draft_pledge": (_new_pledge, None),
    "core.learning.pledges.edit_commitments": (
        lambda s, o, a: pledges.edit_commitments(
            s, actor=a, pledge_id=_new_pledge(s, o, load_actor(s, o.agent)), commitments=["Kinder"]
        ),
        None,
    ),
    "core.learning.pledges.sign": (_sign, None),
    "core.learning.pledges.nudge": (
        lambda s, o, a: pledges.nudge(s, actor=a, pledge_id=o.pledge),
        None,
    ),
    "core.learning.pledges.renew": (
        lambda s, o, a: pledges.renew(s, actor=a, pledge_id=o.pledge),
        None,
    ),
    "core.learning.pledges.retire": (
        lambda s, o, a: pledges.retire(s, actor=a, pledge_id=o.pledge),
        None,
    ),
    "core.learning.pledges.my_pledge": (lambda s, o, a: pledges.my_pledge(s, actor=a), None),
    "core.learning.pledges.mentored": (lambda s, o, a: pledges.mentored(s, actor=a), None),
    "core.learning.pledges.check_in": (_check_in, None),
    "core.learning.pledges.check_ins": (
        lambda s, o, a: pledges.check_ins(s, actor=a, agent_id=o.agent),
        None,
    ),
    "core.learning.pledges.pledge_today": (
        lambda s, o, a: pledges.pledge_today(s, actor=a, day=TODAY),
        None,
    ),
    "core.learning.pledges.participation": (
        lambda s, o, a: pledges.participation(s, actor=a, team_ids=[o.team], names={}),
        None,
    ),
    "core.pd.constraints.add_blackout": (
        lambda s, o, a: pd_constraints.add_blackout(
            s, actor=a, date=dt.date(2026, 12, 10), team_id=o.team, reason="Launch"
        ),
        None,
    ),
    "core.pd.constraints.set_floor": (
        lambda s, o, a: pd_constraints.set_floor(
            s, actor=a, team_id=o.team, date=dt.date(2026, 12, 10), min_staffed=1
        ),
        None,
    ),
    "core.pd.constraints.remove_floor": (
        lambda s, o, a: pd_constraints.remove_floor(
            s, actor=a, team_id=o.team, date=_team_floor(s, o)
        ),
        None,
    ),
    "core.pd.constraints.edit_blackout": (
        lambda s, o, a: pd_constraints.edit_blackout(
            s, actor=a, blackout_id=_team_blackout(s, o), date=dt.date(2026, 12, 14), reason="Later"
        ),
        None,
    ),
    "core.pd.constraints.remove_blackout": (
        lambda s, o, a: pd_constraints.remove_blackout(
            s, actor=a, blackout_id=_team_blackout(s, o)
        ),
        None,
    ),
    "core.pd.constraints.planning_rules": (
        lambda s, o, a: pd_constraints.planning_rules(s, actor=a, team_ids=[o.team], since=TODAY),
        None,
    ),
    "core.staffing.service.import_forecast": (
        lambda s, o, a: _problems_or(
            staffing_service.import_forecast,
            s,
            actor=a,
            data=_forecast_csv(s, o),
        ),
        lambda result, o: not isinstance(result, InvalidInput) and result.days_added == 1,
    ),
    "core.staffing.service.team_forecast_floors": (
        lambda s, o, a: staffing_service.team_forecast_floors(
            s, actor=a, team_id=o.team, start=TODAY, end=TODAY + dt.timedelta(days=30)
        ),
        None,
    ),
    "core.staffing.service.staffing_target": (
        lambda s, o, a: staffing_service.staffing_target(s, actor=a, team_id=o.team),
        None,
    ),
    "core.staffing.service.set_staffing_target": (
        lambda s, o, a: staffing_service.set_staffing_target(
            s, actor=a, team_id=o.team, service_level="90/15", shrinkage="25", max_occupancy=None
        ),
        None,
    ),
    "core.pd.coverage.coverage": (
        lambda s, o, a: pd_coverage.coverage(s, actor=a, settings=_plan(o)),
        None,
    ),
    "core.pd.coverage.why_these_days": (
        lambda s, o, a: pd_coverage.why_these_days(s, actor=a, settings=_plan(o)),
        None,
    ),
    "core.pd.coverage.why_my_days": (lambda s, o, a: pd_coverage.why_my_days(s, actor=a), None),
    "core.pd.days.list_team_days": (
        lambda s, o, a: pd_days.list_team_days(s, actor=a, settings=_plan(o)),
        None,
    ),
    "core.pd.days.my_pd_days": (lambda s, o, a: pd_days.my_pd_days(s, actor=a), None),
    "core.pd.days.my_withdrawn_days": (
        lambda s, o, a: pd_days.my_withdrawn_days(s, actor=a),
        None,
    ),
    "core.pd.days.unpublish": (
        lambda s, o, a: pd_days.unpublish(s, actor=a, pd_day_id=o.pd_day),
        None,
    ),
    "core.pd.days.check_move": (
        lambda s, o, a: pd_days.check_move(
            s, actor=a, pd_day_id=o.pd_day, new_date=dt.date(2026, 12, 9)
        ),
        None,
    ),
    "core.pd.days.move": (
        lambda s, o, a: pd_days.move(
            s,
            actor=a,
            pd_day_id=o.pd_day,
            new_date=dt.date(2026, 12, 9),
            expected_version=_version(s, PdDay, o.pd_day),
        ),
        None,
    ),
    "core.pd.days.set_goal": (
        lambda s, o, a: pd_days.set_goal(
            s, actor=a, pd_day_id=o.pd_day, purpose=PdPurpose.PRACTISE, goal="Objections"
        ),
        None,
    ),
    "core.pd.days.request_dates": (
        lambda s, o, a: pd_days.request_dates(s, actor=a, dates=[dt.date(2026, 12, 16)]),
        None,
    ),
    "core.pd.days.my_requests": (lambda s, o, a: pd_days.my_requests(s, actor=a), None),
    "core.pd.planning.plan_period": (
        lambda s, o, a: pd_planning.plan_period(s, actor=a, settings=_plan(o), time_limit=5),
        None,
    ),
    "core.pd.planning.publish": (
        lambda s, o, a: pd_planning.publish(s, actor=a, settings=_plan(o)),
        None,
    ),
    "core.rotations.terms.create_term": (
        lambda s, o, a: terms.create_term(
            s, actor=a, name="2027-Q2", start=dt.date(2027, 4, 5), end=dt.date(2027, 6, 25)
        ),
        None,
    ),
    "core.rotations.terms.open_next_term": (
        lambda s, o, a: terms.open_next_term(
            s,
            actor=a,
            name="2027-Q2",
            start=dt.date(2027, 4, 5),
            end=dt.date(2027, 6, 25),
            hours_per_week=4,
            max_per_team=4,
        ),
        None,
    ),
    "core.rotations.terms.hosting": (
        lambda s, o, a: terms.hosting(s, actor=a, term_id=o.term),
        None,
    ),
    "core.rotations.terms.set_hosting": (
        lambda s, o, a: terms.set_hosting(
            s, actor=a, term_id=o.term, department_id=o.department, capacity=9
        ),
        None,
    ),
    "core.rotations.interests.set_interests": (
        lambda s, o, a: interests.set_interests(s, actor=a, department_ids=[o.department]),
        None,
    ),
    "core.rotations.interests.interests_of": (
        lambda s, o, a: interests.interests_of(s, actor=a, person_id=o.agent),
        None,
    ),
    "core.rotations.interests.my_interests_check": (
        lambda s, o, a: interests.my_interests_check(s, actor=a),
        None,
    ),
    "core.rotations.interests.interests_prompt": (
        lambda s, o, a: interests.interests_prompt(s, a),
        None,
    ),
    "core.rotations.outcomes.projects": (
        lambda s, o, a: outcomes.projects(s, actor=a, assignment_id=o.assignment),
        None,
    ),
    "core.rotations.outcomes.save_project": (
        lambda s, o, a: outcomes.save_project(
            s, actor=a, assignment_id=o.assignment, title="FAQ page", status=ProjectStatus.IDEA
        ),
        None,
    ),
    "core.rotations.outcomes.set_host_feedback": (
        lambda s, o, a: outcomes.set_host_feedback(
            s, actor=a, assignment_id=o.assignment, note="A great help"
        ),
        None,
    ),
    "core.rotations.outcomes.record_career_move": (
        lambda s, o, a: outcomes.record_career_move(
            s, actor=a, person_id=o.agent, department_id=o.department, date=TODAY
        ),
        None,
    ),
    "core.rotations.planning.run_rotations": (
        lambda s, o, a: rotation_planning.run_rotations(
            s, actor=a, term_id=o.next_term, team_ids=[o.team]
        ),
        None,
    ),
    "core.rotations.planning.list_assignments": (
        lambda s, o, a: rotation_planning.list_assignments(
            s, actor=a, term_id=o.next_term, team_ids=[o.team]
        ),
        None,
    ),
    "core.rotations.planning.review_assignments": (
        lambda s, o, a: rotation_planning.review_assignments(
            s, actor=a, term_id=o.next_term, team_ids=[o.team]
        ),
        None,
    ),
    "core.rotations.planning.without_a_choice": (
        lambda s, o, a: rotation_planning.without_a_choice(
            s, actor=a, term_id=o.next_term, team_ids=[o.team]
        ),
        None,
    ),
    "core.rotations.planning.override": (
        lambda s, o, a: rotation_planning.override(
            s,
            actor=a,
            assignment_id=o.next_assignment,
            department_id=o.other_department,
            expected_version=_version(s, Assignment, o.next_assignment),
        ),
        None,
    ),
    "core.rotations.planning.publish_rotations": (
        lambda s, o, a: rotation_planning.publish_rotations(
            s, actor=a, term_id=o.next_term, team_ids=[o.team]
        ),
        None,
    ),
    "core.rotations.planning.my_rotations": (
        lambda s, o, a: rotation_planning.my_rotations(s, actor=a),
        None,
    ),
    "core.rotations.programme.programme": (
        lambda s, o, a: programme.programme(s, actor=a, term_id=o.term),
        None,
    ),
    "core.pd.exports.rotation_ics": (
        lambda s, o, a: exports.rotation_ics(s, actor=a, assignment_id=o.assignment),
        None,
    ),
    # customer voice
    "core.voice.reasons.add_reason": (
        lambda s, o, a: voice_reasons.add_reason(s, actor=a, name="Login problems"),
        None,
    ),
    "core.voice.reasons.retire_reason": (
        lambda s, o, a: voice_reasons.retire_reason(s, actor=a, reason_id=o.reason),
        None,
    ),
    "core.voice.reasons.propose_reason": (
        lambda s, o, a: voice_reasons.propose_reason(s, actor=a, name="Voucher codes"),
        None,
    ),
    "core.voice.reasons.proposed_reasons": (
        lambda s, o, a: voice_reasons.proposed_reasons(s, actor=a),
        None,
    ),
    "core.voice.reasons.decide_reason": (
        lambda s, o, a: voice_reasons.decide_reason(
            s, actor=a, reason_id=o.proposed_reason, accept=True
        ),
        None,
    ),
    "core.voice.insights.log_insight": (
        lambda s, o, a: voice_insights.log_insight(
            s, actor=a, data=voice_insights.InsightInput("Refund late", o.reason, o.department)
        ),
        None,
    ),
    "core.voice.insights.hear_too": (
        lambda s, o, a: voice_insights.hear_too(s, actor=a, insight_id=o.insight),
        None,
    ),
    "core.notify.connections.set_chat_webhook": (
        lambda s, o, a: connections.set_chat_webhook(
            s, actor=a, kind=TargetKind.SLACK, team_id=o.team, url=CHAT_URL
        ),
        None,
    ),
    "core.notify.connections.register_endpoint": (
        lambda s, o, a: connections.register_endpoint(
            s, actor=a, label="BI", url=CHAT_URL, events=["dispute.decided"]
        ),
        None,
    ),
    "core.notify.connections.remove_connection": (
        lambda s, o, a: connections.remove_connection(s, actor=a, target_id=_endpoint(s, o)),
        None,
    ),
    "core.notify.connections.send_test_message": (
        lambda s, o, a: connections.send_test_message(s, actor=a, target_id=_endpoint(s, o)),
        None,
    ),
    "core.notify.connections.connections_view": (
        lambda s, o, a: connections.connections_view(s, actor=a),
        None,
    ),
    "core.connect.tokens.create_token": (
        lambda s, o, a: api_tokens.create_token(
            s,
            actor=a,
            name="QA tool",
            kind=TokenKind.SERVICE,
            scopes=["metrics:write"],
            expires_on=TODAY + dt.timedelta(days=30),
        ),
        None,
    ),
    "core.connect.tokens.list_tokens": (
        lambda s, o, a: api_tokens.list_tokens(s, actor=a),
        lambda rows, o: any(r.id == o.token for r in rows),
    ),
    "core.connect.tokens.revoke_token": (
        lambda s, o, a: api_tokens.revoke_token(s, actor=a, token_id=o.token),
        None,
    ),
    "core.connect.tokens.token_uses": (
        lambda s, o, a: api_tokens.token_uses(s, actor=a, token_id=o.token),
        None,
    ),
    "core.connect.tokens.tokens_view": (
        lambda s, o, a: api_tokens.tokens_view(s, actor=a, chosen=o.token),
        lambda view, o: any(r.id == o.token for r in view.tokens),
    ),
    "core.connect.api.people_page": (
        lambda s, o, a: connect_api.people_page(s, actor=a, cursor=None, limit=500),
        lambda page, o: any(p["id"] == o.agent for p in page.items),
    ),
    "core.connect.api.teams_page": (
        lambda s, o, a: connect_api.teams_page(s, actor=a, cursor=None, limit=500),
        lambda page, o: any(t["id"] == o.team for t in page.items),
    ),
    "core.connect.api.team_summary": (
        lambda s, o, a: connect_api.team_summary(s, actor=a, team_id=o.team, today=TODAY),
        None,
    ),
    "core.connect.scim.list_users": (
        lambda s, o, a: scim.list_users(s, actor=a),
        lambda page, o: any(u.id == str(o.agent) for u in page.resources),
    ),
    "core.connect.scim.get_user": (
        lambda s, o, a: scim.get_user(s, actor=a, user_id=str(o.agent)),
        None,
    ),
    "core.connect.scim.create_user": (
        lambda s, o, a: scim.create_user(
            s, actor=a, user=scim.ScimUser(user_name="new.starter@example.com")
        ),
        None,
    ),
    "core.connect.scim.replace_user": (
        lambda s, o, a: scim.replace_user(
            s,
            actor=a,
            user_id=str(o.agent),
            user=scim.ScimUser(user_name=o.email(s, Who.AGENT), external_id="E-1", active=True),
        ),
        None,
    ),
    "core.connect.scim.patch_user": (
        lambda s, o, a: scim.patch_user(
            s, actor=a, user_id=str(o.agent), patch=_user_patch({"externalId": "E-2"})
        ),
        None,
    ),
    "core.connect.scim.deactivate_user": (
        lambda s, o, a: scim.deactivate_user(s, actor=a, user_id=str(o.agent)),
        None,
    ),
    "core.connect.scim_groups.list_groups": (
        lambda s, o, a: scim_groups.list_groups(s, actor=a),
        lambda page, o: any(g.id == f"team-{o.team}" for g in page.resources),
    ),
    "core.connect.scim_groups.get_group": (
        lambda s, o, a: scim_groups.get_group(s, actor=a, group_id=f"team-{o.team}"),
        None,
    ),
    "core.connect.scim_groups.create_group": (
        lambda s, o, a: scim_groups.create_group(s, actor=a, group=Group(display_name="Green")),
        None,
    ),
    "core.connect.scim_groups.replace_group": (
        lambda s, o, a: scim_groups.replace_group(
            s, actor=a, group_id=f"team-{o.team}", group=_members(s, o.team)
        ),
        None,
    ),
    "core.connect.scim_groups.patch_group": (
        lambda s, o, a: scim_groups.patch_group(
            s,
            actor=a,
            group_id=f"team-{o.other_team}",
            patch=PatchOp[Group].model_validate(
                {
                    "Operations": [
                        {"op": "add", "path": "members", "value": [{"value": str(o.agent)}]}
                    ]
                },
                scim_ctx=Context.RESOURCE_PATCH_REQUEST,
            ),
        ),
        None,
    ),
    "core.connect.scim_groups.delete_group": (  # refused to everyone: Headway keeps its teams
        lambda s, o, a: _scim_refusal(
            lambda: scim_groups.delete_group(s, actor=a, group_id=f"team-{o.team}")
        ),
        lambda result, o: isinstance(result, MutabilityException),
    ),
    "core.connect.api.send_forecast": (
        lambda s, o, a: _problems_or(
            connect_api.send_forecast,
            s,
            actor=a,
            data=_forecast_csv(s, o),
            from_json=False,
        ),
        lambda result, o: not isinstance(result, InvalidInput) and result["intervals"] == 1,
    ),
    "core.connect.api.send_observations": (
        lambda s, o, a: _problems_or(
            connect_api.send_observations,
            s,
            actor=a,
            data=connect_api.observations_csv(
                [
                    {
                        "agent_email": o.email(s, Who.AGENT),
                        "date": "2026-11-21",
                        "metric": "csat",
                        "value": 4,
                    }
                ]
            ),
            from_json=True,
        ),
        lambda result, o: not isinstance(result, InvalidInput) and result.added == 1,
    ),
    "core.connect.api.send_contacts": (
        lambda s, o, a: connect_api.send_contacts(
            s,
            actor=a,
            data=connect_api.contacts_csv(
                [{"date": "2026-11-21", "reason": _reason_name(s, o), "contacts": 7}]
            ),
            from_json=True,
        ),
        lambda result, o: result["added"] == 1,
    ),
    "core.connect.evaluations.send_evaluations": (
        lambda s, o, a: _problems_or(
            connect_evaluations.send_evaluations,
            s,
            actor=a,
            items=[
                {
                    "reference": "QA-matrix",
                    "agent_email": o.email(s, Who.AGENT),
                    "scorecard_id": o.scorecard,
                    "date": "2026-11-21",
                    "answers": [["yes", 4], [5, "yes"], ["yes", "na"]],
                }
            ],
        ),
        lambda result, o: not isinstance(result, InvalidInput) and result.added == 1,
    ),
    "core.connect.evaluations.scorecards_page": (
        lambda s, o, a: connect_evaluations.scorecards_page(s, actor=a, cursor=None, limit=500),
        lambda page, o: any(card["id"] == o.scorecard for card in page.items),
    ),
    "core.connect.coverage.coaching_coverage_page": (
        lambda s, o, a: connect_coverage.coaching_coverage_page(
            s, actor=a, cursor=None, limit=500, period=(TODAY - dt.timedelta(days=27), TODAY)
        ),
        lambda page, o: any(row["team_id"] == o.team for row in page.items),
    ),
    "core.connect.coverage.pd_coverage_page": (
        lambda s, o, a: connect_coverage.pd_coverage_page(
            s, actor=a, cursor=None, limit=500, period=(TODAY - dt.timedelta(days=27), TODAY)
        ),
        lambda page, o: any(row["team_id"] == o.team for row in page.items),
    ),
    "core.voice.insights.take_back": (  # one's own click, just made
        lambda s, o, a: (
            voice_insights.hear_too(s, actor=a, insight_id=o.insight),
            voice_insights.take_back(s, actor=a, insight_id=o.insight),
        )[1],
        None,
    ),
    "core.voice.reads.similar_insights": (
        lambda s, o, a: voice_reads.similar_insights(s, actor=a, reason_id=o.reason),
        lambda rows, o: any(r.id == o.insight for r in rows),
    ),
    "core.voice.reads.my_insights": (
        lambda s, o, a: voice_reads.my_insights(s, actor=a),
        None,
    ),
    "core.voice.reads.insight_overview": (
        lambda s, o, a: voice_reads.insight_overview(s, actor=a),
        lambda view, o: any(r.id == o.insight for r in view.insights),
    ),
    "core.voice.insights.merge_insights": (
        lambda s, o, a: voice_insights.merge_insights(
            s,
            actor=a,
            keep_id=o.insight,
            merge_id=o.other_insight,
            keep_version=_version(s, voice_insights.Insight, o.insight),
            merge_version=_version(s, voice_insights.Insight, o.other_insight),
        ),
        None,
    ),
    "core.voice.insights.promote_to_theme": (
        lambda s, o, a: voice_insights.promote_to_theme(
            s,
            actor=a,
            insight_id=o.other_insight,
            title="Late refunds",
            expected_version=_version(s, voice_insights.Insight, o.other_insight),
        ),
        None,
    ),
    "core.voice.themes.list_themes": (
        lambda s, o, a: voice_themes.list_themes(s, actor=a),
        lambda rows, o: any(r.id == o.theme for r in rows),
    ),
    "core.voice.themes.theme_history": (
        lambda s, o, a: voice_themes.theme_history(s, actor=a, theme_id=o.theme),
        None,
    ),
    "core.voice.themes.themes_to_carry": (
        lambda s, o, a: voice_themes.themes_to_carry(s, actor=a),
        None,
    ),
    "core.voice.themes.take_theme": (
        lambda s, o, a: voice_themes.take_theme(
            s, actor=a, theme_id=o.theme, expected_version=_version(s, Theme, o.theme)
        ),
        None,
    ),
    "core.voice.themes.answer_theme": (
        lambda s, o, a: voice_themes.answer_theme(
            s,
            actor=a,
            theme_id=o.taken_theme,
            answer=voice_themes.ThemeStatus.WONT_CHANGE,
            words="Not this year",
            expected_version=_version(s, Theme, o.taken_theme),
        ),
        None,
    ),
    "core.voice.volumes.import_contacts": (
        lambda s, o, a: voice_volumes.import_contacts(
            s, actor=a, data=b"date,reason,contacts\n2026-11-02,Refund status,4\n"
        ),
        None,
    ),
    "core.voice.impact.theme_effect": (
        lambda s, o, a: voice_impact.theme_effect(s, actor=a, theme_id=o.changed_theme),
        None,
    ),
    "core.voice.scoreboard.voice_scoreboard": (
        lambda s, o, a: voice_scoreboard.voice_scoreboard(s, actor=a),
        None,
    ),
    "core.voice.scoreboard.scoreboard_csv": (
        lambda s, o, a: voice_scoreboard.scoreboard_csv(s, actor=a),
        None,
    ),
}


# ------------------------------------------------------------------ running the matrix


def outcome(session: Session, o: Org, name: str, who: Who) -> str:
    """ "allowed" or "refused" (AccessDenied, or the agent's records left out), or what else
    happened, for one call made as `who` inside a savepoint rolled back afterwards."""
    call, shows = CALLS[name]
    savepoint = session.begin_nested()
    try:
        result = call(session, o, load_actor(session, o.people[who]))
        session.flush()
    except AccessDenied:
        return "refused"
    except NotFound as exc:
        hidden = RULES[name].refusal is Refusal.HIDDEN
        return "refused" if hidden else f"NotFound: {exc}"
    except DomainError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        savepoint.rollback()
        session.expire_all()
    if shows is not None and not shows(result, o):
        return "refused" if RULES[name].refusal is Refusal.LEFT_OUT else "returned nothing"
    return "allowed"


def expected(name: str, who: Who) -> str:
    return "allowed" if who in RULES[name].allowed else "refused"


@pytest.fixture(scope="module")
def matrix_org(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Session, Org]]:
    path = tmp_path_factory.mktemp("matrix") / "matrix.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HEADWAY_TODAY", TODAY.isoformat())
        from core.platform.config import get_settings

        get_settings.cache_clear()
        connection = engine.connect()
        outer = connection.begin()
        session = Session(bind=connection, expire_on_commit=False)
        try:
            yield session, build_org(session)
        finally:
            session.close()
            outer.rollback()
            connection.close()
            engine.dispose()
            get_settings.cache_clear()


def test_every_service_that_takes_an_acting_user_has_a_rule_and_a_call() -> None:
    services = set(services_taking_actor())
    missing = sorted(services - set(RULES) - set(NOT_SERVICES))
    assert not missing, (
        "These services take `actor` but have no row in core/access_matrix.py (RULES, or "
        f"NOT_SERVICES with a reason): {missing}"
    )
    assert sorted(set(RULES) - services) == [], "rows for services that no longer exist"
    assert sorted(set(NOT_SERVICES) - services) == []
    assert sorted(set(RULES) - set(CALLS)) == [], "rules the matrix does not call"
    assert sorted(set(CALLS) - set(RULES)) == []


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_service_allows_exactly_whom_its_rule_names(
    matrix_org: tuple[Session, Org], name: str
) -> None:
    session, o = matrix_org
    got = {who: outcome(session, o, name, who) for who in Who}
    wrong = {
        who.value: f"expected {expected(name, who)}, got {got[who]}"
        for who in Who
        if got[who] != expected(name, who)
    }
    assert not wrong, f"{name} ({RULES[name].rule}): {wrong}"


def test_the_docs_show_the_who_may_do_what_table() -> None:
    page = (ROOT / "docs" / "operations" / "access.md").read_text()
    assert who_may_table() in page, (
        "docs/operations/access.md's table differs from core/access_matrix.py: paste "
        "`python -c 'from core.access_matrix import who_may_table; print(who_may_table())'`"
    )


PRIVATE_RECORDS = (
    "core.learning.pledges.check_ins",
    "core.coaching.notes.notes_about",
    "core.coaching.notes.add_private_remark",
    "core.quality.evaluations.list_evaluations",
    "core.quality.evaluations.save_scorecard",
    "core.rotations.terms.set_hosting",
    "core.learning.shares.write_share",
    "core.growth.checkins.falling_agents",
)


def test_the_private_records_follow_their_rules_on_each_database(session: Session) -> None:
    """One slice of the matrix on SQLite and PostgreSQL alike (the `engine` fixture's kinds)."""
    o = build_org(session)
    wrong = {
        (name, who.value): got
        for name in PRIVATE_RECORDS
        for who in Who
        if (got := outcome(session, o, name, who)) != expected(name, who)
    }
    assert not wrong


def test_a_coachs_private_remarks_reach_neither_the_agent_nor_an_admin(
    matrix_org: tuple[Session, Org],
) -> None:
    session, o = matrix_org
    for who, sees in (
        (Who.LEAD, True),
        (Who.MANAGER, True),
        (Who.AGENT, False),
        (Who.ADMIN, False),
    ):
        [note] = coaching.notes_about(
            session, actor=load_actor(session, o.people[who]), agent_id=o.agent
        )
        assert (note.remarks is not None and len(note.remarks) == 1) is sees, who


def test_the_mentor_of_the_live_pledge_reads_only_its_mind_checks(
    matrix_org: tuple[Session, Org],
) -> None:
    session, o = matrix_org
    mentor = load_actor(session, o.people[Who.MENTOR])
    assert [c.note for c in pledges.check_ins(session, actor=mentor, agent_id=o.agent)] == [
        "Listened first all day"
    ]
    agent = load_actor(session, o.agent)
    assert [c.note for c in pledges.check_ins(session, actor=agent, agent_id=o.agent)] == [
        "A hard week at home",
        "Listened first all day",
    ]


def test_no_one_reads_the_agents_1_1_agreement_by_naming_its_note_in_their_own_conversation(
    matrix_org: tuple[Session, Org],
) -> None:
    """A probe beside the matrix: `conversation` is allowed for one's own records, and the note
    ids it is given must not reach past the agent it was asked about."""
    session, o = matrix_org
    savepoint = session.begin_nested()
    try:
        lead = load_actor(session, o.people[Who.LEAD])
        conversation.propose_agreement(session, actor=lead, note_id=o.note, text="Recaps daily")
        for who in Who:
            reader = load_actor(session, o.people[who])
            own = conversation.conversation(
                session, actor=reader, agent_id=reader.id, note_ids=[o.note]
            )
            assert (o.note in own.agreements) is (who is Who.AGENT), who
    finally:
        savepoint.rollback()
        session.expire_all()
