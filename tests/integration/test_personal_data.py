"""Personal-data rights: the export of everything about a person, erasure by anonymisation, and
the retention of coaching notes and evaluations (the daily job included)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.coaching.conversation import add_comment, propose_agreement
from core.coaching.notes import NoteInput, add_follow_up, add_private_remark, edit_note, write_note
from core.jobs import retention_job
from core.models import (
    AuditAction,
    AuditEvent,
    AuthSession,
    CoachingNote,
    CoachingNoteVersion,
    Evaluation,
    FollowUp,
    LearningShare,
    Leave,
    MindAnswer,
    MindCheck,
    Notification,
    NotificationKind,
    Observation,
    Person,
    Pledge,
    PledgeStatus,
    PrivateRemark,
    Role,
)
from core.models.conversation import CommentOn
from core.people import audit
from core.people.access import Actor, load_actor
from core.people.auth import open_session, resume_session
from core.people.data_export import export_person
from core.people.personal_data import erase_person
from core.people.retention import apply_retention, months_before
from core.platform import data_version
from core.platform.config import SettingsError, get_settings
from core.platform.db import make_engine, session_scope
from core.platform.errors import AccessDenied, InvalidInput
from core.quality.disputes import open_dispute
from core.quality.evaluations import DEFAULT_FORM, record_evaluation, save_scorecard
from tests.conftest import TODAY, actor_of, make_person, make_team

NOTE = NoteInput(focus_metric="fcr", to_try="Ask what else is open", actions="Five calls")


def _history(session: Session, org: dict, *, day: dt.date = TODAY) -> dict[str, int]:
    """A note (edited, with a check-in and a private remark) and an evaluation about the red
    agent; a learning share, a pledge with a mind check and sick leave of their own."""
    agent, lead = org["red_agent"], actor_of(session, org["red_lead"])
    note_id = write_note(session, actor=lead, agent_id=agent.id, data=NOTE, date=day)
    edit_note(session, actor=lead, note_id=note_id, data=NOTE, expected_version=1)
    add_follow_up(
        session, actor=lead, note_id=note_id, outcome="Much better", next_date=TODAY, date=day
    )
    add_private_remark(session, actor=lead, note_id=note_id, text="Money worries at home")
    manager = actor_of(session, org["manager"])  # scorecards are the managers'
    card = save_scorecard(session, actor=manager, family="Voice", definition=DEFAULT_FORM)
    evaluation = record_evaluation(
        session,
        actor=lead,
        agent_id=agent.id,
        scorecard_id=card.id,
        answers=[["yes", 4], [4, "yes"], ["yes", "yes"]],
        date=day,
        comments="Lovely empathy on the refund call",
    )
    share = LearningShare(author_id=agent.id, title="Refund tricks", learned="Say sorry first")
    pledge = Pledge(
        agent_id=agent.id,
        mentor_id=org["red_lead"].id,
        commitments=json.dumps(["Breathe before answering"]),
        start_date=TODAY,
        status=PledgeStatus.ACTIVE,
    )
    session.add_all([share, pledge])
    session.flush()
    session.add_all(
        [
            MindCheck(
                pledge_id=pledge.id,
                agent_id=agent.id,
                date=TODAY,
                answer=MindAnswer.SLIPPED,
                note="Bad night's sleep",
            ),
            Leave(person_id=agent.id, start=TODAY, end=TODAY, kind="sick"),
        ]
    )
    session.flush()
    return {"note": note_id, "evaluation": evaluation.id, "share": share.id or 0}


# ------------------------------------------------------------------------------ export


def test_an_admin_exports_everything_about_a_person_including_remarks_about_them(
    session: Session, org: dict
) -> None:
    ids = _history(session, org)
    agent, admin = org["red_agent"], actor_of(session, org["admin"])
    me = actor_of(session, agent)
    add_comment(
        session,
        actor=me,
        record_type=CommentOn.COACHING_NOTE,
        record_id=ids["note"],
        text="It helped",
    )
    open_dispute(session, actor=me, evaluation_id=ids["evaluation"], reason="The line dropped")
    data = export_person(session, actor=admin, person_id=agent.id)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"README.txt", "profile.json", "coaching_notes_about.json", "audit_events.csv"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["person"]["email"] == agent.email
    assert "password_hash" not in profile["person"]
    [note] = json.loads(archive.read("coaching_notes_about.json"))
    assert note["id"] == ids["note"] and note["to_try"] == "Ask what else is open"
    assert [r["text"] for r in note["private_remarks"]] == ["Money worries at home"]
    assert [c["outcome"] for c in note["check_ins"]] == ["Much better"]
    assert note["earlier_versions"][0]["snapshot"]["actions"] == "Five calls"
    [evaluation] = json.loads(archive.read("evaluations_about.json"))
    assert evaluation["comments"] == "Lovely empathy on the refund call"
    assert evaluation["scorecard"] == "Voice" and evaluation["answers"][0] == ["yes", 4]
    assert evaluation["evaluator"] == org["red_lead"].name and note["coach"] == org["red_lead"].name
    pledges = json.loads(archive.read("pledges.json"))
    assert pledges["pledges"][0]["commitments"] == ["Breathe before answering"]
    assert pledges["mind_checks"][0]["note"] == "Bad night's sleep"
    assert json.loads(archive.read("learning.json"))["shares"][0]["title"] == "Refund tricks"
    assert json.loads(archive.read("pd_days.json"))["leave"][0]["kind"] == "sick"
    assert "qa_score" in archive.read("observations.csv").decode("utf-8-sig")
    assert "create" in archive.read("audit_events.csv").decode("utf-8-sig")
    talk = json.loads(archive.read("conversations_and_disputes.json"))
    assert [c["text"] for c in talk["comments_written"]] == ["It helped"]
    [dispute] = talk["disputes"]
    assert dispute["reason"] == "The line dropped" and dispute["history"]
    assert json.loads(archive.read("calibration.json")) == {"invitations": [], "scores_given": []}
    # The lead's export holds what they wrote about others, the others by id only.
    lead_archive = zipfile.ZipFile(
        io.BytesIO(export_person(session, actor=admin, person_id=org["red_lead"].id))
    )
    by = json.loads(lead_archive.read("coaching_notes_by.json"))
    assert by["notes"][0]["agent_id"] == agent.id
    assert by["private_remarks"][0]["text"] == "Money worries at home"
    session.flush()
    exported = audit.search(session, actor=admin, action=AuditAction.PERSONAL_DATA_EXPORTED)
    assert [(r.actor, r.subject) for r in exported] == [
        (admin.name, org["red_lead"].name),
        (admin.name, agent.name),
    ]


def test_only_an_admin_exports_a_persons_data(session: Session, org: dict) -> None:
    for who in ("manager", "red_lead", "red_agent"):
        with pytest.raises(AccessDenied):
            export_person(session, actor=actor_of(session, org[who]), person_id=org["red_agent"].id)


# ------------------------------------------------------------------------------ erasure


def test_erasing_an_agent_anonymises_them_and_keeps_the_teams_figures(
    session: Session, org: dict
) -> None:
    ids = _history(session, org)
    agent, admin = org["red_agent"], actor_of(session, org["admin"])
    name = agent.name
    token = open_session(session, person_id=agent.id)
    session.add(
        Notification(
            person_id=org["red_lead"].id,
            recipient_email=org["red_lead"].email,
            kind=NotificationKind.MENTOR_NUDGE,
            subject="pledge:1",
            due_date=TODAY,
            title=f"{name} slipped today",
            body=f"Check in with {name}.",
        )
    )
    session.flush()
    observations_before = len(session.exec(select(Observation)).all())

    result = erase_person(session, actor=admin, person_id=agent.id, confirm_name=f" {name} ")
    session.flush()
    session.expire_all()

    person = session.get(Person, agent.id)
    assert person is not None
    assert person.name == f"Former agent #{agent.id}" == result.name
    assert person.email == f"former-{agent.id}@erased.invalid"
    assert not person.active and person.password_hash is None and person.hire_date is None
    assert person.team_id == org["red"].id  # still counted in the team's trends
    assert resume_session(session, token=token) is None
    assert result.sessions_revoked == 1
    assert all(s.revoked_at for s in session.exec(select(AuthSession)).all())
    # Their own words are gone.
    share = session.get(LearningShare, ids["share"])
    assert share is not None and share.title == "(removed)" and share.learned == ""
    assert share.hidden_reason  # out of every feed
    [pledge] = session.exec(select(Pledge)).all()
    assert json.loads(pledge.commitments) == ["(removed)"]
    assert pledge.status == PledgeStatus.RETIRED
    assert session.exec(select(MindCheck.note)).all() == [""]
    assert session.exec(select(Leave)).all() == []
    assert session.exec(select(Notification).where(Notification.person_id == agent.id)).all() == []
    # About them: kept for the aggregates, without the texts.
    note = session.get(CoachingNote, ids["note"])
    assert note is not None
    assert (note.date, note.focus_metric, note.coach_id) == (TODAY, "fcr", org["red_lead"].id)
    assert (note.to_try, note.actions, note.went_well) == ("", "", "")
    assert session.exec(select(PrivateRemark)).all() == []
    assert session.exec(select(CoachingNoteVersion)).all() == []
    assert session.exec(select(FollowUp.outcome)).all() == [""]
    evaluation = session.get(Evaluation, ids["evaluation"])
    assert evaluation is not None and evaluation.comments == "" and evaluation.score > 0
    assert len(session.exec(select(Observation)).all()) == observations_before
    # Others' inbox messages name the anonymous person.
    [nudge] = session.exec(
        select(Notification).where(Notification.person_id == org["red_lead"].id)
    ).all()
    assert (nudge.title, nudge.body) == (
        f"Former agent #{agent.id} slipped today",
        f"Check in with Former agent #{agent.id}.",
    )
    [erased] = audit.search(session, actor=admin, action=AuditAction.PERSON_ERASED)
    assert erased.subject == f"Former agent #{agent.id}" and "1 sessions ended" in erased.detail
    assert name not in erased.detail


@pytest.mark.parametrize(
    "who,confirm,refusal",
    [
        ("red_lead", None, "still leads Red: choose another lead for the team first"),
        ("red_agent", "Somebody Else", "exactly as shown to confirm"),
        ("red_agent", "LOWER", "exactly as shown to confirm"),  # the name in other letter case
    ],
)
def test_an_erasure_is_refused_with_the_reason(
    session: Session, org: dict, who: str, confirm: str | None, refusal: str
) -> None:
    person = org[who]
    with pytest.raises(InvalidInput, match=refusal):
        erase_person(
            session,
            actor=actor_of(session, org["admin"]),
            person_id=person.id,
            confirm_name={None: person.name, "LOWER": person.name.lower()}.get(confirm, confirm),
        )
    assert session.get(Person, person.id).active  # type: ignore[union-attr]


def test_the_only_admin_cannot_be_erased_and_only_admins_erase(session: Session, org: dict) -> None:
    admin = org["admin"]
    with pytest.raises(InvalidInput, match="is the only admin: make someone else an admin first"):
        erase_person(
            session, actor=actor_of(session, admin), person_id=admin.id, confirm_name=admin.name
        )
    with pytest.raises(AccessDenied):
        erase_person(
            session,
            actor=actor_of(session, org["manager"]),
            person_id=org["red_agent"].id,
            confirm_name=org["red_agent"].name,
        )
    # With a second admin, the first one can be erased (by the other, never by themself).
    second = actor_of(session, make_person(session, role=Role.ADMIN))
    erase_person(session, actor=second, person_id=admin.id, confirm_name=admin.name)
    assert session.get(Person, admin.id).name == f"Former admin #{admin.id}"  # type: ignore[union-attr]


# ------------------------------------------------------------------------------ retention


def test_months_before_keeps_the_day_or_the_months_last_day() -> None:
    assert months_before(dt.date(2026, 11, 23), 24) == dt.date(2024, 11, 23)
    assert months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


def test_retention_removes_old_notes_and_evaluations_and_keeps_the_scores(
    session: Session, org: dict
) -> None:
    old_day = TODAY - dt.timedelta(days=800)
    old = _history(session, org, day=old_day)
    recent = write_note(
        session, actor=actor_of(session, org["red_lead"]), agent_id=org["red_agent"].id, data=NOTE
    )
    session.flush()
    stamp = data_version.current(session)
    result = apply_retention(session, months=24, day=TODAY)
    session.flush()
    assert data_version.current(session) > stamp  # cached team figures are read afresh
    assert (result.notes, result.evaluations) == (1, 1)
    assert session.exec(select(CoachingNote.id)).all() == [recent]
    assert session.get(Evaluation, old["evaluation"]) is None
    for child in (FollowUp, PrivateRemark, CoachingNoteVersion):
        assert session.exec(select(child)).all() == []
    assert (
        session.exec(
            select(Notification).where(Notification.subject == f"coaching_note:{old['note']}")
        ).all()
        == []
    )
    qa = session.exec(select(Observation).where(Observation.metric == "qa_score")).all()
    assert [o.date for o in qa] == [old_day]  # the score stays on the trend
    [event] = audit.search(
        session, actor=actor_of(session, org["admin"]), action=AuditAction.RETENTION_APPLIED
    )
    assert event.actor == "system"
    assert event.detail == (
        "retention 24 months: 1 coaching note and 1 evaluation dated before 2024-11-23 removed"
    )


def test_the_retention_job_applies_the_setting_and_survives_a_database_error(
    committed_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HEADWAY_RETENTION_MONTHS", "6")
    get_settings.cache_clear()
    caplog.set_level(logging.INFO, logger="headway.jobs")
    result = retention_job()
    assert result is not None and result.cutoff == months_before(TODAY, 6)
    assert "retention 6 months: 0 coaching notes and 0 evaluations" in caplog.text
    engine = make_engine(committed_url)
    with session_scope(engine) as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.RETENTION_APPLIED)
        ).all()
        assert event.actor_id is None and event.detail.startswith("retention 6 months")
    engine.dispose()

    caplog.clear()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'not-migrated.db'}")
    get_settings.cache_clear()
    assert retention_job() is None  # no exception reaches the scheduler
    assert "retention: the database failed" in caplog.text
    assert "nothing was removed, the job runs again tomorrow" in caplog.text


@pytest.mark.parametrize("value", ["0", "two", "-3", "12.5"])
def test_a_bad_retention_setting_names_the_variable(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWAY_RETENTION_MONTHS", value)
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="HEADWAY_RETENTION_MONTHS"):
        get_settings()


def test_an_erasure_takes_the_agents_words_out_of_their_coaches_inboxes(
    session: Session, org: dict
) -> None:
    agent, lead = actor_of(session, org["red_agent"]), actor_of(session, org["red_lead"])
    note = write_note(session, actor=lead, agent_id=agent.id, data=NOTE, date=TODAY)
    add_comment(
        session,
        actor=agent,
        record_type=CommentOn.COACHING_NOTE,
        record_id=note,
        text="My divorce is why my calls ran long",
    )
    propose_agreement(session, actor=agent, note_id=note, text="Shorter calls while I recover")
    other = write_note(session, actor=lead, agent_id=org["red_agent2"].id, data=NOTE, date=TODAY)
    add_comment(
        session,
        actor=actor_of(session, org["red_agent2"]),
        record_type=CommentOn.COACHING_NOTE,
        record_id=other,
        text="Someone else's words stay",
    )
    name = org["red_agent"].name

    erase_person(
        session, actor=actor_of(session, org["admin"]), person_id=agent.id, confirm_name=name
    )
    session.flush()
    session.expire_all()

    inbox = session.exec(
        select(Notification)
        .where(Notification.person_id == org["red_lead"].id)
        .order_by(Notification.id)  # type: ignore[arg-type]
    ).all()
    bodies = [n.body for n in inbox]
    assert bodies == ["(removed)", "(removed)", "Someone else's words stay"]
    assert not any(
        words in n.title + n.body for n in inbox for words in ("divorce", "recover", name)
    )


def test_an_erased_shares_and_comments_words_leave_the_sqlite_file(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """Scanned in the file's bytes: the full-text index's shadow tables merge the old words
    away, and secure_delete zeroes the space they leave."""
    path = tmp_path / "erased.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    secret_words = (b"zanzibarquokka", b"marmaladeplatypus")
    with session_scope(engine) as session:
        team = make_team(session, name="Red")
        lead = make_person(session, role=Role.TEAM_LEAD, team=team, leads=True)
        agent = make_person(session, team=team)
        admin = make_person(session, role=Role.ADMIN)
        ids = {"agent": agent.id, "lead": lead.id, "admin": admin.id, "name": agent.name}
        for i in range(3):  # several segments in the index, as a living database has
            session.add(
                LearningShare(
                    author_id=agent.id,
                    title=f"Refunds zanzibarquokka {i}",
                    learned="Say sorry first zanzibarquokka",
                )
            )
            session.flush()
    with session_scope(engine) as session:
        note = write_note(
            session, actor=actor_of_id(session, ids["lead"]), agent_id=ids["agent"], data=NOTE
        )
        add_comment(
            session,
            actor=actor_of_id(session, ids["agent"]),
            record_type=CommentOn.COACHING_NOTE,
            record_id=note,
            text="marmaladeplatypus is my worry",
        )

    def in_file() -> set[bytes]:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        found = set()
        for part in path.parent.glob(path.name + "*"):
            data = part.read_bytes()
            found |= {w for w in secret_words if w in data}
        return found

    assert in_file() == set(secret_words)  # the test can see them while they are there
    with session_scope(engine) as session:
        erase_person(
            session,
            actor=actor_of_id(session, ids["admin"]),
            person_id=ids["agent"],
            confirm_name=ids["name"],
        )
    assert in_file() == set()
    engine.dispose()


def actor_of_id(session: Session, person_id: int) -> Actor:
    return load_actor(session, person_id)
