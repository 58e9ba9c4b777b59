"""The audit trail: append-only on both databases, searchable and exportable by admins only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from core.coaching.notes import (
    NoteInput,
    acknowledge,
    add_follow_up,
    add_private_remark,
    edit_note,
    notes_about,
    write_note,
)
from core.growth.agent import growth_data
from core.models import AuditAction, AuditEvent, PrivateRemark, Role
from core.people import audit
from core.people.access import Actor, load_actor
from core.platform.errors import AccessDenied, InvalidInput
from core.quality.evaluations import (
    DEFAULT_FORM,
    list_evaluations,
    record_evaluation,
    save_scorecard,
)
from tests.conftest import TODAY, actor_of, make_person, make_team


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


REPLACE = {
    # SQLite's REPLACE deletes the row it displaces without firing delete triggers unless
    # recursive triggers are on; PostgreSQL's upsert updates it.
    "sqlite": "INSERT OR REPLACE INTO audit_event (id, at, action, record_type, detail) "
    "SELECT id, at, action, record_type, 'rewritten' FROM audit_event",
    "postgresql": "INSERT INTO audit_event (id, at, action, record_type, detail) "
    "SELECT id, at, action, record_type, 'rewritten' FROM audit_event "
    "ON CONFLICT (id) DO UPDATE SET detail = excluded.detail",
}


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event", "replace"],
)
def test_the_database_refuses_to_rewrite_the_trail(session: Session, statement: str) -> None:
    audit.record(session, actor=None, action=AuditAction.LOGIN, record_type="session")
    session.flush()
    if statement == "replace":
        statement = REPLACE[session.get_bind().dialect.name]
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.connection().execute(text(statement))
    assert [e.detail for e in session.exec(select(AuditEvent)).all()] == [""]


def test_a_replace_is_refused_even_on_a_connection_without_recursive_triggers(
    session: Session,
) -> None:
    """The trail's own trigger refuses a REPLACE of an existing row, whatever opened the
    connection (the sqlite3 shell has recursive triggers off)."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("a SQLite connection setting")
    audit.record(session, actor=None, action=AuditAction.LOGIN, record_type="session")
    session.flush()
    session.connection().exec_driver_sql("PRAGMA recursive_triggers=OFF")
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.connection().execute(text(REPLACE["sqlite"]))


# ----------------------------------------------------------- reads and changes of records

NOTE = NoteInput(focus_metric="fcr", to_try="Ask what else is open", follow_up_date=TODAY)


def _events(session: Session, admin: Actor, **filters: object) -> list[tuple[str, str, str]]:
    return [
        (r.actor, r.action.value, r.record_type)
        for r in audit.search(session, actor=admin, **filters)  # type: ignore[arg-type]
    ]


def test_each_note_and_remark_shown_is_one_read_event_written_in_one_insert(
    session: Session, org: dict
) -> None:
    agent, lead = org["red_agent"], actor_of(session, org["red_lead"])
    admin = actor_of(session, org["admin"])
    first = write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
    write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
    add_private_remark(session, actor=lead, note_id=first, text="Go gently")
    session.flush()
    manager = actor_of(session, org["manager"])
    statements: list[str] = []
    connection = session.connection()

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        notes_about(session, actor=manager, agent_id=agent.id)
    finally:
        event.remove(connection, "before_cursor_execute", count)
    remark_id = session.exec(select(PrivateRemark.id)).one()
    reads = [
        (r.actor, r.record_type, r.record_id, r.subject)
        for r in audit.search(session, actor=admin, action=AuditAction.READ)
    ]
    assert sorted(reads) == sorted(
        [
            (manager.name, "coaching_note", first, agent.name),
            (manager.name, "coaching_note", first + 1, agent.name),
            (manager.name, "private_remark", remark_id, agent.name),
        ]
    )
    assert len(statements) == 2  # one INSERT for the notes, one for the remarks
    # The agent reads their notes too, but never the remarks: two reads, no remark read.
    notes_about(session, actor=actor_of(session, agent), agent_id=agent.id)
    assert (
        _events(session, admin, person_id=agent.id, action=AuditAction.READ)[:2]
        == [(agent.name, "read", "coaching_note")] * 2
    )


def test_writing_editing_following_up_and_acknowledging_a_note_are_recorded(
    session: Session, org: dict
) -> None:
    agent, lead = org["red_agent"], actor_of(session, org["red_lead"])
    admin = actor_of(session, org["admin"])
    note_id = write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
    edit_note(session, actor=lead, note_id=note_id, data=NOTE, expected_version=1)
    add_private_remark(session, actor=lead, note_id=note_id, text="Quiet week")
    add_follow_up(session, actor=lead, note_id=note_id, outcome="Better", closes=True)
    acknowledge(session, actor=actor_of(session, agent), note_id=note_id)
    session.flush()
    assert [
        (r.actor, r.action.value, r.record_type, r.detail)
        for r in reversed(audit.search(session, actor=admin, person_id=agent.id))
    ] == [
        (lead.name, "create", "coaching_note", ""),
        (lead.name, "update", "coaching_note", "edited (version 2)"),
        (lead.name, "create", "private_remark", f"on coaching note #{note_id}"),
        (lead.name, "update", "coaching_note", "check-in recorded, note closed"),
        (agent.name, "update", "coaching_note", "acknowledged"),
    ]


def test_an_evaluation_is_recorded_when_made_and_each_time_it_is_listed(
    session: Session, org: dict
) -> None:
    agent, lead = org["red_agent"], actor_of(session, org["red_lead"])
    admin = actor_of(session, org["admin"])
    manager = actor_of(session, org["manager"])  # scorecards are the managers'
    card = save_scorecard(session, actor=manager, family="Voice", definition=DEFAULT_FORM)
    made = record_evaluation(
        session,
        actor=lead,
        agent_id=agent.id,
        scorecard_id=card.id,
        answers=[["yes", 4], [4, "yes"], ["yes", "yes"]],
        date=TODAY,
    )
    list_evaluations(session, actor=actor_of(session, agent), agent_id=agent.id)
    session.flush()
    trail = audit.search(session, actor=admin, record_type="evaluation")
    assert [(r.actor, r.action.value, r.record_id) for r in trail] == [
        (agent.name, "read", made.id),
        (lead.name, "create", made.id),
    ]


def test_the_growth_chart_records_only_the_notes_of_its_period(session: Session, org: dict) -> None:
    agent, lead = org["red_agent"], actor_of(session, org["red_lead"])
    admin = actor_of(session, org["admin"])
    old = write_note(
        session, actor=lead, agent_id=agent.id, data=NOTE, date=TODAY - dt.timedelta(days=200)
    )
    recent = write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
    growth_data(
        session,
        actor=lead,
        agent_id=agent.id,
        start=TODAY - dt.timedelta(days=30),
        end=TODAY,
    )
    session.flush()
    read_ids = [r.record_id for r in audit.search(session, actor=admin, action=AuditAction.READ)]
    assert read_ids == [recent] and old not in read_ids


def test_searching_and_exporting_the_trail_are_recorded_and_a_page_says_when_there_is_more(
    session: Session, org: dict
) -> None:
    admin = actor_of(session, org["admin"])
    for _ in range(3):
        audit.record(session, actor=None, action=AuditAction.LOGIN, record_type="session")
    session.flush()
    page = audit.run_search(
        session, actor=admin, query=audit.AuditQuery(action=AuditAction.LOGIN), limit=2
    )
    assert len(page.rows) == 2 and page.more
    csv = audit.export_csv(
        session, actor=admin, query=audit.AuditQuery(since=TODAY - dt.timedelta(days=9999))
    )
    assert len(csv.decode("utf-8-sig").splitlines()) == 1 + 4  # 3 logins and the search
    session.flush()
    assert [
        (r.action.value, r.record_type, r.detail)
        for r in audit.search(session, actor=admin, record_type="audit_trail")
    ] == [
        ("export", "audit_trail", f"4 events exported: from {TODAY - dt.timedelta(days=9999)}"),
        ("read", "audit_trail", "searched: action login"),
    ]
    with pytest.raises(InvalidInput, match="choose a start on or before the end"):
        audit.run_search(
            session,
            actor=admin,
            query=audit.AuditQuery(since=TODAY, until=TODAY - dt.timedelta(days=1)),
        )
    with pytest.raises(AccessDenied):
        audit.run_search(session, actor=actor_of(session, org["manager"]), query=audit.AuditQuery())
