"""The demo seed and the command line around it."""

import datetime as dt
import json

import pytest
from sqlmodel import Session, func, select

from core.cli import main
from core.models import (
    Dispute,
    DisputeEvent,
    DisputeStatus,
    DisputeStep,
    Evaluation,
    Observation,
    Person,
    Role,
    Scorecard,
    Team,
)
from core.people.access import load_actor
from core.people.auth import authenticate
from core.quality.dispute_reads import disputes_to_review
from core.quality.evaluations import parse_definition, score_answers
from seed.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from tests.conftest import TODAY


def test_the_seed_creates_the_five_demo_logins_with_history_ending_today(session: Session) -> None:
    summary = seed_demo(session, agents=30, years=1, random_seed=3, today=TODAY)
    assert summary.agents == 30 and summary.teams == 2
    for email, role, _ in DEMO_LOGINS:
        login = authenticate(session, email=email, password=DEMO_PASSWORD)
        assert login.actor.role is role
    lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
    agent = session.exec(select(Person).where(Person.email == "agent@example.com")).one()
    agent2 = session.exec(select(Person).where(Person.email == "agent2@example.com")).one()
    assert session.exec(select(Team.lead_id).where(Team.id == agent.team_id)).one() == lead.id
    assert agent2.team_id != agent.team_id
    last = session.exec(select(func.max(Observation.date))).one()
    first = session.exec(select(func.min(Observation.date))).one()
    assert last == TODAY and (TODAY - first).days >= 360
    refs = session.exec(select(Observation.reference).limit(50)).all()
    assert all(r.startswith("seed-") for r in refs)
    metrics = set(session.exec(select(Observation.metric).distinct()).all())
    assert metrics == {"qa_score", "csat", "fcr", "repeat_contact_rate", "aht_seconds", "ces"}
    no_password = session.exec(
        select(func.count()).select_from(Person).where(Person.password_hash.is_not(None))  # type: ignore[union-attr]
    ).one()
    assert no_password == 5
    assert (
        session.exec(
            select(func.count()).select_from(Person).where(Person.role == Role.TEAM_LEAD)
        ).one()
        == 2
    )


def test_the_seed_is_deterministic_for_a_seed_and_a_day(tmp_path) -> None:
    def names(url: str) -> list[tuple[str, str]]:
        from core.platform.db import make_engine

        other = make_engine(url)
        with Session(other) as s:
            return [(p.name, p.email) for p in s.exec(select(Person).order_by(Person.id)).all()]

    urls = [f"sqlite:///{tmp_path}/a.db", f"sqlite:///{tmp_path}/b.db"]
    for url in urls:
        assert (
            main(
                [
                    "seed",
                    "--database",
                    url,
                    "--agents",
                    "20",
                    "--years",
                    "1",
                    "--today",
                    "2026-01-05",
                    "--random-seed",
                    "9",
                ]
            )
            == 0
        )
    assert names(urls[0]) == names(urls[1])


def test_seeding_twice_is_refused_unless_asked_to_skip(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    assert main(["seed", "--database", url, "--agents", "10", "--years", "1"]) == 0
    assert main(["seed", "--database", url, "--agents", "10", "--years", "1"]) == 1
    assert "already has people" in capsys.readouterr().err
    assert main(["seed", "--database", url, "--if-empty"]) == 0
    assert "agent2@example.com" in capsys.readouterr().out


def test_an_unreachable_database_gets_one_clear_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["migrate", "--database", "postgresql+psycopg://someone:secret@127.0.0.1:1/nowhere"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(
        "error: Cannot reach the database at postgresql+psycopg://someone:***@127.0.0.1:1/nowhere"
    )
    assert "secret" not in err


def test_a_malformed_database_url_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--database", "not a url"]) == 1
    assert "is not a database URL" in capsys.readouterr().err


def test_history_dates_are_dates(session: Session) -> None:
    seed_demo(session, agents=4, years=1, random_seed=1, today=TODAY)
    day = session.exec(select(Observation.date).limit(1)).one()
    assert isinstance(day, dt.date)


def test_the_demos_coaching_and_evaluations_fall_on_working_days(session: Session) -> None:
    """The calendar says Monday to Friday: no demo note, check-in or QA score on a weekend."""
    from core.models import CoachingNote, FollowUp

    seed_demo(session, agents=30, years=1, random_seed=3, today=TODAY)
    days = [
        *session.exec(select(CoachingNote.date)).all(),
        *(d for d in session.exec(select(CoachingNote.follow_up_date)).all() if d is not None),
        *session.exec(select(FollowUp.date)).all(),
        *session.exec(select(Observation.date).where(Observation.metric == "qa_score")).all(),
    ]
    assert days and [d for d in days if d.weekday() >= 5] == []


def test_no_two_people_of_the_demo_organisation_share_a_name(session: Session) -> None:
    # Faker's en_GB, en_US and en_PH share names: seed 7 used to give one team two "Jordan
    # Johnson"s and two "Benjamin Davis"es.
    seed_demo(session, agents=120, years=1, random_seed=7, today=TODAY)
    names = session.exec(select(Person.name)).all()
    assert len(names) == len(set(names)) > 120


def test_the_demo_has_two_open_disputes_one_overdue_and_one_for_the_demo_lead_to_decide(
    session: Session,
) -> None:
    seed_demo(session, agents=30, years=1, random_seed=3, today=TODAY)
    lead = load_actor(
        session, session.exec(select(Person.id).where(Person.email == "lead@example.com")).one()
    )
    manager = load_actor(
        session, session.exec(select(Person.id).where(Person.email == "manager@example.com")).one()
    )
    disputes = session.exec(select(Dispute)).all()
    open_ones = [d for d in disputes if d.status is DisputeStatus.OPEN]
    assert len(open_ones) == 2
    assert sum(d.due_date < TODAY for d in open_ones) == 1
    # The demo lead owns one and may decide it: someone else scored it.
    [for_lead] = [d for d in open_ones if d.owner_id == lead.id]
    assert for_lead.evaluator_id != lead.id
    assert [d.id for d in disputes_to_review(session, actor=lead)][:1] == [for_lead.id]
    # The demo manager owns the other (the lead scored it) and sees both.
    assert {d.owner_id for d in open_ones} == {lead.id, manager.id}
    assert {d.id for d in disputes_to_review(session, actor=manager)} == {d.id for d in open_ones}
    # The adjusted one: its reviewer answered a question again; the scorecard scored it.
    [adjusted] = [d for d in disputes if d.status is DisputeStatus.ADJUSTED]
    evaluation = session.get(Evaluation, adjusted.evaluation_id)
    card = session.get(Scorecard, evaluation.scorecard_id) if evaluation else None
    assert evaluation is not None and card is not None
    sections = parse_definition(json.loads(card.definition))
    assert evaluation.score == adjusted.new_score
    assert score_answers(sections, json.loads(evaluation.answers)).score == adjusted.new_score
    step = session.exec(
        select(DisputeEvent).where(
            DisputeEvent.dispute_id == adjusted.id, DisputeEvent.step == DisputeStep.ADJUSTED
        )
    ).one()
    [change] = json.loads(step.answer_changes)
    assert (change["old"], change["new"]) == ("no", "na")
