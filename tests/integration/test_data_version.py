"""The data-version stamp moves with the data the cached reads show, and only with it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event
from sqlmodel import Session, SQLModel, select

from core.growth.teams import Scope, coaching_effect_tables, team_growth
from core.models import (
    AuthSession,
    Kudos,
    LearningShare,
    Notification,
    NotificationKind,
    Person,
    Team,
)
from core.people.access import load_actor
from core.platform.data_version import FEEDS_CACHED_READS, current
from seed.demo import seed_demo
from tests.conftest import TODAY


@pytest.fixture
def demo(session: Session) -> Session:
    seed_demo(session, agents=30, years=1, random_seed=5, today=TODAY)
    return session


def test_a_write_to_what_the_cached_reads_show_bumps_the_stamp(demo: Session) -> None:
    before = current(demo)
    person = demo.exec(select(Person).limit(1)).one()
    person.name = person.name + " Jr"
    demo.add(person)
    demo.flush()
    assert current(demo) == before + 1


def test_other_writes_leave_the_stamp_alone(demo: Session) -> None:
    """A sign-in, a notification or kudos change nothing a cached read shows."""
    before = current(demo)
    person = demo.exec(select(Person).limit(1)).one()
    share = demo.exec(select(LearningShare).limit(1)).one()
    demo.add(
        AuthSession(
            token_hash="0" * 64,
            person_id=person.id,
            expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        )
    )
    demo.add(Kudos(share_id=share.id, person_id=person.id))
    demo.add(
        Notification(
            person_id=person.id,
            recipient_email=person.email,
            kind=NotificationKind.MENTOR_NUDGE,
            subject="test",
            due_date=TODAY,
            title="Keep going",
        )
    )
    demo.flush()
    assert current(demo) == before


def test_the_cached_reads_touch_only_tables_whose_writes_bump_the_stamp(demo: Session) -> None:
    manager = load_actor(
        demo, demo.exec(select(Person.id).where(Person.email == "manager@example.com")).one()
    )
    teams = tuple(t for t in demo.exec(select(Team.id)).all())
    scope = Scope(TODAY - dt.timedelta(days=180), TODAY, teams, "qa_score")
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = demo.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        team_growth(demo, actor=manager, scope=scope)
        coaching_effect_tables(demo, actor=manager, scope=scope, every_focus=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    tables = set(SQLModel.metadata.tables)
    read = {
        name
        for statement in statements
        for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', statement, flags=re.IGNORECASE)
        if name in tables
    }
    feeding = {model.__tablename__ for model in FEEDS_CACHED_READS}
    assert read and read <= feeding, sorted(read - feeding)
