"""What keeps a rerun cheap with many sessions, on each database: the connection pool (a full
pool says the database is busy, never a traceback), the reads kept across reruns touch only
tables whose writes move the data-version stamp, and the per-team reads give the same answers
by the agents' ids as before."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from core.growth.checkins import falling_agents
from core.home.glance import team_glance
from core.learning.pledges import mentor_choices
from core.models import Observation, Person, Role, Team
from core.people.access import load_actor
from core.platform.data_version import FEEDS_CACHED_READS
from core.platform.db import POOL, make_engine, session_scope
from core.platform.errors import DatabaseBusy
from seed.demo import seed_demo
from tests.conftest import TODAY


@pytest.fixture
def demo(session: Session) -> Session:
    seed_demo(session, agents=30, years=1, random_seed=5, today=TODAY)
    session.flush()
    return session


def test_the_pool_holds_enough_connections_for_hundreds_of_sessions(engine: Engine) -> None:
    kind = "sqlite" if engine.dialect.name == "sqlite" else "postgresql"
    assert engine.pool.size() == POOL[kind]["pool_size"]  # type: ignore[attr-defined]
    assert POOL[kind]["pool_size"] + POOL[kind]["max_overflow"] >= 30


def test_a_full_pool_says_the_database_is_busy(tmp_path: Path) -> None:
    engine = make_engine(
        f"sqlite:///{tmp_path}/busy.db", pool_size=1, max_overflow=0, pool_timeout=0.2
    )
    held = engine.connect()  # every connection of the pool in use by another page
    try:
        with pytest.raises(DatabaseBusy) as refused, session_scope(engine) as session:
            session.connection()
        assert "busy" in str(refused.value) and "try again" in str(refused.value)
    finally:
        held.close()
        engine.dispose()


def _tables_read(session: Session, work: object) -> set[str]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", record)
    try:
        work()  # type: ignore[operator]
    finally:
        event.remove(bind, "before_cursor_execute", record)
    tables = set(SQLModel.metadata.tables)
    return {
        name
        for statement in statements
        for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', statement, flags=re.IGNORECASE)
        if name in tables
    }


def test_a_managers_falling_trends_read_only_what_moves_the_stamp(demo: Session) -> None:
    """ui.analytics.falling keeps them per data version: a write that changes them must move
    the stamp."""
    manager = load_actor(
        demo, demo.exec(select(Person.id).where(Person.email == "manager@example.com")).one()
    )
    teams = [t for t in demo.exec(select(Team.id)).all() if t is not None]
    read = _tables_read(
        demo, lambda: falling_agents(demo, actor=manager, team_ids=teams, as_of=TODAY)
    )
    feeding = {model.__tablename__ for model in FEEDS_CACHED_READS}
    assert read and read <= feeding, sorted(read - feeding)


def test_a_teams_glance_counts_only_its_agents_scores(demo: Session) -> None:
    lead_id = demo.exec(select(Person.id).where(Person.email == "lead@example.com")).one()
    lead = load_actor(demo, lead_id)
    team_id = next(iter(lead.led_team_ids))
    rows = team_glance(demo, actor=lead, team_id=team_id, today=TODAY)
    assert rows
    agent = rows[0]
    start = TODAY - dt.timedelta(days=27)
    scores = demo.exec(
        select(Observation.value).where(
            Observation.person_id == agent.id,
            Observation.metric == "qa_score",
            col(Observation.date) >= start - dt.timedelta(days=7),
        )
    ).all()
    assert scores  # the seeded agent has recent QA scores
    # Someone of another team scoring on the same days changes nothing in this team's rows.
    other = demo.exec(
        select(Person).where(Person.team_id != team_id, Person.role == Role.AGENT)
    ).first()
    assert other is not None and other.id is not None
    for day in range(28):
        demo.add(
            Observation(
                person_id=other.id,
                metric="qa_score",
                date=TODAY - dt.timedelta(days=day),
                value=0.0,
                reference=f"capacity-test-{day}",
            )
        )
    demo.flush()
    assert team_glance(demo, actor=lead, team_id=team_id, today=TODAY) == rows


def test_the_mentor_list_is_every_active_colleague_but_admins_the_lead_first(
    demo: Session,
) -> None:
    agent = demo.exec(select(Person).where(Person.email == "agent@example.com")).one()
    me = load_actor(demo, agent.id or 0)
    choices = mentor_choices(demo, actor=me)
    everyone = demo.exec(
        select(Person).where(col(Person.active).is_(True), Person.id != agent.id)
    ).all()
    expected = {p.id for p in everyone if Role(p.role) is not Role.ADMIN}
    assert {i for i, _ in choices} == expected
    assert "(your team lead)" in choices[0][1]
    assert len({label for _, label in choices}) == len(choices)  # namesakes told apart
