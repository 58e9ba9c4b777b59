"""SCIM 2.0 provisioning (`ui/scim.py`, issue 26) on both databases, over HTTP as Entra ID and
Okta send it: people created, found by `userName eq` / `externalId eq`, changed, deactivated
(their sessions end at once) and reactivated; groups that are teams and roles; every refusal a
SCIM error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.connect import scim as scim_module
from core.connect.scim import LANDING_TEAM
from core.models import AuditEvent, Person, Role, Team, TokenKind
from core.people.auth import open_session, resume_session
from core.people.personal_data import erase_person
from core.platform.db import make_engine, session_scope
from tests.conftest import actor_of, api_token, make_person, make_team
from ui import api as api_module
from ui.scim import scim_routes

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def world(committed_url: str) -> Iterator[dict[str, Any]]:
    engine = make_engine(committed_url)
    with session_scope(engine) as session:
        red, blue = make_team(session, name="Red"), make_team(session, name="Blue")
        lead = make_person(session, role=Role.TEAM_LEAD, team=red, leads=True)
        agent = make_person(session, team=red, email="ria.agent@example.com")
        admin = make_person(session, role=Role.ADMIN)

        tokens = {
            "scim": api_token(session, admin, TokenKind.SERVICE, "scim:write"),
            "people": api_token(session, admin, TokenKind.SERVICE, "people:read"),
        }
        ids = {"red": red.id, "blue": blue.id, "lead": lead.id, "agent": agent.id}
    api_module.buckets = api_module._Buckets()
    yield {"url": committed_url, "engine": engine, "tokens": tokens, **ids}
    engine.dispose()


def _client(world: dict[str, Any], token: str = "scim") -> TestClient:
    client = TestClient(Starlette(routes=scim_routes()))
    client.headers["Authorization"] = f"Bearer {world['tokens'][token]}"
    return client


def _ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/scim+json")
    body: dict[str, Any] = answer.json()
    return body


def _error(answer: Any, status: int, scim_type: str | None = None) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/scim+json")
    body: dict[str, Any] = answer.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"]
    assert body.get("scimType") == scim_type
    return body


def _person(world: dict[str, Any], person_id: int | str) -> Person:
    with session_scope(world["engine"]) as session:
        person = session.get(Person, int(person_id))
        assert person is not None
        session.expunge(person)
        return person


def _patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}


def _new_user(client: TestClient, **extra: Any) -> dict[str, Any]:
    body = {
        "schemas": [USER],
        "userName": "Sam.Okafor@Example.com",
        "externalId": "00aa-sam",
        "name": {"givenName": "Sam", "familyName": "Okafor"},
        "emails": [{"value": "Sam.Okafor@Example.com", "type": "work", "primary": True}],
        "active": True,
        **extra,
    }
    return _ok(client.post("/scim/v2/Users", json=body), 201)


def test_a_user_the_provider_creates_is_an_agent_waiting_in_the_landing_team(world: dict) -> None:
    client = _client(world)
    made = _new_user(client)
    assert made["userName"] == "sam.okafor@example.com" and made["externalId"] == "00aa-sam"
    assert made["name"]["formatted"] == "Sam Okafor" and made["active"] is True
    assert made["meta"]["location"].endswith(f"/scim/v2/Users/{made['id']}")
    person = _person(world, made["id"])
    assert (person.name, person.role, person.external_id) == ("Sam Okafor", "agent", "00aa-sam")
    with session_scope(world["engine"]) as session:
        landing = session.exec(select(Team).where(Team.name == LANDING_TEAM)).one()
        assert person.team_id == landing.id
        details = [e.detail for e in session.exec(select(AuditEvent)).all()]
    assert any(d.startswith("SCIM: provisioned sam.okafor@example.com") for d in details)
    assert [g["display"] for g in made["groups"]] == [LANDING_TEAM]


def test_the_same_username_twice_is_a_uniqueness_error(world: dict) -> None:
    client = _client(world)
    _new_user(client)
    again = client.post(
        "/scim/v2/Users", json={"schemas": [USER], "userName": "sam.okafor@example.com"}
    )
    _error(again, 409, "uniqueness")


def test_users_are_found_by_username_and_by_external_id(world: dict) -> None:
    client = _client(world)
    made = _new_user(client)
    by_name = _ok(
        client.get("/scim/v2/Users", params={"filter": 'userName eq "SAM.OKAFOR@example.com"'})
    )
    assert by_name["totalResults"] == 1 and by_name["Resources"][0]["id"] == made["id"]
    by_id = _ok(client.get("/scim/v2/Users", params={"filter": 'externalId eq "00aa-sam"'}))
    assert [u["id"] for u in by_id["Resources"]] == [made["id"]]
    nobody = _ok(client.get("/scim/v2/Users", params={"filter": 'userName eq "no@example.com"'}))
    assert nobody["totalResults"] == 0 and nobody.get("Resources", []) == []
    refused = client.get("/scim/v2/Users", params={"filter": 'displayName co "Sam"'})
    assert "userName eq" in _error(refused, 400, "invalidFilter")["detail"]


def test_users_come_in_pages_by_start_index_and_count(world: dict) -> None:
    client = _client(world)
    everyone = _ok(client.get("/scim/v2/Users"))["totalResults"]
    seen: list[str] = []
    start = 1
    while start <= everyone:
        page = _ok(client.get("/scim/v2/Users", params={"startIndex": start, "count": 2}))
        assert page["startIndex"] == start and page["itemsPerPage"] <= 2
        seen += [u["id"] for u in page["Resources"]]
        start += 2
    assert len(seen) == everyone == len(set(seen)) == 3
    past = _ok(client.get("/scim/v2/Users", params={"startIndex": 10**30, "count": 5}))
    assert past["totalResults"] == 3 and past.get("Resources", []) == []
    only_total = _ok(client.get("/scim/v2/Users", params={"count": 0}))
    assert only_total["totalResults"] == 3 and only_total["itemsPerPage"] == 0


def test_entra_id_patches_with_capitalised_ops_string_booleans_and_filtered_paths(
    world: dict,
) -> None:
    client = _client(world)
    made = _new_user(client)
    answer = client.patch(
        f"/scim/v2/Users/{made['id']}",
        json=_patch(
            {"op": "Replace", "path": "name.givenName", "value": "Samuel"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "s.okafor@ex.com"},
            {"op": "Add", "path": "title", "value": "Agent"},  # not kept by Headway: ignored
            {"op": "Replace", "path": "active", "value": "False"},
        ),
    )
    changed = _ok(answer)
    assert changed["active"] is False and changed["userName"] == "s.okafor@ex.com"
    person = _person(world, made["id"])
    assert (person.name, person.email, person.active) == ("Samuel Okafor", "s.okafor@ex.com", False)


def test_okta_patches_with_a_value_object_and_no_path(world: dict) -> None:
    client = _client(world)
    made = _new_user(client)
    off = client.patch(
        f"/scim/v2/Users/{made['id']}",
        json=_patch({"op": "replace", "value": {"active": False}}),
    )
    assert _ok(off)["active"] is False
    on = client.patch(
        f"/scim/v2/Users/{made['id']}",
        json=_patch({"op": "replace", "value": {"active": True, "displayName": "Sam O."}}),
    )
    assert _ok(on)["active"] is True
    assert _person(world, made["id"]).name == "Sam O."


def test_deactivation_ends_every_session_at_once_and_reactivation_allows_logins_again(
    world: dict,
) -> None:
    client = _client(world)
    with session_scope(world["engine"]) as session:
        tokens = [open_session(session, person_id=world["agent"]) for _ in range(2)]
    answer = client.patch(
        f"/scim/v2/Users/{world['agent']}",
        json=_patch({"op": "Replace", "path": "active", "value": "False"}),
    )
    assert _ok(answer)["active"] is False
    with session_scope(world["engine"]) as session:
        assert [resume_session(session, token=t) for t in tokens] == [None, None]
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "account_deactivated" in actions and "sessions_revoked" in actions
    _ok(
        client.patch(
            f"/scim/v2/Users/{world['agent']}",
            json=_patch({"op": "Replace", "path": "active", "value": "True"}),
        )
    )
    with session_scope(world["engine"]) as session:
        fresh = open_session(session, person_id=world["agent"])
    with session_scope(world["engine"]) as session:
        assert resume_session(session, token=fresh) is not None
    assert _person(world, world["agent"]).active is True


def test_delete_deactivates_and_keeps_the_person_whom_creating_again_brings_back(
    world: dict,
) -> None:
    client = _client(world)
    with session_scope(world["engine"]) as session:
        token = open_session(session, person_id=world["agent"])
    assert client.delete(f"/scim/v2/Users/{world['agent']}").status_code == 204
    person = _person(world, world["agent"])
    assert person.active is False and person.email == "ria.agent@example.com"
    with session_scope(world["engine"]) as session:
        assert resume_session(session, token=token) is None
    # RFC 7644 §3.6: a deleted resource is not found any more, though Headway keeps the person
    _error(client.get(f"/scim/v2/Users/{world['agent']}"), 404)
    gone = client.get("/scim/v2/Users", params={"filter": 'userName eq "ria.agent@example.com"'})
    assert _ok(gone)["totalResults"] == 0
    back = _ok(
        client.post(
            "/scim/v2/Users", json={"schemas": [USER], "userName": "ria.agent@example.com"}
        ),
        201,
    )
    assert back["id"] == str(world["agent"]) and back["active"] is True
    assert _person(world, world["agent"]).team_id == world["red"]


def test_put_replaces_the_name_address_and_external_id(world: dict) -> None:
    client = _client(world)
    made = _new_user(client)
    body = {
        "schemas": [USER],
        "userName": "sam.o@example.com",
        "externalId": "00bb-sam",
        "name": {"formatted": "Sam Okafor-Reid"},
        "active": True,
    }
    replaced = _ok(client.put(f"/scim/v2/Users/{made['id']}", json=body))
    assert replaced["userName"] == "sam.o@example.com" and replaced["externalId"] == "00bb-sam"
    assert _person(world, made["id"]).name == "Sam Okafor-Reid"


def test_a_team_group_moves_its_members_into_the_team(world: dict) -> None:
    client = _client(world)
    made = _new_user(client)
    found = _ok(client.get("/scim/v2/Groups", params={"filter": 'displayName eq "blue"'}))
    assert [g["id"] for g in found["Resources"]] == [f"team-{world['blue']}"]
    group = f"/scim/v2/Groups/team-{world['blue']}"
    # Entra ID: capitalised, members as a list
    added = client.patch(
        group, json=_patch({"op": "Add", "path": "members", "value": [{"value": made["id"]}]})
    )
    assert [m["value"] for m in _ok(added)["members"]] == [made["id"]]
    assert _person(world, made["id"]).team_id == world["blue"]
    # Okta: a filtered path; the agent waits in the landing team again
    removed = client.patch(
        group, json=_patch({"op": "remove", "path": f'members[value eq "{made["id"]}"]'})
    )
    assert "members" not in _ok(removed)
    with session_scope(world["engine"]) as session:
        landing = session.exec(select(Team).where(Team.name == LANDING_TEAM)).one()
    assert _person(world, made["id"]).team_id == landing.id


def test_role_groups_give_and_take_roles_and_end_the_sessions(world: dict) -> None:
    client = _client(world)
    with session_scope(world["engine"]) as session:
        token = open_session(session, person_id=world["agent"])
    managers = _ok(
        client.get("/scim/v2/Groups", params={"filter": 'displayName eq "Headway Managers"'})
    )
    group = f"/scim/v2/Groups/{managers['Resources'][0]['id']}"
    assert group.endswith("role-manager")
    _ok(
        client.patch(
            group,
            json=_patch(
                {"op": "Add", "path": "members", "value": [{"value": str(world["agent"])}]}
            ),
        )
    )
    assert _person(world, world["agent"]).role == "manager"
    with session_scope(world["engine"]) as session:
        assert resume_session(session, token=token) is None
    _ok(
        client.patch(
            group,
            json=_patch(
                {"op": "Remove", "path": "members", "value": [{"value": str(world["agent"])}]}
            ),
        )
    )
    back = _person(world, world["agent"])
    assert (back.role, back.team_id) == ("agent", world["red"])


def test_a_group_with_a_new_name_becomes_a_team_and_the_role_groups_keep_theirs(
    world: dict,
) -> None:
    client = _client(world)
    made = _new_user(client)
    body = {"schemas": [GROUP], "displayName": "Green", "members": [{"value": made["id"]}]}
    group = _ok(client.post("/scim/v2/Groups", json=body), 201)
    assert group["id"].startswith("team-") and group["members"][0]["value"] == made["id"]
    with session_scope(world["engine"]) as session:
        green = session.exec(select(Team).where(Team.name == "Green")).one()
    assert _person(world, made["id"]).team_id == green.id
    _error(client.post("/scim/v2/Groups", json={**body, "displayName": "red"}), 409, "uniqueness")
    renamed = client.patch(
        "/scim/v2/Groups/role-admin",
        json=_patch({"op": "replace", "value": {"displayName": "Owners"}}),
    )
    _error(renamed, 400, "mutability")
    _error(client.delete(group["meta"]["location"]), 400, "mutability")


def test_bad_requests_are_answered_with_scim_errors(world: dict) -> None:
    client = _client(world)
    _error(client.get("/scim/v2/Users/999999"), 404)
    _error(client.get("/scim/v2/Users/99999999999999999999"), 404)
    _error(
        client.get("/scim/v2/Users", params={"filter": 'userName eq "a\\x"'}), 400, "invalidFilter"
    )
    _error(client.get("/scim/v2/Nothing"), 404)
    _error(client.post("/scim/v2/Users", content=b"{not json"), 400, "invalidSyntax")
    _error(client.post("/scim/v2/Users", json={"schemas": [USER]}), 400, "invalidValue")
    bad_op = client.patch(
        f"/scim/v2/Users/{world['agent']}",
        json=_patch({"op": "Frobnicate", "path": "active", "value": "False"}),
    )
    _error(bad_op, 400, "invalidValue")
    member = client.patch(
        f"/scim/v2/Groups/team-{world['blue']}",
        json=_patch({"op": "Add", "path": "members", "value": [{"value": "nobody"}]}),
    )
    _error(member, 400, "invalidValue")
    assert _person(world, world["agent"]).active is True


def test_a_token_without_scim_write_is_forbidden_and_no_token_is_unauthorized(
    world: dict,
) -> None:
    wrong = _client(world, "people").get("/scim/v2/Users")
    assert "scim:write" in _error(wrong, 403)["detail"]
    bare = TestClient(Starlette(routes=scim_routes())).get("/scim/v2/Users")
    _error(bare, 401)
    assert bare.headers["WWW-Authenticate"].startswith("Bearer")
    in_url = TestClient(Starlette(routes=scim_routes())).get(
        "/scim/v2/Users", params={"access_token": world["tokens"]["scim"]}
    )
    _error(in_url, 400)


def test_discovery_describes_what_headway_keeps(world: dict) -> None:
    client = TestClient(Starlette(routes=scim_routes()))
    config = _ok(client.get("/scim/v2/ServiceProviderConfig"))
    assert config["patch"]["supported"] is True and config["bulk"]["supported"] is False
    types = _ok(client.get("/scim/v2/ResourceTypes"))
    assert sorted(t["name"] for t in types["Resources"]) == ["Group", "User"]
    user = _ok(client.get(f"/scim/v2/Schemas/{USER}"))
    assert {a["name"] for a in user["attributes"]} == {
        "userName",
        "name",
        "displayName",
        "active",
        "emails",
        "groups",
    }


def test_erasing_a_person_forgets_the_providers_id_for_them(world: dict) -> None:
    client = _client(world)
    made = _new_user(client)
    with session_scope(world["engine"]) as session:
        admin = session.exec(select(Person).where(Person.role == "admin")).first()
        assert admin is not None
        erase_person(
            session,
            actor=actor_of(session, admin),
            person_id=int(made["id"]),
            confirm_name="Sam Okafor",
        )
    found = client.get("/scim/v2/Users", params={"filter": 'externalId eq "00aa-sam"'})
    assert _ok(found)["totalResults"] == 0
    assert _person(world, made["id"]).external_id is None


def test_a_user_made_twice_at_the_same_moment_is_a_uniqueness_error_and_saves_nothing(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(world)
    _new_user(client)
    # the second request's check ran before the first one committed: the database refuses it
    monkeypatch.setattr(scim_module, "_unique", lambda *args, **kwargs: None)
    again = client.post(
        "/scim/v2/Users",
        json={"schemas": [USER], "userName": "sam.o@example.com", "externalId": "00aa-sam"},
    )
    assert "send the request again" in _error(again, 409, "uniqueness")["detail"]
    with session_scope(world["engine"]) as session:
        same = session.exec(select(Person).where(Person.external_id == "00aa-sam")).all()
        assert [p.email for p in same] == ["sam.okafor@example.com"]
        assert session.exec(select(Person).where(Person.email == "sam.o@example.com")).all() == []
