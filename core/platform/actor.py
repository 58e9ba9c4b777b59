"""Who is acting: the person behind a service call, with what access decisions need to know
about them. Every domain's services take one; the rules that read it live in
`core.people.access` (which builds it: `load_actor`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.models import Role


@dataclass(frozen=True)
class Actor:
    """The person acting, with what access decisions need to know about them."""

    id: int
    name: str
    role: Role
    team_id: int | None
    led_team_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def sees_everyone(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
