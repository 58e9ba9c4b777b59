"""Account changes that reach across domains, above them all (as `core.jobs` and `core.cli`
are): deactivating a person first hands the open disputes they were to decide to someone who
can (`core.quality`), then ends the account (`core.people.org`), in one transaction."""

from __future__ import annotations

from sqlmodel import Session

from core.people.access import Actor
from core.people.org import PersonRead, set_person_active
from core.quality.disputes import reroute_open_disputes


def set_account_active(
    session: Session, *, actor: Actor, person_id: int, active: bool
) -> PersonRead:
    """`set_person_active`, with the person's open disputes handed over first when they are
    deactivated (refused, nothing changed, when nobody else could decide one)."""
    if not active:
        reroute_open_disputes(session, owner_id=person_id, by=actor)
    return set_person_active(session, actor=actor, person_id=person_id, active=active)
