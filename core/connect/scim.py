"""SCIM 2.0 provisioning (RFC 7643/7644, issue 26): an identity provider (Entra ID, Okta) creates,
updates, deactivates and reactivates people, and places them in teams and roles.

- The resources are scim2-models' models, narrowed to what Headway keeps (RFC 7643 lets a service
  support part of a schema, and its `/Schemas` then says which): a **User** is a person —
  `userName` is their e-mail address (their login), `externalId` the provider's id for them,
  `name`, `displayName`, `emails` (the one address), `active`, and `groups` (read only).
- A **Group** is a team (`team-<id>`; its members are the team's people) or a role
  (`role-<role>`): the groups named in `ROLE_GROUPS` give their members that role. A group the
  provider creates with a new name becomes a new team; one named like an existing team is that
  team (the provider finds it by `displayName eq`).
- Someone new, or removed from their team's group, waits in the team `LANDING_TEAM` (made when
  first needed): Headway's agents and team leads always belong to a team.
- Every service acts as the admin whose service token (scope `scim:write`) made the request, and
  changes people through the admins' own services (`core.people.org`, `core.accounts`): the same
  checks and the same audit trail; a deactivation or a role change ends the person's sessions
  at once. Nothing is erased: deleting a User deactivates the person.
- Protocol errors are scim2-models' exceptions, with their `scimType` (`invalidFilter`,
  `uniqueness`, `mutability`, `invalidValue`); Headway's refusals stay `DomainError`s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Annotated, Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ComplexAttribute,
    Email,
    ETag,
    Filter,
    Group,
    GroupMembership,
    InvalidFilterException,
    ListResponse,
    Meta,
    Mutability,
    Patch,
    PatchOp,
    Required,
    Resource,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
    User,
)
from scim2_models import MutabilityException as MutabilityError
from scim2_models import NotFoundException as ScimNotFound
from scim2_models import UniquenessException as UniquenessError
from sqlmodel import Session, col, func, select

from core.accounts import set_account_active
from core.models import AuditAction, Person, Role, Team
from core.people.access import Actor, require_admin
from core.people.audit import record
from core.people.org import PersonInput, TeamInput, create_person, create_team, update_person
from core.platform.clock import utcnow

ROLE_GROUPS: dict[str, Role] = {
    "Headway Leads": Role.TEAM_LEAD,
    "Headway Managers": Role.MANAGER,
    "Headway Admins": Role.ADMIN,
}
LANDING_TEAM = "New starters"
MAX_COUNT = 200  # resources in one page of a list
RECORD = "person"


class ScimName(ComplexAttribute):
    """The parts of a name Headway keeps (it stores one name: `formatted`)."""

    formatted: str | None = None
    family_name: str | None = None
    given_name: str | None = None


class ScimUser(Resource[Any]):
    """SCIM's core User, as far as Headway keeps it."""

    __schema__ = User.__schema__

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: ScimName | None = None
    display_name: str | None = None
    active: bool | None = None
    emails: list[Email] | None = None
    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None


# What identity providers send and the strict reading refuses: Entra ID's capitalised ops and
# string booleans are read by the models; a `remove` naming its value, an `emails[type eq
# "work"].value` with no such entry yet, and attributes Headway does not keep are taken too.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

CONFIG = ServiceProviderConfig(
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_COUNT),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=False),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Headway service token",
            description="A service token with the scope scim:write, made by an admin on the "
            "API tokens page, sent as Authorization: Bearer hw_…",
            primary=True,
        )
    ],
)
PROVIDER = ScimProvider(models=[ScimUser, Group], config=CONFIG, policy=POLICY)


# ---------------------------------------------------------------- reading


def _split(name: str) -> tuple[str, str]:
    given, _, family = name.rpartition(" ")
    return (given, family) if given else (name, "")


def _user(person: Person, teams: dict[int, str]) -> ScimUser:
    assert person.id is not None
    given, family = _split(person.name)
    groups = []
    if person.team_id is not None:
        groups.append(
            GroupMembership.model_validate(
                {
                    "value": f"team-{person.team_id}",
                    "display": teams.get(person.team_id),
                    "type": "direct",
                }
            )
        )
    for title, role in ROLE_GROUPS.items():
        if person.role == role:
            groups.append(
                GroupMembership.model_validate(
                    {"value": f"role-{role.value}", "display": title, "type": "direct"}
                )
            )
    return ScimUser(
        id=str(person.id),
        external_id=person.external_id,
        user_name=person.email,
        name=ScimName(formatted=person.name, given_name=given, family_name=family or None),
        display_name=person.name,
        active=person.active,
        emails=[Email(value=person.email, type=Email.Type.work, primary=True)],
        groups=groups or None,
        meta=Meta(resource_type="User", created=person.created_at),
    )


def _teams(session: Session) -> dict[int, str]:
    return {t.id: t.name for t in session.exec(select(Team)).all() if t.id is not None}


def find_person(session: Session, user_id: str) -> Person | None:
    """The person a User id names; none for one the provider deleted (RFC 7644 §3.6: it is not
    found any more), though Headway keeps them."""
    if not (user_id.isdigit() and int(user_id) < 2**31):  # an id is a 32-bit integer
        return None
    person = session.get(Person, int(user_id))
    return person if person is not None and person.deprovisioned_at is None else None


def _person(session: Session, user_id: str) -> Person:
    person = find_person(session, user_id)
    if person is None:
        raise ScimNotFound(detail=f"There is no user {user_id}.")
    return person


_EQUALS = re.compile(r'^\s*([A-Za-z][\w.:-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


def equals_filter(text: str, attributes: Iterable[str]) -> tuple[str, str]:
    """The attribute and value of a filter `<attribute> eq "<value>"`, the one form the
    providers send; anything else is refused `invalidFilter`."""
    found = _EQUALS.match(text)
    known = {a.casefold(): a for a in attributes}
    forms = " or ".join(f'{a} eq "…"' for a in known.values())
    if found is None or found.group(1).casefold() not in known:
        raise InvalidFilterException(detail=f"Headway filters by {forms}; not by {text!r}.")
    try:
        value = json.loads(f'"{found.group(2)}"')  # the value is a JSON string (RFC 7644 §3.4.2.2)
    except ValueError:
        raise InvalidFilterException(detail=f"The value in {text!r} is not a string.") from None
    return known[found.group(1).casefold()], value


def page_bounds(start_index: int | None, count: int | None) -> tuple[int, int]:
    """The first index (from 1; below 1 reads as 1, RFC 7644 §3.4.2.4) and the page size (0 to
    `MAX_COUNT`; 0 answers only the total)."""
    first = min(max(1, start_index or 1), 2**31)  # past any list, within the database's range
    return first, min(MAX_COUNT, max(0, MAX_COUNT if count is None else count))


def list_users(
    session: Session,
    *,
    actor: Actor,
    filter: str | None = None,
    start_index: int | None = None,
    count: int | None = None,
) -> ListResponse[ScimUser]:
    """Every person (active or not) but those the provider deleted, by id, a page at a time;
    filtered by `userName eq` or `externalId eq`."""
    require_admin(actor)
    query = select(Person).where(col(Person.deprovisioned_at).is_(None))
    if filter:
        attribute, value = equals_filter(filter, ("userName", "externalId"))
        if attribute == "userName":  # e-mail addresses compare without case
            query = query.where(func.lower(Person.email) == value.strip().lower())
        else:
            query = query.where(Person.external_id == value)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    first, size = page_bounds(start_index, count)
    people = session.exec(query.order_by(col(Person.id)).offset(first - 1).limit(size)).all()
    teams = _teams(session)
    response: ListResponse[ScimUser] = ListResponse[ScimUser](
        total_results=total,
        start_index=first,
        items_per_page=len(people),
        resources=[_user(p, teams) for p in people],
    )
    return response


def get_user(session: Session, *, actor: Actor, user_id: str) -> ScimUser:
    require_admin(actor)
    return _user(_person(session, user_id), _teams(session))


# ---------------------------------------------------------------- writing people


def landing_team(session: Session, *, by: Actor) -> int:
    """The id of `LANDING_TEAM`, made by `by` (an admin) when first needed."""
    team = session.exec(select(Team).where(Team.name == LANDING_TEAM)).first()
    if team is not None and team.id is not None:
        return team.id
    made = create_team(session, actor=by, data=TeamInput(LANDING_TEAM))
    record(
        session,
        actor=by,
        action=AuditAction.CREATE,
        record_type="team",
        record_id=made.id,
        detail=f"SCIM: team “{LANDING_TEAM}” made for people not yet in a team's group",
    )
    return made.id


def _name(before: ScimUser | None, after: ScimUser) -> str | None:
    """The name the request gives: what it changed among `name.formatted`, the given and family
    names and `displayName`, in that order (Entra ID changes `name.givenName` alone)."""
    old = before.name if before is not None and before.name else ScimName()
    new = after.name or ScimName()
    if new.formatted and new.formatted != old.formatted:
        return new.formatted
    if (new.given_name, new.family_name) != (old.given_name, old.family_name) and (
        new.given_name or new.family_name
    ):
        return " ".join(p for p in (new.given_name, new.family_name) if p)
    if after.display_name and (before is None or after.display_name != before.display_name):
        return after.display_name
    return None if before is not None else (new.formatted or after.user_name)


def _address(before: ScimUser | None, after: ScimUser) -> str:
    """Headway keeps one address: `userName`, or the primary (else first) of `emails` when a
    request changes only that."""
    name = (after.user_name or "").strip()
    if before is None or name.lower() != (before.user_name or "").lower():
        return name
    chosen = [e for e in after.emails or [] if e.primary] or list(after.emails or [])
    value = (chosen[0].value or "").strip() if chosen else ""
    return value if value and value.lower() != name.lower() else name


def _unique(
    session: Session, person_id: int | None, *, email: str, external_id: str | None
) -> None:
    clash = session.exec(select(Person).where(func.lower(Person.email) == email.lower())).first()
    if clash is not None and clash.id != person_id:
        raise UniquenessError(detail=f"The userName {email} is already used by user {clash.id}.")
    if external_id:
        other = session.exec(select(Person).where(Person.external_id == external_id)).first()
        if other is not None and other.id != person_id:
            raise UniquenessError(
                detail=f"The externalId {external_id} is already used by user {other.id}."
            )


def change_person(
    session: Session,
    *,
    by: Actor,
    person: Person,
    team_id: int | None,
    name: str | None = None,
    email: str | None = None,
    role: Role | None = None,
) -> None:
    """Change a person through the admins' own service (`update_person`: its checks, and a role
    change ends their sessions)."""
    assert person.id is not None
    update_person(
        session,
        actor=by,
        person_id=person.id,
        data=PersonInput(
            name or person.name,
            email or person.email,
            role or Role(person.role),
            team_id,
            person.hire_date,
        ),
        expected_version=person.version,
    )


def audit(session: Session, *, by: Actor, person_id: int, detail: str) -> None:
    """One audit event for a change SCIM made to a person."""
    record(
        session,
        actor=by,
        action=AuditAction.UPDATE,
        record_type=RECORD,
        record_id=person_id,
        subject_id=person_id,
        detail=f"SCIM: {detail}",
    )


def create_user(session: Session, *, actor: Actor, user: ScimUser) -> ScimUser:
    """A new person, an agent in `LANDING_TEAM` until a team's group names them; or, for the
    address of someone the provider deleted, that person again (their history kept)."""
    require_admin(actor)
    email = _address(None, user)
    returning = session.exec(
        select(Person).where(
            func.lower(Person.email) == email.lower(), col(Person.deprovisioned_at).is_not(None)
        )
    ).first()
    if returning is not None:
        assert returning.id is not None
        returning.deprovisioned_at = None
        session.add(returning)
        audit(
            session,
            by=actor,
            person_id=returning.id,
            detail="provisioned again after being deleted",
        )
        before = _user(returning, _teams(session))
        wanted = user.model_copy(update={"active": user.active is not False})
        return _apply_user(session, actor, returning, before, wanted)
    _unique(session, None, email=email, external_id=user.external_id)
    made = create_person(
        session,
        actor=actor,
        data=PersonInput(
            _name(None, user) or email, email, Role.AGENT, landing_team(session, by=actor)
        ),
    )
    person = _person(session, str(made.id))
    person.external_id = user.external_id
    session.add(person)
    session.flush()
    record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=RECORD,
        record_id=made.id,
        subject_id=made.id,
        detail=f"SCIM: provisioned {made.email} (externalId {user.external_id or 'none'})",
    )
    if user.active is False:
        set_account_active(session, actor=actor, person_id=made.id, active=False)
    return get_user(session, actor=actor, user_id=str(made.id))


def _apply_user(
    session: Session, actor: Actor, person: Person, before: ScimUser, after: ScimUser
) -> ScimUser:
    assert person.id is not None
    email, name = _address(before, after), _name(before, after)
    _unique(session, person.id, email=email, external_id=after.external_id)
    changed = [
        what
        for what, differs in (
            ("e-mail", email.lower() != person.email),
            ("name", bool(name) and name != person.name),
        )
        if differs
    ]
    if changed:
        change_person(
            session, by=actor, person=person, team_id=person.team_id, name=name, email=email
        )
    if after.external_id != person.external_id:
        person.external_id = after.external_id
        person.version += 1
        session.add(person)
        changed.append("externalId")
    if changed:
        session.flush()
        audit(session, by=actor, person_id=person.id, detail=f"changed {', '.join(changed)}")
    if after.active is not None and after.active != person.active:
        set_account_active(session, actor=actor, person_id=person.id, active=after.active)
    return get_user(session, actor=actor, user_id=str(person.id))


def replace_user(session: Session, *, actor: Actor, user_id: str, user: ScimUser) -> ScimUser:
    """PUT: the person as the request describes them."""
    require_admin(actor)
    person = _person(session, user_id)
    return _apply_user(session, actor, person, _user(person, _teams(session)), user)


KEPT = ("name", "display_name", "emails", "active", "user_name")


def patch_user(
    session: Session, *, actor: Actor, user_id: str, patch: PatchOp[ScimUser]
) -> ScimUser:
    """PATCH as Entra ID and Okta send it (`{"op": "Replace", "path": "active", "value":
    "False"}`, `{"op": "replace", "value": {"active": false}}`, `name.givenName`,
    `emails[type eq "work"].value`)."""
    require_admin(actor)
    person = _person(session, user_id)
    before = _user(person, _teams(session))
    after = before.model_copy(deep=True)
    patch.patch(after, POLICY)
    removed = [
        ScimUser.model_fields[k].serialization_alias or k
        for k in KEPT
        if getattr(after, k) in (None, []) and getattr(before, k) not in (None, [])
    ]
    if removed:
        raise MutabilityError(
            detail=f"Headway keeps a name, an e-mail address and an active state for everyone: "
            f"replace {', '.join(removed)} rather than remove it."
        )
    return _apply_user(session, actor, person, before, after)


def deactivate_user(session: Session, *, actor: Actor, user_id: str) -> None:
    """DELETE: the person is deactivated (their sessions end at once) and no longer one of the
    provider's Users; never erased. Creating their userName again brings them back."""
    require_admin(actor)
    person = _person(session, user_id)
    assert person.id is not None
    if person.active:
        set_account_active(session, actor=actor, person_id=person.id, active=False)
    person.deprovisioned_at = utcnow()
    session.add(person)
    audit(
        session,
        by=actor,
        person_id=person.id,
        detail="deleted by the identity provider: deactivated and kept",
    )
