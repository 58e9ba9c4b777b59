"""Chat messages and outbound webhooks, received by a real local HTTP server on committed
databases: signatures checked with the test's own HMAC code, retries counted on a pinned clock,
each message sent once however many deliverers run, a broken webhook stopping neither e-mail nor
another team's channel, and nothing sent for a change rolled back."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from core.coaching.notes import NoteInput, write_note
from core.jobs import outbound_job
from core.models import (
    DeliveryState,
    Notification,
    NotificationKind,
    OutboundAttempt,
    OutboundDelivery,
    Person,
    Role,
    TargetKind,
    Team,
)
from core.notify import chat, connections, outbound, webhooks
from core.notify.mailer import send_pending
from core.notify.notifications import message_to, send
from core.platform.config import get_settings
from core.platform.db import make_engine
from tests.conftest import TODAY, actor_of, make_person, make_team
from tests.integration.test_jobs_and_mail import smtp_server  # noqa: F401 (a fixture)
from tests.receiver import Receiver, running_receiver

T0 = dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC)
NOTE = NoteInput(focus_metric="fcr", to_try="Offer a callback time", actions="Private words")


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("HEADWAY_WEBHOOKS_ALLOW_LOCAL", "1")
    monkeypatch.setenv("HEADWAY_BASE_URL", "https://headway.example.org")
    get_settings.cache_clear()
    with running_receiver() as server:
        yield server


@pytest.fixture
def engine(committed_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A committed database with two teams (Red, Blue), each with a lead and an agent, plus a
    manager and an admin; every outbound clock at T0."""
    for module in (chat, webhooks, outbound, connections):
        monkeypatch.setattr(module, "utcnow", lambda: T0)
    engine = make_engine(committed_url)
    with Session(engine) as session:
        red, blue = make_team(session, name="Red"), make_team(session, name="Blue")
        make_person(session, role=Role.TEAM_LEAD, team=red, leads=True, email="red.lead@x.org")
        make_person(session, role=Role.TEAM_LEAD, team=blue, leads=True, email="blue.lead@x.org")
        make_person(session, team=red, email="red.agent@x.org")
        make_person(session, team=blue, email="blue.agent@x.org")
        make_person(session, role=Role.MANAGER, email="manager@x.org")
        make_person(session, role=Role.ADMIN, email="admin@x.org")
        session.commit()
    yield engine
    engine.dispose()


def _person(session: Session, email: str) -> Person:
    return session.exec(select(Person).where(Person.email == email)).one()


def _team(session: Session, name: str) -> int:
    team = session.exec(select(Team).where(Team.name == name)).one()
    assert team.id is not None
    return team.id


def _register(engine: Engine, url: str, events: list[str]) -> connections.NewEndpoint:
    with Session(engine) as session:
        admin = actor_of(session, _person(session, "admin@x.org"))
        new = connections.register_endpoint(
            session, actor=admin, label="QA tool", url=url, events=events
        )
        session.commit()
    return new


def _write_note(engine: Engine) -> int:
    with Session(engine) as session:
        lead = actor_of(session, _person(session, "red.lead@x.org"))
        agent = _person(session, "red.agent@x.org")
        note = write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
        session.commit()
    return note


def _deliveries(engine: Engine) -> list[OutboundDelivery]:
    with Session(engine) as session:
        return list(session.exec(select(OutboundDelivery).order_by(OutboundDelivery.id)).all())


def _verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's side, written here from the documentation, not with Headway's code."""
    parts = dict(item.split("=", 1) for item in headers["Headway-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


# --- outbound webhooks -------------------------------------------------------------------------


def test_a_coaching_note_reaches_the_endpoint_signed_with_ids_and_no_private_words(
    engine: Engine, receiver: Receiver
) -> None:
    endpoint = _register(engine, receiver.url("/qa"), ["coaching_note.written"])
    note = _write_note(engine)
    assert outbound.deliver_due(engine, now=T0) == 1
    [got] = receiver.to("/qa")
    assert _verify(endpoint.secret, got.headers, got.body)
    assert not _verify("whsec_another", got.headers, got.body)
    assert got.headers["Headway-Signature"].startswith(f"t={int(T0.timestamp())},v1=")
    event = got.json()
    assert event["type"] == "coaching_note.written"
    assert got.headers["Headway-Event-Id"] == event["id"]
    assert event["occurred_at"] == T0.isoformat()
    assert event["data"]["note_id"] == note
    assert event["data"]["date"] == TODAY.isoformat()
    assert "Private words" not in got.body.decode()
    assert "callback" not in got.body.decode()
    [delivery] = _deliveries(engine)
    assert (delivery.state, delivery.attempts, delivery.sent_at) == (DeliveryState.SENT, 1, T0)


def test_an_endpoint_gets_only_the_events_it_asked_for(engine: Engine, receiver: Receiver) -> None:
    _register(engine, receiver.url("/pd"), ["pd_day.published"])
    _write_note(engine)
    assert outbound.deliver_due(engine, now=T0) == 0
    assert receiver.received == [] and _deliveries(engine) == []


def test_a_failing_endpoint_is_retried_with_backoff_until_it_answers(
    engine: Engine, receiver: Receiver
) -> None:
    receiver.script["/flaky"] = [500, 500]
    _register(engine, receiver.url("/flaky"), ["coaching_note.written"])
    _write_note(engine)
    assert outbound.deliver_due(engine, now=T0) == 0
    [first] = _deliveries(engine)
    assert (first.state, first.attempts, first.last_error) == (DeliveryState.PENDING, 1, "HTTP 500")
    assert first.next_try_at == T0 + dt.timedelta(minutes=1)
    # Not due yet half a minute later; due after one minute, then after two more.
    assert outbound.deliver_due(engine, now=T0 + dt.timedelta(seconds=30)) == 0
    assert len(receiver.to("/flaky")) == 1
    assert outbound.deliver_due(engine, now=T0 + dt.timedelta(minutes=1)) == 0
    [second] = _deliveries(engine)
    assert second.attempts == 2 and second.next_try_at == T0 + dt.timedelta(minutes=3)
    assert outbound.deliver_due(engine, now=T0 + dt.timedelta(minutes=2, seconds=59)) == 0
    assert outbound.deliver_due(engine, now=T0 + dt.timedelta(minutes=3)) == 1
    assert len(receiver.to("/flaky")) == 3
    assert len({r.json()["id"] for r in receiver.to("/flaky")}) == 1  # the same event each time
    [done] = _deliveries(engine)
    assert (done.state, done.attempts, done.last_error) == (DeliveryState.SENT, 3, "")
    with Session(engine) as session:
        attempts = session.exec(select(OutboundAttempt).order_by(OutboundAttempt.id)).all()
        assert [(a.ok, a.outcome) for a in attempts] == [
            (False, "HTTP 500"),
            (False, "HTTP 500"),
            (True, "HTTP 200"),
        ]


def test_an_endpoint_that_keeps_failing_is_given_up_after_the_last_attempt(
    engine: Engine, receiver: Receiver
) -> None:
    receiver.always["/down"] = 503
    _register(engine, receiver.url("/down"), ["coaching_note.written"])
    _write_note(engine)
    moment = T0
    for attempt in range(1, outbound.MAX_ATTEMPTS + 1):
        outbound.deliver_due(engine, now=moment)
        moment += outbound.backoff(attempt)
    outbound.deliver_due(engine, now=moment + dt.timedelta(days=1))
    assert len(receiver.to("/down")) == outbound.MAX_ATTEMPTS
    [delivery] = _deliveries(engine)
    assert delivery.state is DeliveryState.FAILED
    assert delivery.last_error == f"HTTP 503 (gave up after {outbound.MAX_ATTEMPTS} attempts)"


def test_running_the_job_twice_or_two_deliverers_at_once_sends_each_event_once(
    engine: Engine, receiver: Receiver
) -> None:
    _register(engine, receiver.url("/qa"), ["coaching_note.written"])
    for _ in range(3):
        _write_note(engine)
    barrier = threading.Barrier(2)
    other = make_engine(engine.url.render_as_string(False))
    sent = [0, 0]

    def deliver(index: int, on: Engine) -> None:
        barrier.wait()
        sent[index] = outbound.deliver_due(on, now=T0)

    threads = [threading.Thread(target=deliver, args=(i, e)) for i, e in enumerate((engine, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.dispose()
    assert outbound.deliver_due(engine, now=T0 + dt.timedelta(minutes=5)) == 0
    assert sum(sent) == 3
    assert len(receiver.to("/qa")) == 3
    assert len({r.json()["id"] for r in receiver.to("/qa")}) == 3


def test_a_delivery_whose_deliverer_died_after_its_claim_is_failed_not_sent_twice(
    engine: Engine, receiver: Receiver
) -> None:
    _register(engine, receiver.url("/qa"), ["coaching_note.written"])
    _write_note(engine)
    [delivery] = _deliveries(engine)
    assert outbound._claim(engine, delivery.id or 0, T0)  # claimed, then the process died
    assert outbound.deliver_due(engine, now=T0 + dt.timedelta(minutes=1)) == 0
    assert _deliveries(engine)[0].state is DeliveryState.SENDING  # not stuck yet
    assert (
        outbound.deliver_due(engine, now=T0 + outbound.STUCK_AFTER + dt.timedelta(seconds=1)) == 0
    )
    [stuck] = _deliveries(engine)
    assert (stuck.state, stuck.last_error) == (DeliveryState.FAILED, outbound.STUCK_REASON)
    assert receiver.received == []


def test_an_event_in_a_rolled_back_transaction_is_never_sent(
    engine: Engine, receiver: Receiver
) -> None:
    _register(engine, receiver.url("/qa"), ["coaching_note.written"])
    with Session(engine) as session:
        lead = actor_of(session, _person(session, "red.lead@x.org"))
        agent = _person(session, "red.agent@x.org")
        write_note(session, actor=lead, agent_id=agent.id, data=NOTE)
        assert session.exec(select(OutboundDelivery)).all()  # in the outbox, uncommitted
        session.rollback()
    assert outbound.deliver_due(engine, now=T0) == 0
    assert receiver.received == [] and _deliveries(engine) == []


def test_a_removed_endpoint_gets_nothing_more_and_its_secret_is_forgotten(
    engine: Engine, receiver: Receiver
) -> None:
    endpoint = _register(engine, receiver.url("/qa"), ["coaching_note.written"])
    _write_note(engine)
    with Session(engine) as session:
        admin = actor_of(session, _person(session, "admin@x.org"))
        said = connections.remove_connection(session, actor=admin, target_id=endpoint.id)
        session.commit()
        view = connections.connections_view(session, actor=admin)
    assert said == "Webhook — QA tool (127.0.0.1) is removed: nothing more is sent to it."
    assert outbound.deliver_due(engine, now=T0) == 0
    assert receiver.received == [] and view.endpoints == []
    [delivery] = view.deliveries
    assert delivery.state is DeliveryState.FAILED
    assert delivery.last_error == "not sent: its connection was removed"
    assert endpoint.secret not in repr(_deliveries(engine))


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver: Receiver) -> None:
    receiver.always["/moved"] = 302
    got = outbound.post_json(receiver.url("/moved"), b"{}")
    assert got == outbound.Outcome(False, "HTTP 302 (redirects are not followed)")
    assert receiver.to("/elsewhere") == []


def test_this_machine_is_refused_at_send_time_unless_allowed(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWAY_WEBHOOKS_ALLOW_LOCAL", "0")
    get_settings.cache_clear()
    got = outbound.post_json(receiver.url("/qa").replace("127.0.0.1", "localhost"), b"{}")
    assert not got.ok and "only to public addresses" in got.said
    assert receiver.received == []


def test_a_name_that_turns_private_between_the_check_and_the_connection_is_refused(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name looked public when checked, then led to this machine."""
    monkeypatch.setenv("HEADWAY_WEBHOOKS_ALLOW_LOCAL", "0")
    get_settings.cache_clear()
    monkeypatch.setattr(outbound, "_check_resolved", lambda url: None)
    got = outbound.post_json(receiver.url("/qa"), b"{}")
    assert not got.ok and "only to public addresses" in got.said
    assert receiver.received == []


# --- chat --------------------------------------------------------------------------------------


def _set_chat(engine: Engine, kind: TargetKind, team: str | None, url: str) -> None:
    with Session(engine) as session:
        admin = actor_of(session, _person(session, "admin@x.org"))
        team_id = _team(session, team) if team else None
        connections.set_chat_webhook(session, actor=admin, kind=kind, team_id=team_id, url=url)
        session.commit()


def _follow_ups(engine: Engine, *emails: str, title: str = "Follow up with Ada today") -> None:
    with Session(engine) as session:
        send(
            session,
            [
                message_to(
                    _person(session, email),
                    kind=NotificationKind.FOLLOW_UP_DUE,
                    subject="follow_up:1",
                    title=title,
                    body="What to try: offer a callback time",
                    link="coaching?agent=3",
                )
                for email in emails
            ],
        )
        session.commit()


def test_a_failing_slack_webhook_stops_neither_e_mail_nor_another_teams_channel(
    engine: Engine,
    receiver: Receiver,
    smtp_server: list,  # noqa: F811 (the fixture imported above)
) -> None:
    receiver.always["/red-slack"] = 500
    _set_chat(engine, TargetKind.SLACK, "Red", receiver.url("/red-slack"))
    _set_chat(engine, TargetKind.TEAMS, "Blue", receiver.url("/blue-teams"))
    _set_chat(engine, TargetKind.SLACK, None, receiver.url("/organisation"))
    _follow_ups(engine, "red.lead@x.org", "blue.lead@x.org", "manager@x.org")

    assert outbound.deliver_due(engine, now=T0) == 2
    assert send_pending(engine) == 3
    assert sorted(e.rcpt_tos[0] for e in smtp_server) == [
        "blue.lead@x.org",
        "manager@x.org",
        "red.lead@x.org",
    ]
    [card] = receiver.to("/blue-teams")
    blue_lead = card.json()["attachments"][0]["content"]
    assert blue_lead["type"] == "AdaptiveCard"
    assert blue_lead["body"][0]["inlines"][0]["text"].endswith("Follow up with Ada today")
    assert blue_lead["actions"][0]["url"] == "https://headway.example.org/coaching?agent=3"
    assert "callback" not in card.body.decode()  # the title and link only, never the body
    [manager] = receiver.to("/organisation")  # no team: the organisation's channel
    assert manager.json()["text"].endswith(
        "Open in Headway: https://headway.example.org/coaching?agent=3"
    )
    assert len(receiver.to("/red-slack")) == 1
    with Session(engine) as session:
        admin = actor_of(session, _person(session, "admin@x.org"))
        view = connections.connections_view(session, actor=admin)
    failing = [d for d in view.deliveries if d.state is DeliveryState.PENDING]
    assert [(d.target, d.attempts, d.last_error, d.next_try_at) for d in failing] == [
        (view.chats[0].name, 1, "HTTP 500", T0 + dt.timedelta(minutes=1))
    ]
    assert view.chats[0].where == "Team Red" and view.chats[0].host == "127.0.0.1"


def test_a_chat_message_is_sent_once_and_carries_peoples_text_as_text(
    engine: Engine, receiver: Receiver
) -> None:
    _set_chat(engine, TargetKind.SLACK, "Red", receiver.url("/red"))
    _follow_ups(engine, "red.lead@x.org", title="Ping <!channel> & <https://evil.test|you>")
    _follow_ups(engine, "red.lead@x.org", title="Ping <!channel> & <https://evil.test|you>")
    assert outbound.deliver_due(engine, now=T0) == 1
    assert outbound.deliver_due(engine, now=T0 + dt.timedelta(hours=1)) == 0
    [got] = receiver.to("/red")
    text = got.json()["text"]
    assert "<!channel>" not in text and "<https://evil.test" not in text
    assert "Ping &lt;!channel&gt; &amp; &lt;https://evil.test|you&gt;" in text
    assert got.json()["mrkdwn"] is False


def test_a_kind_the_webhook_does_not_carry_stays_out_of_the_channel(
    engine: Engine, receiver: Receiver
) -> None:
    _set_chat(engine, TargetKind.SLACK, None, receiver.url("/organisation"))
    with Session(engine) as session:
        send(
            session,
            [
                message_to(
                    _person(session, "red.agent@x.org"),
                    kind=NotificationKind.COACHING_NOTE,
                    subject="coaching_note:1",
                    title="A coaching note about you",
                )
            ],
        )
        session.commit()
        assert session.exec(select(Notification)).all()
    assert outbound.deliver_due(engine, now=T0) == 0 and receiver.received == []


def test_the_test_message_goes_at_once_and_says_how_it_was_answered(
    engine: Engine, receiver: Receiver
) -> None:
    receiver.script["/red"] = [404]
    _set_chat(engine, TargetKind.SLACK, "Red", receiver.url("/red"))
    with Session(engine) as session:
        admin = actor_of(session, _person(session, "admin@x.org"))
        [target] = connections.connections_view(session, actor=admin).chats
        first = connections.send_test_message(session, actor=admin, target_id=target.id)
        second = connections.send_test_message(session, actor=admin, target_id=target.id)
    assert first == connections.TestResult(
        False, "The test message did not go to Slack — Team Red (127.0.0.1): HTTP 404."
    )
    assert second.ok and second.sentence.endswith("HTTP 200.")
    assert "A test message from Headway" in receiver.to("/red")[1].json()["text"]


def test_the_outbound_job_survives_a_database_error_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(engine: Engine) -> int:
        raise OperationalError("UPDATE outbound_delivery", {}, Exception("database is locked"))

    monkeypatch.setattr("core.jobs.deliver_due", broken)
    with caplog.at_level(logging.ERROR, logger="headway.jobs"):
        assert outbound_job() is None
    assert "outbound: the database failed (OperationalError" in caplog.text
    assert "wait for the next run" in caplog.text
