"""Fair sampling from Headway: the team's lead or a manager draws from an uploaded interactions
file, or from the period's working days split by the channels the agents were evaluated on."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session

from core.models import Channel, Evaluation, Person, Scorecard, Team
from core.people.access import load_actor
from core.platform.errors import AccessDenied, InvalidInput
from core.quality.sampling import channel_text, draw_sample, sample_checklist, sample_csv, week_of

START, END = dt.date(2026, 10, 5), dt.date(2026, 10, 30)  # four working weeks


def _csv(agents: list[Person]) -> bytes:
    lines = ["agent_email,reference,date,channel"]
    for a in agents:
        for day in range(26):
            date = START + dt.timedelta(days=day)
            if date.weekday() < 5:
                channel = "chat" if day % 2 else "phone"
                lines.append(f"{a.email},R-{a.id}-{day},{date},{channel}")
    lines.append(f"stranger@example.com,R-x,{START},phone")
    return ("\n".join(lines) + "\n").encode()


def test_a_lead_draws_an_equal_stratified_spread_sample_from_a_file(
    session: Session, org: dict[str, Person | Team]
) -> None:
    lead = load_actor(session, org["red_lead"].id or 0)
    agents = [org["red_agent"], org["red_agent2"]]
    assert isinstance(org["red"], Team) and all(isinstance(a, Person) for a in agents)
    sample = draw_sample(
        session,
        actor=lead,
        team_id=org["red"].id or 0,
        start=START,
        end=END,
        per_agent=4,
        seed=7,
        interactions_csv=_csv(agents),  # type: ignore[arg-type]
    )
    assert sample.from_file and sample.stratified and sample.left_out == 1
    for agent in agents:
        mine = [r for r in sample.rows if r.agent_id == agent.id]
        assert len(mine) == 4
        assert sorted(r.channel for r in mine) == ["chat", "chat", "phone", "phone"]
        assert len({week_of(r.date) for r in mine}) == 4
    again = draw_sample(
        session,
        actor=lead,
        team_id=org["red"].id or 0,
        start=START,
        end=END,
        per_agent=4,
        seed=7,
        interactions_csv=_csv(agents),  # type: ignore[arg-type]
    )
    assert again.rows == sample.rows
    csv = sample_csv(sample).decode("utf-8-sig").splitlines()
    assert csv[0] == "agent,agent_email,reference,date,week of,channel" and len(csv) == 9
    assert "draw number 7 " in sample_checklist(sample)


def test_without_a_file_the_draw_is_working_days_split_by_evaluated_channels(
    session: Session, org: dict[str, Person | Team]
) -> None:
    manager = load_actor(session, org["manager"].id or 0)
    card = Scorecard(family="F", definition="{}")
    session.add(card)
    session.flush()
    agent = org["red_agent"]
    for channel in (Channel.PHONE, Channel.PHONE, Channel.PHONE, Channel.CHAT):
        session.add(
            Evaluation(
                agent_id=agent.id or 0,
                evaluator_id=org["red_lead"].id or 0,
                scorecard_id=card.id or 0,
                channel=channel,
                date=START,
                answers=json.dumps([]),
                score=80,
            )
        )
    session.flush()
    sample = draw_sample(
        session,
        actor=manager,
        team_id=org["red"].id or 0,
        start=START,
        end=END,
        per_agent=8,
        seed=1,
    )
    mine = [r for r in sample.rows if r.agent_id == agent.id]
    assert sorted(r.channel for r in mine).count("phone") == 6 and len(mine) == 8
    assert all(r.reference == "" and r.date.weekday() < 5 for r in sample.rows)
    other = [r for r in sample.rows if r.agent_id == org["red_agent2"].id]
    assert len(other) == 8 and {r.channel for r in other} == {""}
    assert sample.any_channel == [org["red_agent2"].name]  # never evaluated: said so
    assert {channel_text(r.channel) for r in other} == {"any channel"}
    assert "(any channel)" in sample_checklist(sample)


def test_an_agent_evaluated_on_one_channel_is_drawn_on_that_channel(
    session: Session, org: dict[str, Person | Team]
) -> None:
    """One channel is still a channel: the draw says "phone", not an empty column."""
    card = Scorecard(family="F", definition="{}")
    session.add(card)
    session.flush()
    agent = org["red_agent"]
    session.add(
        Evaluation(
            agent_id=agent.id or 0,
            evaluator_id=org["red_lead"].id or 0,
            scorecard_id=card.id or 0,
            channel=Channel.PHONE,
            date=START,
            answers=json.dumps([]),
            score=80,
        )
    )
    session.flush()
    sample = draw_sample(
        session,
        actor=load_actor(session, org["red_lead"].id or 0),
        team_id=org["red"].id or 0,
        start=START,
        end=END,
        per_agent=4,
        seed=3,
    )
    mine = [r for r in sample.rows if r.agent_id == agent.id]
    assert [r.channel for r in mine] == ["phone"] * 4
    assert agent.name not in sample.any_channel
    assert not sample.stratified  # nothing to split: one channel each (or none)


def test_refusals_name_what_to_change(session: Session, org: dict[str, Person | Team]) -> None:
    other_lead = load_actor(session, org["blue_lead"].id or 0)
    lead = load_actor(session, org["red_lead"].id or 0)
    red = org["red"].id or 0
    with pytest.raises(AccessDenied):
        draw_sample(
            session, actor=other_lead, team_id=red, start=START, end=END, per_agent=2, seed=1
        )
    with pytest.raises(AccessDenied):
        draw_sample(
            session,
            actor=load_actor(session, org["admin"].id or 0),
            team_id=red,
            start=START,
            end=END,
            per_agent=2,
            seed=1,
        )
    with pytest.raises(InvalidInput, match="swap the dates"):
        draw_sample(session, actor=lead, team_id=red, start=END, end=START, per_agent=2, seed=1)
    with pytest.raises(InvalidInput, match="line 2: bad date"):
        draw_sample(
            session,
            actor=lead,
            team_id=red,
            start=START,
            end=END,
            per_agent=2,
            seed=1,
            interactions_csv=b"agent_email,reference,date\nx@example.com,R1,2026-13-01\n",
        )
    with pytest.raises(InvalidInput, match="missing required column"):
        draw_sample(
            session,
            actor=lead,
            team_id=red,
            start=START,
            end=END,
            per_agent=2,
            seed=1,
            interactions_csv=b"email,reference,date\n",
        )
