"""The audit trail: append-only on both databases, searchable and exportable by admins only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from core import audit
from core.access import load_actor
from core.errors import AccessDenied
from core.models import AuditAction, Role
from tests.conftest import make_person, make_team


def test_events_are_searchable_by_person_action_and_day_and_export_as_csv(
    session: Session,
) -> None:
    team = make_team(session)
    admin = load_actor(session, make_person(session, team=None, role=Role.ADMIN).id)
    agent = make_person(session, team=team)
    agent.name = "Ada Agent"
    session.flush()
    audit.record(
        session,
        actor=admin,
        action=AuditAction.PASSWORD_RESET,
        record_type="person",
        record_id=agent.id,
        subject_id=agent.id,
        detail="one-time password set",
    )
    audit.record(session, actor=None, action=AuditAction.RETENTION_APPLIED, record_type="job")
    session.flush()

    about_ada = audit.search(session, actor=admin, person_id=agent.id)
    assert [(r.actor, r.action, r.subject) for r in about_ada] == [
        (admin.name, AuditAction.PASSWORD_RESET, "Ada Agent")
    ]
    assert [
        r.actor for r in audit.search(session, actor=admin, action=AuditAction.RETENTION_APPLIED)
    ] == ["system"]
    today = dt.datetime.now(dt.UTC).date()
    assert len(audit.search(session, actor=admin, since=today, until=today)) == 2
    assert audit.search(session, actor=admin, until=today - dt.timedelta(days=1)) == []

    csv = audit.to_csv(about_ada).decode("utf-8-sig").splitlines()
    assert csv[0].startswith("time (UTC),actor,action")
    assert "password_reset" in csv[1] and "Ada Agent" in csv[1]


def test_only_admins_search_the_trail(session: Session) -> None:
    team = make_team(session)
    manager = load_actor(session, make_person(session, team=None, role=Role.MANAGER).id)
    with pytest.raises(AccessDenied):
        audit.search(session, actor=manager)
    del team


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_rewrite_the_trail(session: Session, statement: str) -> None:
    audit.record(session, actor=None, action=AuditAction.LOGIN, record_type="session")
    session.flush()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.connection().execute(text(statement))
