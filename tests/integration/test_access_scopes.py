"""Which teams each role may choose for each job: one rule in core.people.access, asked by every page."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from core.people.access import Purpose, require_coach, require_planner, teams_for
from core.platform.errors import AccessDenied
from tests.conftest import actor_of


def _names(session: Session, person, purpose: Purpose) -> set[str]:  # type: ignore[no-untyped-def]
    return set(teams_for(session, actor=actor_of(session, person), purpose=purpose).values())


def test_a_lead_plans_coaches_and_reviews_only_the_teams_they_lead(
    session: Session, org: dict
) -> None:
    for purpose in Purpose:
        assert _names(session, org["red_lead"], purpose) == {"Red"}
    lead = actor_of(session, org["red_lead"])
    require_planner(lead, [org["red"].id])
    with pytest.raises(AccessDenied):
        require_coach(lead, [org["blue"].id])


def test_managers_plan_and_coach_every_team_but_lead_none(session: Session, org: dict) -> None:
    for purpose in (Purpose.PLAN, Purpose.COACH, Purpose.REVIEW):
        assert {"Red", "Blue"} <= _names(session, org["manager"], purpose)
    assert _names(session, org["manager"], Purpose.LEAD) == set()


def test_an_admin_plans_but_never_coaches(session: Session, org: dict) -> None:
    assert {"Red", "Blue"} <= _names(session, org["admin"], Purpose.PLAN)
    assert _names(session, org["admin"], Purpose.COACH) == set()
    with pytest.raises(AccessDenied, match="coach"):
        require_coach(actor_of(session, org["admin"]))


def test_an_agent_has_no_team_to_plan_coach_or_review(session: Session, org: dict) -> None:
    for purpose in Purpose:
        assert _names(session, org["red_agent"], purpose) == set()
    with pytest.raises(AccessDenied, match="plan"):
        require_planner(actor_of(session, org["red_agent"]))
