"""Typed persistence: enum columns load as their enum and refuse other words (in Python and in the
database), declared ranges are CHECK constraints, a note's evaluations and a plan run's teams are
rows with foreign keys, and migration 0010 moves the old comma lists and JSON into them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, SQLModel, select

from core.coaching.notes import NoteInput, notes_about, write_note
from core.models import (
    CoachingNoteEvaluation,
    NotificationKind,
    NotificationPreference,
    PdDay,
    PdStatus,
    Person,
    Role,
)
from core.platform.db import alembic_config, make_engine
from core.platform.errors import InvalidInput
from core.quality.evaluations import DEFAULT_FORM, Answer, record_evaluation, save_scorecard
from tests.conftest import TODAY, actor_of, make_person, make_team


def test_enum_columns_load_as_their_enum(session: Session) -> None:
    team = make_team(session)
    person = make_person(session, team=team)
    session.add(PdDay(person_id=person.id, date=dt.date(2026, 12, 2), status="published"))
    session.commit()
    session.expire_all()
    day = session.exec(select(PdDay)).one()
    assert day.status is PdStatus.PUBLISHED and day.purpose is None
    assert session.get(Person, person.id).role is Role.AGENT  # type: ignore[union-attr]


def test_an_unknown_word_is_refused_before_it_reaches_the_database(session: Session) -> None:
    person = make_person(session, team=make_team(session))
    session.add(PdDay(person_id=person.id, date=dt.date(2026, 12, 2), status="pending"))
    with pytest.raises(StatementError, match="'pending' is not a PdStatus"):
        session.flush()
    session.rollback()
    session.add(NotificationPreference(person_id=person.id, kind="fax_me"))
    with pytest.raises(StatementError, match="not a NotificationKind"):
        session.flush()


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE person SET role = 'superuser'", "ck_person_role"),
        ("UPDATE team SET min_staffed = -5", "ck_team_min_staffed_range"),
        ("UPDATE pd_day SET purpose = 'nap'", "ck_pd_day_purpose"),
    ],
)
def test_the_database_refuses_what_the_models_do_not_allow(
    session: Session, statement: str, constraint: str
) -> None:
    """Rows written by other means (SQL, another tool) meet the same rules: CHECK constraints."""
    team = make_team(session)
    person = make_person(session, team=team)
    session.add(PdDay(person_id=person.id, date=dt.date(2026, 12, 2)))
    session.flush()
    with pytest.raises(IntegrityError) as refused:
        session.execute(sa.text(statement))
    assert constraint in str(refused.value) or "CHECK constraint failed" in str(refused.value)


def test_a_note_refers_to_its_agents_evaluations_by_foreign_key(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    agent, other = org["red_agent"].id, org["red_agent2"].id
    card = save_scorecard(
        session, actor=actor_of(session, org["manager"]), family="Voice", definition=DEFAULT_FORM
    )
    answers: list[list[Answer]] = [["yes", 5], [5, "yes"], ["yes", "yes"]]
    mine, theirs = (
        record_evaluation(
            session, actor=lead, agent_id=who, scorecard_id=card.id, answers=answers, date=TODAY
        )
        for who in (agent, other)
    )
    data = NoteInput("qa_score", to_try="Say your name first", evaluation_ids=(mine.id,))
    note_id = write_note(session, actor=lead, agent_id=agent, data=data)
    links = session.exec(select(CoachingNoteEvaluation)).all()
    assert [(link.note_id, link.evaluation_id) for link in links] == [(note_id, mine.id)]
    [read] = notes_about(session, actor=lead, agent_id=agent)
    assert read.evaluation_ids == (mine.id,)
    with pytest.raises(InvalidInput, match=f"agent's own evaluations; not to #{theirs.id}"):
        write_note(
            session,
            actor=lead,
            agent_id=agent,
            data=NoteInput("qa_score", to_try="Try this", evaluation_ids=(theirs.id,)),
        )


def test_an_evaluation_channel_outside_the_list_is_refused_in_words(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    card = save_scorecard(
        session, actor=actor_of(session, org["manager"]), family="Voice", definition=DEFAULT_FORM
    )
    with pytest.raises(InvalidInput, match="Unknown channel 'fax': choose phone, chat"):
        record_evaluation(
            session,
            actor=lead,
            agent_id=org["red_agent"].id,
            scorecard_id=card.id,
            answers=[["yes", 5], [5, "yes"], ["yes", "yes"]],
            date=TODAY,
            channel="fax",
        )


# ------------------------------------------------------------------ migration 0010 moves data


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    server = sa.make_url(request.getfixturevalue("postgres_url"))
    name = f"headway_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server.render_as_string(False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield server.set(database=name).render_as_string(False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def test_migration_0010_moves_comma_lists_and_json_into_rows(blank_url: str) -> None:
    engine = make_engine(blank_url)
    config = alembic_config(engine)
    command.upgrade(config, "0009")
    now = "2026-11-20 09:00:00"
    with engine.begin() as db:
        run = db.execute
        run(sa.text(
            "INSERT INTO team (id, name, site, min_staffed, version) VALUES "
            "(1, 'Red', '', -5, 1), (2, 'Blue', '', 2, 1)"
        ))  # fmt: skip
        run(sa.text(
            "INSERT INTO person (id, name, email, role, team_id, active, must_change_password, "
            "failed_logins, created_at, version) VALUES "
            f"(1, 'Ada', 'ada@x.org', 'agent', 1, true, false, 0, '{now}', 1), "
            f"(2, 'Lee', 'lee@x.org', 'team_lead', 1, true, false, 0, '{now}', 1)"
        ))  # fmt: skip
        run(sa.text(
            "INSERT INTO scorecard (id, family, version, definition, active, created_at) "
            f"VALUES (1, 'Calls', 1, '{{}}', true, '{now}')"
        ))  # fmt: skip
        run(sa.text(
            "INSERT INTO evaluation (id, agent_id, evaluator_id, scorecard_id, interaction_ref, "
            "channel, date, answers, comments, score, critical_failed, created_at) VALUES "
            f"(7, 1, 2, 1, '', 'phone', '2026-11-19', '[]', '', 80, false, '{now}'), "
            f"(8, 1, 2, 1, '', 'chat', '2026-11-19', '[]', '', 90, false, '{now}')"
        ))  # fmt: skip
        run(sa.text(
            "INSERT INTO coaching_note (id, agent_id, coach_id, date, focus_metric, focus_section, "
            "went_well, to_try, actions, evaluation_ids, closed, version, updated_at) VALUES "
            f"(1, 1, 2, '2026-11-20', 'qa_score', '', '', 'x', '', '7,8,99', false, 1, '{now}'), "
            f"(2, 1, 2, '2026-11-20', 'qa_score', '', '', 'x', '', '', false, 1, '{now}')"
        ))  # fmt: skip
        run(sa.text(
            "INSERT INTO plan_run (id, start, \"end\", team_ids, parameters, status, result, "
            "created_at) VALUES (3, '2026-12-01', '2026-12-31', '1,2', "
            "'{\"pd_days_per_agent\": 3, \"min_gap_days\": 10}', 'optimal', '{}', "
            f"'{now}')"
        ))  # fmt: skip
        run(sa.text(
            "INSERT INTO pd_day (id, person_id, date, status, purpose, goal, plan_run_id, version, "
            f"updated_at) VALUES (1, 1, '2026-12-02', 'draft', '', '', 3, 1, '{now}'), "
            f"(2, 1, '2026-12-16', 'draft', 'learn', '', 3, 1, '{now}')"
        ))  # fmt: skip
    command.upgrade(config, "head")
    with engine.connect() as db:

        def rows(sql: str) -> list[tuple[object, ...]]:
            return [tuple(r) for r in db.execute(sa.text(sql))]

        assert rows(
            "SELECT note_id, evaluation_id FROM coaching_note_evaluation ORDER BY 1, 2"
        ) == [(1, 7), (1, 8)]
        assert rows("SELECT plan_run_id, team_id FROM plan_run_team ORDER BY 2") == [(3, 1), (3, 2)]
        assert rows("SELECT pd_days_per_agent, min_gap_days FROM plan_run") == [(3, 10)]
        assert rows("SELECT id, purpose FROM pd_day ORDER BY id") == [(1, None), (2, "learn")]
        assert rows("SELECT min_staffed FROM team ORDER BY id") == [(0,), (2,)]
    with Session(engine) as session:
        assert session.get(PdDay, 2).purpose == "learn"  # type: ignore[union-attr]
    command.check(config)  # and the schema is the models'
    command.downgrade(config, "0009")  # the way back keeps the lists
    with engine.connect() as db:
        assert (
            db.execute(sa.text("SELECT evaluation_ids FROM coaching_note WHERE id = 1")).scalar()
            == "7,8"
        )
        assert db.execute(sa.text("SELECT team_ids FROM plan_run")).scalar() == "1,2"
    engine.dispose()


def test_notification_kinds_are_one_enum() -> None:
    from core.notify.notifications import KINDS

    assert set(KINDS) == set(NotificationKind)


def test_every_enum_member_is_allowed_by_the_database(committed_url: str) -> None:
    """A new enum member needs a migration that widens its CHECK constraint; this names the
    column when one is missing."""
    from core.models.types import StrEnumType

    engine = make_engine(committed_url)
    try:
        inspector = sa.inspect(engine)
        missing = []
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, StrEnumType):
                    continue
                checks = {
                    c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)
                }
                text = checks.get(f"ck_{table.name}_{column.name}", "")
                missing += [
                    f"{table.name}.{column.name}={m.value}"
                    for m in column.type.enum
                    if f"'{m.value}'" not in text
                ]
        assert not missing, missing
    finally:
        engine.dispose()
