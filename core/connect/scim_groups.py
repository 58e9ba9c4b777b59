"""SCIM Groups (issue 26): a group is a team or a role, as `core.connect.scim` describes them.

- `team-<id>`: a team; its members are the team's people. Adding someone moves them into the
  team; removing an agent or a team lead moves them to `LANDING_TEAM` (managers and admins simply
  leave it).
- `role-<role>`: one of `ROLE_GROUPS`; adding someone gives them the role, removing them makes
  them an agent again (their sessions end either way: they log in again with their new rights).
- A group made with a new name is a new team; the role groups and the teams exist already, so
  a provider finds them by `displayName eq "…"` and changes their members. Headway keeps its
  teams: deleting a group is refused (`mutability`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scim2_models import (
    Group,
    GroupMember,
    InvalidValueException,
    ListResponse,
    Meta,
    PatchOp,
)
from scim2_models import MutabilityException as MutabilityError
from scim2_models import NotFoundException as ScimNotFound
from scim2_models import UniquenessException as UniquenessError
from sqlmodel import Session, col, select

from core.connect.scim import (
    LANDING_TEAM,
    POLICY,
    ROLE_GROUPS,
    audit,
    change_person,
    equals_filter,
    find_person,
    landing_team,
    page_bounds,
)
from core.models import AuditAction, Person, Role, Team
from core.people.access import Actor, require_admin
from core.people.audit import record
from core.people.org import TeamInput, create_team, update_team


@dataclass(frozen=True)
class _Target:
    """What a group stands for: a team, or a role."""

    id: str
    title: str
    team_id: int | None = None
    role: Role | None = None
    external_id: str | None = None


def _targets(session: Session) -> list[_Target]:
    teams = session.exec(select(Team).order_by(col(Team.id))).all()
    return [_Target(f"team-{t.id}", t.name, t.id, None, t.external_id) for t in teams] + [
        _Target(f"role-{role.value}", title, role=role) for title, role in ROLE_GROUPS.items()
    ]


def _target(session: Session, group_id: str) -> _Target:
    found = next((t for t in _targets(session) if t.id == group_id), None)
    if found is None:
        raise ScimNotFound(detail=f"There is no group {group_id}.")
    return found


def _members(session: Session, target: _Target) -> list[Person]:
    query = select(Person).where(col(Person.deprovisioned_at).is_(None)).order_by(col(Person.id))
    if target.team_id is not None:
        return list(session.exec(query.where(Person.team_id == target.team_id)).all())
    return list(session.exec(query.where(Person.role == target.role)).all())


def _group(session: Session, target: _Target) -> Group:
    members = [
        GroupMember.model_validate({"value": str(p.id), "display": p.name, "type": "User"})
        for p in _members(session, target)
    ]
    return Group(
        id=target.id,
        external_id=target.external_id,
        display_name=target.title,
        members=members or None,
        meta=Meta(resource_type="Group"),
    )


def list_groups(
    session: Session,
    *,
    actor: Actor,
    filter: str | None = None,
    start_index: int | None = None,
    count: int | None = None,
) -> ListResponse[Group]:
    """The teams, then the role groups, a page at a time; filtered by `displayName eq` (without
    case) or `externalId eq`."""
    require_admin(actor)
    targets = _targets(session)
    if filter:
        attribute, value = equals_filter(filter, ("displayName", "externalId"))
        if attribute == "displayName":
            targets = [t for t in targets if t.title.casefold() == value.strip().casefold()]
        else:
            targets = [t for t in targets if t.external_id == value]
    first, size = page_bounds(start_index, count)
    page = targets[first - 1 : first - 1 + size]
    response: ListResponse[Group] = ListResponse[Group](
        total_results=len(targets),
        start_index=first,
        items_per_page=len(page),
        resources=[_group(session, t) for t in page],
    )
    return response


def get_group(session: Session, *, actor: Actor, group_id: str) -> Group:
    require_admin(actor)
    return _group(session, _target(session, group_id))


def _unique(
    session: Session, title: str | None, external_id: str | None, *, other_than: str | None = None
) -> None:
    for target in _targets(session):
        if target.id == other_than:
            continue
        if title and target.title.casefold() == title.casefold():
            raise UniquenessError(detail=f"The group {target.id} is already named “{title}”.")
        if external_id and target.external_id == external_id:
            raise UniquenessError(
                detail=f"The group {target.id} already has the externalId {external_id}."
            )


def create_group(session: Session, *, actor: Actor, group: Group) -> Group:
    """A group with a new name: a new team, with the members named."""
    require_admin(actor)
    title = (group.display_name or "").strip()
    _unique(session, title, group.external_id)
    team = create_team(session, actor=actor, data=TeamInput(title))
    record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="team",
        record_id=team.id,
        detail=f"SCIM: team “{team.name}” made for the identity provider's group",
    )
    return _apply(session, actor, _target(session, f"team-{team.id}"), group)


def replace_group(session: Session, *, actor: Actor, group_id: str, group: Group) -> Group:
    """PUT: the group's name and members as the request gives them."""
    require_admin(actor)
    return _apply(session, actor, _target(session, group_id), group)


def patch_group(session: Session, *, actor: Actor, group_id: str, patch: PatchOp[Group]) -> Group:
    """PATCH as Entra ID (`{"op": "Add", "path": "members", "value": [{"value": "12"}]}`,
    `{"op": "Remove", "path": "members", "value": [...]}`) and Okta (`members[value eq "12"]`)
    send it."""
    require_admin(actor)
    target = _target(session, group_id)
    after = _group(session, target)
    patch.patch(after, POLICY)
    return _apply(session, actor, target, after)


def delete_group(session: Session, *, actor: Actor, group_id: str) -> None:
    """Refused: Headway keeps its teams and roles (the provider removes members instead)."""
    require_admin(actor)
    target = _target(session, group_id)
    raise MutabilityError(
        detail=f"Headway keeps “{target.title}”: remove its members instead of the group "
        "(an admin retires a team in Headway)."
    )


def _apply(session: Session, actor: Actor, target: _Target, wanted: Group) -> Group:
    """The group's name, externalId (a team's; the role groups keep none) and members as
    `wanted` has them."""
    title = (wanted.display_name or "").strip()
    if title and title != target.title and target.team_id is None:
        raise MutabilityError(
            detail=f"The role groups keep their names; “{target.title}” cannot become “{title}”."
        )
    if target.team_id is not None and wanted.external_id != target.external_id:
        _unique(session, None, wanted.external_id, other_than=target.id)
        team = session.get(Team, target.team_id)
        assert team is not None
        team.external_id = wanted.external_id
        session.add(team)
        session.flush()
        record(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            record_type="team",
            record_id=target.team_id,
            detail=f"SCIM: team “{target.title}” has the externalId {wanted.external_id}",
        )
        target = replace(target, external_id=wanted.external_id)
    if title and title != target.title and target.team_id is not None:
        _unique(session, title, None, other_than=target.id)
        team = session.get(Team, target.team_id)
        assert team is not None
        update_team(
            session,
            actor=actor,
            team_id=target.team_id,
            data=TeamInput(title, team.site, team.lead_id, team.min_staffed),
            expected_version=team.version,
        )
        record(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            record_type="team",
            record_id=target.team_id,
            detail=f"SCIM: team “{target.title}” renamed “{title}”",
        )
        target = replace(target, title=title)
    current = _members(session, target)
    ids = _member_ids(session, wanted, target)
    for person_id in sorted(ids - {p.id for p in current}):
        person = session.get(Person, person_id)
        assert person is not None
        _join(session, actor, target, person)
    for person in current:
        if person.id not in ids:
            _leave(session, actor, target, person)
    return _group(session, target)


def _member_ids(session: Session, group: Group, target: _Target) -> set[int]:
    ids = set()
    for member in group.members or []:
        value = member.value or ""
        person = find_person(session, value)
        if person is None:
            raise InvalidValueException(
                detail=f"There is no user {value!r} to make a member of “{target.title}”."
            )
        ids.add(int(value))
    return ids


def _join(session: Session, actor: Actor, target: _Target, person: Person) -> None:
    assert person.id is not None
    if target.team_id is not None:
        change_person(session, by=actor, person=person, team_id=target.team_id)
    else:
        change_person(session, by=actor, person=person, team_id=person.team_id, role=target.role)
    audit(session, by=actor, person_id=person.id, detail=f"joined the group “{target.title}”")


def _leave(session: Session, actor: Actor, target: _Target, person: Person) -> None:
    assert person.id is not None
    needs_team = Role(person.role) in (Role.AGENT, Role.TEAM_LEAD)
    if target.team_id is not None and needs_team:
        landing = landing_team(session, by=actor)
        if landing == target.team_id:
            raise InvalidValueException(
                detail=f"{person.name} must belong to a team: add them to another team's "
                f"group rather than removing them from “{LANDING_TEAM}”."
            )
        change_person(session, by=actor, person=person, team_id=landing)
    elif target.team_id is not None:
        change_person(session, by=actor, person=person, team_id=None)
    else:
        team_id = person.team_id or landing_team(session, by=actor)
        change_person(session, by=actor, person=person, team_id=team_id, role=Role.AGENT)
    audit(session, by=actor, person_id=person.id, detail=f"left the group “{target.title}”")
