"""Organisation services: validation, access, stale edits and the all-or-nothing people import."""

import pytest
from sqlmodel import Session, func, select

from core.home.glance import organisation_glance, person_changes, team_glance
from core.models import Person, Role
from core.people.org import (
    DepartmentInput,
    PersonInput,
    PersonRead,
    TeamInput,
    create_department,
    create_person,
    create_team,
    get_person,
    list_people,
    people_labels,
    person_labels,
    set_person_active,
    update_person,
    update_team,
)
from core.people.people_import import import_people
from core.platform.errors import AccessDenied, InvalidInput, StaleEdit
from tests.conftest import TODAY, actor_of


def test_an_admin_adds_a_person_and_a_duplicate_email_is_refused(
    session: Session, org: dict
) -> None:
    admin = actor_of(session, org["admin"])
    created = create_person(
        session,
        actor=admin,
        data=PersonInput("Ana Silva", "Ana@Example.com", Role.AGENT, org["red"].id),
    )
    assert created.email == "ana@example.com" and created.team_name == "Red"
    with pytest.raises(InvalidInput, match="already used by Ana Silva"):
        create_person(
            session,
            actor=admin,
            data=PersonInput("Other", "ana@example.COM", Role.AGENT, org["red"].id),
        )


@pytest.mark.parametrize("who", ["red_lead", "manager", "red_agent"])
def test_only_admins_change_people(session: Session, org: dict, who: str) -> None:
    with pytest.raises(AccessDenied):
        create_person(
            session,
            actor=actor_of(session, org[who]),
            data=PersonInput("X Y", "x@example.com", Role.AGENT, org["red"].id),
        )


def test_an_agent_needs_a_team_and_an_email_must_look_like_one(session: Session, org: dict) -> None:
    admin = actor_of(session, org["admin"])
    with pytest.raises(InvalidInput, match="must belong to a team"):
        create_person(
            session, actor=admin, data=PersonInput("No Team", "nt@example.com", Role.AGENT, None)
        )
    with pytest.raises(InvalidInput, match="not an email address"):
        create_person(
            session, actor=admin, data=PersonInput("Bad", "not-an-email", Role.MANAGER, None)
        )


def test_a_lead_must_be_a_team_lead_of_that_team_and_lead_only_one_team(
    session: Session, org: dict
) -> None:
    admin = actor_of(session, org["admin"])
    red = org["red"]
    with pytest.raises(InvalidInput, match="is not a team lead"):
        update_team(
            session,
            actor=admin,
            team_id=red.id,
            expected_version=red.version,
            data=TeamInput("Red", "", org["red_agent"].id, 2),
        )
    with pytest.raises(InvalidInput, match="belongs to another team"):
        update_team(
            session,
            actor=admin,
            team_id=red.id,
            expected_version=red.version,
            data=TeamInput("Red", "", org["blue_lead"].id, 2),
        )


def test_the_lead_of_a_team_cannot_be_deactivated_or_moved_away(
    session: Session, org: dict
) -> None:
    admin = actor_of(session, org["admin"])
    lead = org["red_lead"]
    with pytest.raises(InvalidInput, match="leads Red"):
        set_person_active(session, actor=admin, person_id=lead.id, active=False)
    with pytest.raises(InvalidInput, match="leads Red"):
        update_person(
            session,
            actor=admin,
            person_id=lead.id,
            expected_version=lead.version,
            data=PersonInput(lead.name, lead.email, Role.AGENT, org["red"].id),
        )


def test_a_stale_edit_is_refused_with_a_clear_message(session: Session, org: dict) -> None:
    admin = actor_of(session, org["admin"])
    agent = org["red_agent"]
    opened = agent.version
    update_person(
        session,
        actor=admin,
        person_id=agent.id,
        expected_version=opened,
        data=PersonInput("First Edit", agent.email, Role.AGENT, org["red"].id),
    )
    with pytest.raises(StaleEdit, match="changed by someone else since you opened it"):
        update_person(
            session,
            actor=admin,
            person_id=agent.id,
            expected_version=opened,
            data=PersonInput("Second Edit", agent.email, Role.AGENT, org["red"].id),
        )
    assert get_person(session, actor=admin, person_id=agent.id).name == "First Edit"


def test_team_and_department_names_are_unique_regardless_of_case(
    session: Session, org: dict
) -> None:
    admin = actor_of(session, org["admin"])
    with pytest.raises(InvalidInput, match="already a team called Red"):
        create_team(session, actor=admin, data=TeamInput("red"))
    create_department(session, actor=admin, data=DepartmentInput("Billing", "Jo", "jo@example.com"))
    with pytest.raises(InvalidInput, match="already a department called Billing"):
        create_department(session, actor=admin, data=DepartmentInput("BILLING"))


def test_people_lists_follow_the_access_rule(session: Session, org: dict) -> None:
    def seen(who: str) -> set[int]:
        return {p.id for p in list_people(session, actor=actor_of(session, org[who]))}

    assert seen("red_agent") == {org["red_agent"].id}
    assert seen("red_lead") == {org["red_lead"].id, org["red_agent"].id, org["red_agent2"].id}
    assert len(seen("manager")) == len(seen("admin")) == 7
    with pytest.raises(AccessDenied):
        get_person(
            session, actor=actor_of(session, org["red_agent"]), person_id=org["red_agent2"].id
        )
    with pytest.raises(AccessDenied):
        person_changes(
            session,
            actor=actor_of(session, org["red_lead"]),
            person_id=org["blue_agent"].id,
            today=TODAY,
        )
    with pytest.raises(AccessDenied):
        team_glance(
            session, actor=actor_of(session, org["red_lead"]), team_id=org["blue"].id, today=TODAY
        )
    assert [
        r.name
        for r in organisation_glance(session, actor=actor_of(session, org["red_lead"]), today=TODAY)
    ] == ["Red"]


GOOD_CSV = b"name,email,role,team,hire_date\nAna Silva,ana@example.com,agent,Red,2024-01-02\nBo Li,bo@example.com,team_lead,Blue,\n"


def test_a_valid_people_csv_adds_everyone(session: Session, org: dict) -> None:
    result = import_people(session, actor=actor_of(session, org["admin"]), data=GOOD_CSV)
    assert result.added == 2


def test_a_people_csv_with_one_bad_line_adds_no_one_and_names_each_bad_line(
    session: Session, org: dict
) -> None:
    before = session.exec(select(func.count()).select_from(Person)).one()
    data = (
        b"name,email,role,team\n"
        b"Ana Silva,ana@example.com,agent,Red\n"
        b",nobody,chef,Green\n"
        b"Ana Again,ANA@example.com,agent,Red\n"
    )
    with pytest.raises(InvalidInput) as error:
        import_people(session, actor=actor_of(session, org["admin"]), data=data)
    problems = error.value.problems
    assert problems[0].startswith(
        "line 3: name is empty; 'nobody' is not an email address; unknown role 'chef'"
    )
    assert "unknown team 'Green'" in problems[0]
    assert problems[1] == "line 4: email ana@example.com is already used (line 2)"
    assert session.exec(select(func.count()).select_from(Person)).one() == before


def test_people_read_by_name_with_the_email_only_for_namesakes() -> None:
    people = [
        PersonRead(
            1, "Jordan Johnson", "jordan.johnson@example.com", Role.AGENT, 1, "Red", None, True, 1
        ),
        PersonRead(
            2, "Benjamin Davis", "benjamin.davis@example.com", Role.AGENT, 1, "Red", None, True, 1
        ),
        PersonRead(
            3, "jordan  johnson", "jordan.johnson2@example.com", Role.AGENT, 1, "Red", None, True, 1
        ),
    ]
    assert people_labels(people) == {
        1: "Jordan Johnson (jordan.johnson@example.com)",
        2: "Benjamin Davis",
        3: "jordan  johnson (jordan.johnson2@example.com)",
    }
    assert people_labels(people[:2]) == {1: "Jordan Johnson", 2: "Benjamin Davis"}


def test_labels_by_id_tell_namesakes_apart_only_among_the_ids_given(
    session: Session, org: dict
) -> None:
    for key in ("red_agent", "blue_agent"):
        org[key].name = "Benjamin Davis"
        session.add(org[key])
    session.flush()
    both = person_labels(session, person_ids=[org["red_agent"].id, org["blue_agent"].id])
    assert both[org["red_agent"].id] == f"Benjamin Davis ({org['red_agent'].email})"
    assert person_labels(session, person_ids=[org["red_agent"].id]) == {
        org["red_agent"].id: "Benjamin Davis"
    }
