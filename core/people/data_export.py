"""A person's data export (a data-subject access request): an admin downloads one ZIP of JSON
and CSV files of everything Headway holds about one person. It includes what others wrote about
the person — coaching notes, evaluations and the coaches' private remarks about them (the agent
never sees those in the app, but they are the person's data under the GDPR) — and what the
person wrote about others, with those others named by id only. Erasure is in `personal_data`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from core.models import (
    AmbassadorProject,
    ApiToken,
    Assignment,
    AuditAction,
    AuthSession,
    CalibrationInvite,
    CalibrationScore,
    CareerMove,
    CoachingNote,
    CoachingNoteEvaluation,
    CoachingNoteVersion,
    Comment,
    ContactReason,
    Department,
    Dispute,
    DisputeEvent,
    Evaluation,
    FollowUp,
    FormDraft,
    Insight,
    InsightContact,
    Interest,
    Kudos,
    LearningShare,
    Leave,
    MindCheck,
    NoteAgreement,
    Notification,
    NotificationPreference,
    Observation,
    PdDay,
    PdRequest,
    Person,
    Pledge,
    PrivateRemark,
    Scorecard,
    Team,
    Term,
    ThemeEvent,
)
from core.people import audit
from core.people.access import Actor, require_admin
from core.platform.clock import utcnow
from core.platform.errors import NotFound

_NEVER_EXPORTED = {"password_hash", "token_hash"}  # secrets, not personal data about anyone

EXPORT_README = """Everything Headway holds about {name} (person #{id}), exported {when} UTC.

Each file is JSON (or CSV for long tables); dates are ISO 8601, times UTC.
profile.json              the account: name, e-mail, role, team, hire date, login sessions
team_history.json         the team now and the teams led (Headway keeps no earlier teams)
observations.csv          quality and performance figures (QA, CSAT, handle time...)
evaluations_about.json    QA evaluations of the person, with answers and comments
evaluations_by.json       QA evaluations the person made (the agent by id only)
coaching_notes_about.json coaching notes about the person, with check-ins, earlier versions
                          and the coaches' private remarks
coaching_notes_by.json    notes, check-ins and private remarks the person wrote as a coach
pd_days.json              PD days, requested dates and leave
rotations.json            department interests, rotation assignments, projects, career moves
learning.json             learning shares written, kudos given and received
pledges.json              positivity pledges (as agent and as mentor) and daily mind checks
notifications.json        inbox messages and delivery preferences
conversations_and_disputes.json  comments on notes and evaluations, 1:1 sign-offs, and
                          disputes (opened, about their evaluations, or reviewed) with history
calibration.json          calibration sessions the person was invited to and the scores given
drafts.json               unsaved drafts of forms
customer_voice.json       customer insights logged, contacts counted ("I heard this too"),
                          contact reasons proposed, theme steps recorded (taken, answered)
audit_events.csv          the audit trail's events by or about the person
"""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _rows(session: Session, model: type[SQLModel], *where: ColumnElement[bool]) -> list[dict]:  # type: ignore[type-arg]
    query = select(model).where(*where)
    pk = getattr(model, "id", None)
    if pk is not None:
        query = query.order_by(col(pk))
    return [
        {
            k: _plain(v)
            for k, v in row.model_dump(warnings=False).items()
            if k not in _NEVER_EXPORTED
        }
        for row in session.exec(query).all()
    ]


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_plain) + "\n"


def _parsed(rows: list[dict], *fields: str) -> list[dict]:  # type: ignore[type-arg]
    """Rows whose JSON text columns are shown as JSON, not as strings holding JSON."""
    for row in rows:
        for name in fields:
            with contextlib.suppress(TypeError, ValueError):
                row[name] = json.loads(row[name])
    return rows


def _notes(session: Session, *where: ColumnElement[bool]) -> list[dict]:  # type: ignore[type-arg]
    notes = _rows(session, CoachingNote, *where)
    ids = [n["id"] for n in notes]
    children = {
        "check_ins": _rows(session, FollowUp, col(FollowUp.note_id).in_(ids)),
        "earlier_versions": _parsed(
            _rows(session, CoachingNoteVersion, col(CoachingNoteVersion.note_id).in_(ids)),
            "snapshot",
        ),
        "private_remarks": _rows(session, PrivateRemark, col(PrivateRemark.note_id).in_(ids)),
    }
    links = session.exec(
        select(CoachingNoteEvaluation).where(col(CoachingNoteEvaluation.note_id).in_(ids))
    ).all()
    for note in notes:
        for name, rows in children.items():
            note[name] = [r for r in rows if r["note_id"] == note["id"]]
        note["evaluation_ids"] = sorted(
            link.evaluation_id for link in links if link.note_id == note["id"]
        )
    return notes


def _names(rows: Sequence[Team | Department | Term]) -> dict[int, str]:
    return {r.id: r.name for r in rows if r.id is not None}


def _csv_of(rows: Sequence[dict], model: type[SQLModel]) -> bytes:  # type: ignore[type-arg]
    from core.platform.csvio import write_csv

    header = tuple(rows[0]) if rows else tuple(model.model_fields)
    return write_csv(header, ([row[k] for k in header] for row in rows))


def export_person(session: Session, *, actor: Actor, person_id: int) -> bytes:
    """The ZIP of everything about the person (admins only); recorded as
    `personal_data_exported` (the export stands for reading every record in it)."""
    require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    pid = person_id
    teams = _names(session.exec(select(Team)).all())
    departments = _names(session.exec(select(Department)).all())
    terms = _names(session.exec(select(Term)).all())
    profile = _rows(session, Person, col(Person.id) == pid)[0]
    profile["team"] = teams.get(person.team_id or 0)
    led = session.exec(select(Team).where(Team.lead_id == pid).order_by(col(Team.name))).all()
    cards = {c.id: c.family for c in session.exec(select(Scorecard)).all()}
    evaluations = _parsed(_rows(session, Evaluation, col(Evaluation.agent_id) == pid), "answers")
    # The people the person's records name (their coaches and evaluators), by name: the
    # person should be able to read who wrote what about them.
    people = dict(session.exec(select(Person.id, Person.name)).all())
    for e in evaluations:
        e["scorecard"] = cards.get(e["scorecard_id"])
        e["evaluator"] = people.get(e["evaluator_id"])
    assignments = _rows(session, Assignment, col(Assignment.person_id) == pid)
    for a in assignments:
        a["term"], a["department"] = terms.get(a["term_id"]), departments.get(a["department_id"])
    interests = _rows(session, Interest, col(Interest.person_id) == pid)
    for i in interests:
        i["department"] = departments.get(i["department_id"])
    own_shares = select(col(LearningShare.id)).where(col(LearningShare.author_id) == pid)
    files: dict[str, str | bytes] = {
        "README.txt": EXPORT_README.format(
            name=person.name, id=pid, when=utcnow().strftime("%Y-%m-%d %H:%M")
        ),
        "profile.json": _json(
            {
                "person": profile,
                "login_sessions": _rows(session, AuthSession, col(AuthSession.person_id) == pid),
                "api_tokens": _rows(session, ApiToken, col(ApiToken.owner_id) == pid),
            }
        ),
        "team_history.json": _json(
            {
                "current_team": teams.get(person.team_id or 0),
                "teams_led": [t.name for t in led],
                "note": "Headway keeps a person's current team only, not the teams before it.",
            }
        ),
        "observations.csv": _csv_of(
            _rows(session, Observation, col(Observation.person_id) == pid), Observation
        ),
        "evaluations_about.json": _json(evaluations),
        "evaluations_by.json": _json(
            _parsed(_rows(session, Evaluation, col(Evaluation.evaluator_id) == pid), "answers")
        ),
        "coaching_notes_about.json": _json(
            [
                {**n, "coach": people.get(n["coach_id"])}
                for n in _notes(session, col(CoachingNote.agent_id) == pid)
            ]
        ),
        "coaching_notes_by.json": _json(
            {
                "notes": _rows(session, CoachingNote, col(CoachingNote.coach_id) == pid),
                "check_ins": _rows(session, FollowUp, col(FollowUp.by_id) == pid),
                "private_remarks": _rows(
                    session, PrivateRemark, col(PrivateRemark.author_id) == pid
                ),
            }
        ),
        "pd_days.json": _json(
            {
                "pd_days": _rows(session, PdDay, col(PdDay.person_id) == pid),
                "requested_dates": _rows(session, PdRequest, col(PdRequest.person_id) == pid),
                "leave": _rows(session, Leave, col(Leave.person_id) == pid),
            }
        ),
        "rotations.json": _json(
            {
                "interests": interests,
                "assignments": assignments,
                "projects": _rows(
                    session,
                    AmbassadorProject,
                    col(AmbassadorProject.assignment_id).in_([a["id"] for a in assignments]),
                ),
                "career_moves": _rows(session, CareerMove, col(CareerMove.person_id) == pid),
            }
        ),
        "learning.json": _json(
            {
                "shares": _rows(session, LearningShare, col(LearningShare.author_id) == pid),
                "kudos_given": _rows(session, Kudos, col(Kudos.person_id) == pid),
                "kudos_received": _rows(session, Kudos, col(Kudos.share_id).in_(own_shares)),
            }
        ),
        "pledges.json": _json(
            {
                "pledges": _parsed(
                    _rows(session, Pledge, col(Pledge.agent_id) == pid), "commitments"
                ),
                "pledges_as_mentor": [
                    {k: p[k] for k in ("id", "agent_id", "status", "start_date")}
                    for p in _rows(session, Pledge, col(Pledge.mentor_id) == pid)
                ],
                "mind_checks": _rows(session, MindCheck, col(MindCheck.agent_id) == pid),
            }
        ),
        "notifications.json": _json(
            {
                "inbox": _rows(session, Notification, col(Notification.person_id) == pid),
                "preferences": _rows(
                    session,
                    NotificationPreference,
                    col(NotificationPreference.person_id) == pid,
                ),
            }
        ),
        "conversations_and_disputes.json": _json(
            {
                "comments_written": _rows(session, Comment, col(Comment.author_id) == pid),
                "comments_on_their_records": _rows(session, Comment, col(Comment.agent_id) == pid),
                "one_to_one_sign_offs": _rows(
                    session,
                    NoteAgreement,
                    (col(NoteAgreement.proposed_by_id) == pid)
                    | (col(NoteAgreement.coach_id) == pid)
                    | col(NoteAgreement.note_id).in_(
                        select(col(CoachingNote.id)).where(col(CoachingNote.agent_id) == pid)
                    ),
                ),
                "disputes": [
                    {
                        **dispute,
                        "history": _rows(
                            session, DisputeEvent, col(DisputeEvent.dispute_id) == dispute["id"]
                        ),
                    }
                    for dispute in _rows(
                        session,
                        Dispute,
                        (col(Dispute.agent_id) == pid)
                        | (col(Dispute.evaluator_id) == pid)
                        | (col(Dispute.owner_id) == pid),
                    )
                ],
            }
        ),
        "calibration.json": _json(
            {
                "invitations": _rows(
                    session, CalibrationInvite, col(CalibrationInvite.evaluator_id) == pid
                ),
                "scores_given": _parsed(
                    _rows(session, CalibrationScore, col(CalibrationScore.evaluator_id) == pid),
                    "answers",
                ),
            }
        ),
        "drafts.json": _json(
            _parsed(_rows(session, FormDraft, col(FormDraft.person_id) == pid), "fields")
        ),
        "customer_voice.json": _json(
            {
                "insights_logged": _rows(session, Insight, col(Insight.author_id) == pid),
                "contacts_counted": _rows(
                    session, InsightContact, col(InsightContact.person_id) == pid
                ),
                "reasons_proposed": _rows(
                    session, ContactReason, col(ContactReason.proposed_by_id) == pid
                ),
                "theme_steps_recorded": _rows(session, ThemeEvent, col(ThemeEvent.by_id) == pid),
            }
        ),
        "audit_events.csv": audit.to_csv(
            audit.search(session, actor=actor, person_id=pid, limit=1_000_000)
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.PERSONAL_DATA_EXPORTED,
        record_type=audit.PERSON,
        record_id=pid,
        subject_id=pid,
        detail=f"{len(files)} files",
    )
    return buffer.getvalue()


def export_file_name(person_id: int, day: dt.date) -> str:
    return f"headway-person-{person_id}-{day.isoformat()}.zip"
