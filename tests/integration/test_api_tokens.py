"""API tokens (issue 26, core.connect.tokens): made once and shown once, kept as a digest, acting
as their maker with the maker's rights at each use, within their scopes; revoked at once; every
use counted and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, select

from core.connect.tokens import (
    NewToken,
    authenticate,
    create_token,
    digest,
    list_tokens,
    offered_scopes,
    revoke_token,
    token_uses,
)
from core.models import ApiToken, AuditEvent, Person, Role, TokenKind
from core.people.access import Actor
from core.platform.errors import AccessDenied, AuthenticationFailed, InvalidInput, NotFound
from tests.conftest import TODAY, actor_of

NEXT_MONTH = TODAY + dt.timedelta(days=30)


def _service(session: Session, org: dict[str, Any], *scopes: str) -> str:
    made = create_token(
        session,
        actor=actor_of(session, org["admin"]),
        name="QA tool nightly export",
        kind=TokenKind.SERVICE,
        scopes=scopes or ("metrics:write",),
        expires_on=NEXT_MONTH,
    )
    return made.text


def _make(
    session: Session,
    by: Actor,
    *scopes: str,
    kind: TokenKind = TokenKind.PERSONAL,
    name: str = "my spreadsheet",
    expires_on: dt.date = NEXT_MONTH,
) -> NewToken:
    return create_token(
        session, actor=by, name=name, kind=kind, scopes=scopes, expires_on=expires_on
    )


def test_a_token_is_shown_once_and_kept_only_as_its_digest(
    session: Session, org: dict[str, Any]
) -> None:
    text = _service(session, org)
    stored = session.exec(select(ApiToken)).one()
    assert text.startswith("hw_") and len(text) > 40
    assert stored.token_hash == digest(text) and text not in stored.token_hash
    assert stored.prefix == text[:11]
    assert list_tokens(session, actor=actor_of(session, org["admin"]))[0].valid_until == NEXT_MONTH
    [row] = list_tokens(session, actor=actor_of(session, org["admin"]))
    assert (row.name, row.state, row.scopes, row.uses) == (
        "QA tool nightly export",
        "active",
        ("metrics:write",),
        0,
    )
    assert text not in repr(row)


def test_a_use_acts_as_the_maker_and_is_counted_and_audited(
    session: Session, org: dict[str, Any]
) -> None:
    text = _service(session, org)
    actor = authenticate(session, text=text, scope="metrics:write", request="POST /api/v1/x")
    assert actor.id == org["admin"].id and actor.role is Role.ADMIN
    authenticate(session, text=text, scope="metrics:write", request="POST /api/v1/y")
    [row] = list_tokens(session, actor=actor)
    assert row.uses == 2 and row.last_used_at is not None
    uses = token_uses(session, actor=actor, token_id=row.id)
    assert [u.detail for u in uses] == [
        "metrics:write POST /api/v1/y",
        "metrics:write POST /api/v1/x",
    ]
    audited = session.exec(select(AuditEvent).where(AuditEvent.record_type == "api_token")).all()
    assert all(text not in e.detail for e in audited)


def test_a_token_without_the_scope_is_refused_and_not_counted(
    session: Session, org: dict[str, Any]
) -> None:
    text = _service(session, org, "metrics:write")
    with pytest.raises(AccessDenied, match="does not have the scope growth:read"):
        authenticate(session, text=text, scope="growth:read")
    assert session.exec(select(ApiToken)).one().uses == 0


@pytest.mark.parametrize("presented", ["", "hw_", "hw_not-a-token", "Bearer hw_x", "x" * 5000])
def test_an_unknown_token_is_refused(session: Session, org: dict[str, Any], presented: str) -> None:
    _service(session, org)
    with pytest.raises(AuthenticationFailed, match="not known"):
        authenticate(session, text=presented, scope="metrics:write")


def test_revoking_is_immediate_and_said_once(session: Session, org: dict[str, Any]) -> None:
    text = _service(session, org)
    admin = actor_of(session, org["admin"])
    [row] = list_tokens(session, actor=admin)
    assert "revoked" in revoke_token(session, actor=admin, token_id=row.id)
    with pytest.raises(AuthenticationFailed, match="was revoked"):
        authenticate(session, text=text, scope="metrics:write")
    assert "already revoked" in revoke_token(session, actor=admin, token_id=row.id)
    assert list_tokens(session, actor=admin)[0].state == "revoked"


def test_an_expired_token_is_refused_with_its_date(session: Session, org: dict[str, Any]) -> None:
    text = _service(session, org)
    token = session.exec(select(ApiToken)).one()
    token.expires_at = dt.datetime(2020, 1, 2, tzinfo=dt.UTC)
    session.add(token)
    with pytest.raises(AuthenticationFailed, match="expired on 2020-01-02"):
        authenticate(session, text=text, scope="metrics:write")


def test_a_demoted_admins_token_acts_with_what_they_have_now(
    session: Session, org: dict[str, Any]
) -> None:
    text = _service(session, org)
    person = session.get(Person, org["admin"].id)
    assert person is not None
    person.role = Role.TEAM_LEAD
    person.team_id = org["red"].id
    session.add(person)
    session.flush()
    actor = authenticate(session, text=text, scope="metrics:write")
    assert actor.role is Role.TEAM_LEAD and not actor.is_admin


def test_a_deactivated_makers_tokens_do_nothing(session: Session, org: dict[str, Any]) -> None:
    text = _service(session, org)
    person = session.get(Person, org["admin"].id)
    assert person is not None
    person.active = False
    session.add(person)
    session.flush()
    with pytest.raises(AuthenticationFailed, match="no longer has an account"):
        authenticate(session, text=text, scope="metrics:write")


def test_only_an_admin_makes_service_tokens_and_personal_ones_only_read(
    session: Session, org: dict[str, Any]
) -> None:
    lead = actor_of(session, org["red_lead"])
    with pytest.raises(AccessDenied, match="Only an admin"):
        _make(session, lead, "people:read", kind=TokenKind.SERVICE, name="mine")
    with pytest.raises(InvalidInput) as refused:
        _make(session, lead, "metrics:write", "growth:read", name="mine")
    assert refused.value.problems == [
        "A personal token reads only; metrics:write needs a service token (an admin makes those)."
    ]
    made = _make(session, lead, "growth:read")
    assert authenticate(session, text=made.text, scope="growth:read").id == lead.id


def test_a_bad_request_for_a_token_names_every_problem(
    session: Session, org: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _make(
            session,
            actor_of(session, org["admin"]),
            "metrics:read",
            kind=TokenKind.SERVICE,
            name="  ",
            expires_on=TODAY + dt.timedelta(days=400),
        )
    problems = refused.value.problems
    assert problems[0] == "Give the token a name that says which system uses it."
    assert problems[1].startswith("Unknown scope(s) metrics:read; known: ")
    assert "more than a year away" in problems[2]
    assert session.exec(select(ApiToken)).all() == []


def test_people_see_and_revoke_only_their_own_tokens(session: Session, org: dict[str, Any]) -> None:
    _service(session, org)
    lead = actor_of(session, org["red_lead"])
    mine = _make(session, lead, "people:read")
    assert [r.name for r in list_tokens(session, actor=lead)] == ["my spreadsheet"]
    admin_token = next(
        r
        for r in list_tokens(session, actor=actor_of(session, org["admin"]))
        if r.kind is TokenKind.SERVICE
    )
    with pytest.raises(NotFound):
        revoke_token(session, actor=lead, token_id=admin_token.id)
    with pytest.raises(NotFound):
        token_uses(session, actor=lead, token_id=admin_token.id)
    # an admin may end anyone's token
    admin = actor_of(session, org["admin"])
    revoke_token(session, actor=admin, token_id=mine.id)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, text=mine.text, scope="people:read")


def test_an_erased_persons_tokens_end_and_an_export_lists_them_without_the_digest(
    session: Session, org: dict[str, Any]
) -> None:
    import io
    import json
    import zipfile

    from core.people.data_export import export_person
    from core.people.personal_data import erase_person

    agent = org["red_agent"]
    made = _make(session, actor_of(session, agent), "people:read")
    admin = actor_of(session, org["admin"])
    exported = zipfile.ZipFile(io.BytesIO(export_person(session, actor=admin, person_id=agent.id)))
    [listed] = json.loads(exported.read("profile.json"))["api_tokens"]
    assert listed["name"] == "my spreadsheet" and "token_hash" not in listed
    erase_person(session, actor=admin, person_id=agent.id, confirm_name=agent.name)
    session.flush()
    assert session.get(ApiToken, made.id).revoked_at is not None  # type: ignore[union-attr]
    with pytest.raises(AuthenticationFailed):
        authenticate(session, text=made.text, scope="people:read")


def test_an_agent_is_not_given_a_scope_that_would_only_be_refused(
    session: Session, org: dict[str, Any]
) -> None:
    agent = actor_of(session, org["red_agent"])
    assert list(offered_scopes(agent)) == ["people:read"]
    assert set(offered_scopes(actor_of(session, org["red_lead"]))) == {"people:read", "growth:read"}
    with pytest.raises(InvalidInput) as refused:
        _make(session, agent, "people:read", "growth:read")
    assert refused.value.problems == [
        "growth:read reads team summaries, which are for team leads and managers; a token of "
        "yours would only be refused."
    ]
    assert _make(session, agent, "people:read").text.startswith("hw_")
