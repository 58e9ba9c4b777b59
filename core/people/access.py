"""Who may see or change whose data. Every service asks here; pages only hide what is refused.

General rule: an agent sees their own records, a team lead the people of the teams they lead,
managers and admins everyone. Organisation set-up (people, teams, departments, passwords of
others) is for admins; the organisation-wide settings of rotations (terms, departments' hosting)
for managers and admins; the scorecards for managers. Relations add narrower rights: the mentor of
a live pledge reads its mind checks (core.learning.pledges); a department host is a contact, not an
account, and has no rights of their own. Narrower privacy rules (private check-in notes, coaches'
private remarks) override the general one. core/access_matrix.py lists the rule of every service
that takes an acting user; tests/integration/test_access_matrix.py checks each against every role.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from core.models import Person, Role, Team
from core.platform.actor import Actor as Actor  # re-exported: services import it from here
from core.platform.errors import AccessDenied, NotFound


def load_actor(session: Session, person_id: int) -> Actor:
    person = session.get(Person, person_id)
    if person is None or not person.active:
        raise NotFound("That account does not exist or has been deactivated.")
    assert person.id is not None
    led = session.exec(select(Team.id).where(Team.lead_id == person.id)).all()
    role = Role(person.role)
    return Actor(
        id=person.id,
        name=person.name,
        role=role,
        team_id=person.team_id,
        led_team_ids=frozenset(t for t in led if t is not None)
        if role is Role.TEAM_LEAD
        else frozenset(),
    )


def can_view_person(actor: Actor, *, person_id: int, team_id: int | None) -> bool:
    """May `actor` see this person's records (profile, scores, development history)?"""
    if actor.sees_everyone or actor.id == person_id:
        return True
    return actor.role is Role.TEAM_LEAD and team_id is not None and team_id in actor.led_team_ids


def require_view_person(actor: Actor, person: Person) -> None:
    assert person.id is not None
    if not can_view_person(actor, person_id=person.id, team_id=person.team_id):
        raise AccessDenied("You can only see your own records" + _scope_hint(actor) + ".")


def visible_people(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on Person selecting exactly the people `actor` may see."""
    if actor.sees_everyone:
        return true()
    clauses = [col(Person.id) == actor.id]
    if actor.role is Role.TEAM_LEAD and actor.led_team_ids:
        clauses.append(col(Person.team_id).in_(sorted(actor.led_team_ids)))
    return or_(*clauses)


def can_view_team(actor: Actor, team_id: int) -> bool:
    return actor.sees_everyone or team_id in actor.led_team_ids


def require_view_team(actor: Actor, team_id: int) -> None:
    if not can_view_team(actor, team_id):
        raise AccessDenied("You can only see the teams you lead.")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied(
            "Only an admin can change the organisation's set-up "
            "(people, teams, departments, closure days)."
        )


def runs_programme(actor: Actor) -> bool:
    """Organisation-wide settings of the rotation programme (opening terms, how many agents each
    department hosts) are for managers and admins: a lead plans their own teams inside them."""
    return actor.sees_everyone


def require_programme(actor: Actor) -> None:
    if not runs_programme(actor):
        raise AccessDenied(
            "Only managers and admins open rotation terms and set how many agents a department "
            "hosts (it is the same for every team); ask a manager to change it."
        )


def owns_scorecards(actor: Actor) -> bool:
    """The scorecard is the one QA form every lead scores with: managers change it. Admins look
    after Headway's set-up, not the quality standard (they are not coaches either)."""
    return actor.role is Role.MANAGER


def require_scorecard_owner(actor: Actor) -> None:
    if not owns_scorecards(actor):
        raise AccessDenied(
            "Only a manager changes the organisation's scorecards (every lead scores with them); "
            "ask a manager."
        )


def require_quality_oversight(actor: Actor) -> None:
    """Comparing evaluators' scoring (evaluator drift) is for the scorecard's owners."""
    if not owns_scorecards(actor):
        raise AccessDenied(
            "Evaluator drift compares every evaluator's scoring across teams: it is for managers, "
            "who own the scorecards."
        )


def _scope_hint(actor: Actor) -> str:
    if actor.role is Role.TEAM_LEAD:
        return " and those of the teams you lead"
    return ""


class Purpose(StrEnum):
    """What a person wants a list of teams for; each has its own rule (teams_for)."""

    PLAN = "plan"  # PD days and rotations: a lead their teams, managers and admins every team
    COACH = "coach"  # coaching and evaluations: a lead their teams, managers every team
    REVIEW = "review"  # team growth and participation: whoever may see the team
    LEAD = "lead"  # "my team" pages: the teams the person leads


_PURPOSE_ROLES = {
    Purpose.PLAN: (Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN),
    Purpose.COACH: (Role.TEAM_LEAD, Role.MANAGER),
    Purpose.REVIEW: (Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN),
    Purpose.LEAD: (Role.TEAM_LEAD,),
}
_REFUSAL = {
    Purpose.PLAN: "Only team leads and managers plan PD days and rotations.",
    Purpose.COACH: "Only team leads and managers coach and evaluate.",
    Purpose.REVIEW: "Team growth is for team leads and managers.",
    Purpose.LEAD: "Only a team lead has teams of their own.",
}


def may_act_on_team(actor: Actor, purpose: Purpose, team_id: int) -> bool:
    if actor.role not in _PURPOSE_ROLES[purpose]:
        return False
    if purpose is Purpose.LEAD or actor.role is Role.TEAM_LEAD:
        return team_id in actor.led_team_ids
    return True


def teams_for(session: Session, *, actor: Actor, purpose: Purpose) -> dict[int, str]:
    """The teams `actor` may choose for `purpose`, id → name, by name; empty when the role has
    none (the page then says so)."""
    teams = session.exec(select(Team).order_by(col(Team.name))).all()
    return {
        t.id: t.name for t in teams if t.id is not None and may_act_on_team(actor, purpose, t.id)
    }


def require_teams(actor: Actor, purpose: Purpose, team_ids: Iterable[int] = ()) -> None:
    """Refuse unless `actor` has the role for `purpose` and may act on every one of the teams."""
    if actor.role not in _PURPOSE_ROLES[purpose]:
        raise AccessDenied(_REFUSAL[purpose])
    for team_id in team_ids:
        if not may_act_on_team(actor, purpose, team_id):
            raise AccessDenied("You can only see the teams you lead.")


def require_planner(actor: Actor, team_ids: Iterable[int] = ()) -> None:
    require_teams(actor, Purpose.PLAN, team_ids)


def require_coach(actor: Actor, team_ids: Iterable[int] = ()) -> None:
    require_teams(actor, Purpose.COACH, team_ids)


def is_coach_of(actor: Actor, *, team_id: int | None) -> bool:
    """Coaches of an agent are the lead of the agent's team and the managers.

    Narrower than the general rule on purpose: admins see everyone's records but are not
    coaches, so they never read coaches' private remarks.
    """
    if actor.role is Role.MANAGER:
        return True
    return actor.role is Role.TEAM_LEAD and team_id is not None and team_id in actor.led_team_ids
