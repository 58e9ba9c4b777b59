"""The events each change queues for the endpoints that want them, in the change's own
transaction: a dispute decided, PD days published and withdrawn; and an erased person's chat
messages go with their notifications."""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session, select

from core.models import (
    NotificationKind,
    OutboundDelivery,
    PdDay,
    PdStatus,
    TargetKind,
)
from core.notify import connections
from core.notify.notifications import notify
from core.pd.days import unpublish
from core.pd.planning import PlanSettings, publish
from core.people.personal_data import erase_person
from core.quality.disputes import Decision
from tests.conftest import actor_of
from tests.integration.test_disputes import _evaluate_and_decide

ALL_EVENTS = ["coaching_note.written", "dispute.decided", "pd_day.published", "pd_day.changed"]
URL = "https://receiver.example.invalid/hook"


def _endpoint(session: Session, org: dict, events: list[str] = ALL_EVENTS) -> int:
    admin = actor_of(session, org["admin"])
    return connections.register_endpoint(
        session, actor=admin, label="BI", url=URL, events=events
    ).id


def _events(session: Session) -> list[dict]:
    rows = session.exec(select(OutboundDelivery).order_by(OutboundDelivery.id)).all()
    return [json.loads(r.body) for r in rows if r.event_id]


def test_a_decided_dispute_is_an_event_with_the_decision_and_scores_and_no_reason(
    session: Session, org: dict
) -> None:
    _endpoint(session, org)
    upheld, adjusted = _evaluate_and_decide(session, org, Decision.UPHOLD, Decision.ADJUST)
    events = [e for e in _events(session) if e["type"] == "dispute.decided"]
    assert [(e["data"]["evaluation_id"], e["data"]["decision"]) for e in events] == [
        (upheld, "upheld"),
        (adjusted, "adjusted"),
    ]
    first, second = (e["data"] for e in events)
    assert first["new_score"] is None and second["new_score"] is not None
    assert first["agent_id"] == org["red_agent"].id
    assert first["decided_by_id"] == org["manager"].id
    assert "Looked again" not in json.dumps(events)  # the reason stays in Headway


def test_published_and_withdrawn_pd_days_are_events_for_the_endpoint_that_wants_them(
    session: Session, org: dict
) -> None:
    _endpoint(session, org, ["pd_day.published", "pd_day.changed"])
    agent = org["red_agent"]
    day = dt.date(2027, 1, 6)
    draft = PdDay(person_id=agent.id, date=day, status=PdStatus.DRAFT)
    session.add(draft)
    session.flush()
    lead = actor_of(session, org["red_lead"])
    settings = PlanSettings(day, day, (org["red"].id,))
    assert publish(session, actor=lead, settings=settings) == 1
    unpublish(session, actor=lead, pd_day_id=draft.id or 0)
    published, changed = _events(session)
    assert published["type"] == "pd_day.published"
    assert published["data"] == {
        "pd_day_id": draft.id,
        "person_id": agent.id,
        "date": "2027-01-06",
        "version": 2,  # a new day starts at 1; publishing raises it
    }
    assert changed["type"] == "pd_day.changed"
    assert changed["data"]["change"] == "unpublished"
    assert changed["data"]["old_date"] == changed["data"]["date"] == "2027-01-06"
    assert published["id"] != changed["id"]


def test_no_endpoint_no_event_is_stored(session: Session, org: dict) -> None:
    _evaluate_and_decide(session, org, Decision.UPHOLD)
    assert session.exec(select(OutboundDelivery)).all() == []


def test_an_erased_persons_chat_messages_go_with_their_notifications(
    session: Session, org: dict
) -> None:
    admin = actor_of(session, org["admin"])
    connections.set_chat_webhook(
        session, actor=admin, kind=TargetKind.SLACK, team_id=org["red"].id, url=URL
    )
    agent = org["red_agent"]
    assert notify(
        session,
        person_id=agent.id,
        kind=NotificationKind.PD_DAY_TOMORROW,
        subject="pd_day:1",
        title="Your PD day is tomorrow",
    )
    assert len(session.exec(select(OutboundDelivery)).all()) == 1
    erase_person(session, actor=admin, person_id=agent.id, confirm_name=agent.name)
    session.flush()
    assert session.exec(select(OutboundDelivery)).all() == []
