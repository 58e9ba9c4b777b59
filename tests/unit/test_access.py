"""The general access rule, every role against every kind of person record."""

import pytest

from core.models import Role
from core.people.access import Actor, can_view_person, can_view_team
from core.platform.errors import AccessDenied

AGENT = Actor(id=1, name="Agent", role=Role.AGENT, team_id=10)
LEAD = Actor(id=2, name="Lead", role=Role.TEAM_LEAD, team_id=10, led_team_ids=frozenset({10}))
MANAGER = Actor(id=3, name="Manager", role=Role.MANAGER, team_id=None)
ADMIN = Actor(id=4, name="Admin", role=Role.ADMIN, team_id=None)

# subject: (person id, team id)
SELF_AGENT = (1, 10)
TEAMMATE = (5, 10)
OTHER_TEAM_AGENT = (6, 20)
OTHER_LEAD = (7, 20)
NO_TEAM_MANAGER = (3, None)

EXPECTED = {
    # actor: (self, teammate, other team, other lead, manager)
    "agent": (AGENT, (True, False, False, False, False)),
    "lead": (LEAD, (True, True, False, False, False)),
    "manager": (MANAGER, (True, True, True, True, True)),
    "admin": (ADMIN, (True, True, True, True, True)),
}
SUBJECTS = (SELF_AGENT, TEAMMATE, OTHER_TEAM_AGENT, OTHER_LEAD, NO_TEAM_MANAGER)


@pytest.mark.parametrize("who", EXPECTED)
def test_each_role_sees_exactly_the_people_the_general_rule_allows(who: str) -> None:
    actor, expected = EXPECTED[who]
    seen = tuple(can_view_person(actor, person_id=p, team_id=t) for p, t in SUBJECTS)
    assert seen == expected


def test_a_lead_sees_their_own_record_even_outside_the_team_they_lead() -> None:
    lead = Actor(id=9, name="L", role=Role.TEAM_LEAD, team_id=None, led_team_ids=frozenset({10}))
    assert can_view_person(lead, person_id=9, team_id=None)


def test_an_agent_never_sees_a_team_and_a_lead_only_the_teams_they_lead() -> None:
    assert not can_view_team(AGENT, 10)
    assert can_view_team(LEAD, 10) and not can_view_team(LEAD, 20)
    assert can_view_team(MANAGER, 20) and can_view_team(ADMIN, 20)


def test_only_admins_pass_the_organisation_set_up_check() -> None:
    from core.people.access import require_admin

    require_admin(ADMIN)
    for actor in (AGENT, LEAD, MANAGER):
        with pytest.raises(AccessDenied):
            require_admin(actor)
