"""QA scorecards (weighted sections, yes/no/n.a. or 1-5 questions, critical items) and
evaluations, each of which produces a `qa_score` observation on the agent's trend."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from core.models import (
    METRICS,
    AuditAction,
    Channel,
    CoachingNote,
    CoachingNoteEvaluation,
    Evaluation,
    Observation,
    Person,
    Scorecard,
)
from core.people import audit
from core.people.access import (
    Actor,
    is_coach_of,
    require_coach,
    require_scorecard_owner,
    require_view_person,
)
from core.platform.clock import today
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits

Answer = str | int  # "yes" | "no" | "na" | 1..5


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "yes_no" or "scale"
    critical: bool = False

    @property
    def scale(self) -> tuple[Answer, ...]:
        """The answers this question takes (score_answers scores exactly these)."""
        return ("yes", "no", "na") if self.kind == "yes_no" else (1, 2, 3, 4, 5, "na")


@dataclass(frozen=True)
class Section:
    title: str
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class ScorecardRead:
    id: int
    family: str
    version: int
    sections: tuple[Section, ...]
    active: bool


def parse_definition(data: Any) -> tuple[Section, ...]:
    """Validate a form definition (parsed, or its JSON text); raise InvalidInput naming the
    faulty place: the JSON line and column, the section or the question."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"The definition is not valid JSON: line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}."
            ) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("sections"), list)
        or not data["sections"]
    ):
        raise InvalidInput("A scorecard needs at least one section.")
    sections = []
    for i, s in enumerate(data["sections"], start=1):
        title = str(s.get("title", "")).strip()
        weight = s.get("weight", 1)
        if not title:
            raise InvalidInput(f"Section {i} needs a title.")
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
            raise InvalidInput(f"Section {i} ({title}) needs a weight above 0.")
        questions = []
        for j, q in enumerate(s.get("questions") or [], start=1):
            text, kind = str(q.get("text", "")).strip(), q.get("kind", "yes_no")
            if not text:
                raise InvalidInput(f"Question {j} of section {title} needs a text.")
            if kind not in ("yes_no", "scale"):
                raise InvalidInput(
                    f"Question {j} of section {title}: kind must be yes_no or scale."
                )
            questions.append(Question(text, kind, bool(q.get("critical", False))))
        if not questions:
            raise InvalidInput(f"Section {title} needs at least one question.")
        sections.append(Section(title, float(weight), tuple(questions)))
    return tuple(sections)


def _definition_json(sections: tuple[Section, ...]) -> str:
    return json.dumps(
        {
            "sections": [
                {
                    "title": s.title,
                    "weight": s.weight,
                    "questions": [q.__dict__ for q in s.questions],
                }
                for s in sections
            ]
        }
    )


@dataclass(frozen=True)
class Score:
    score: float
    critical_failed: bool
    sections: tuple[float | None, ...]


def score_text(score: float | None, *, empty: str = "—") -> str:
    """An evaluation's score as everyone reads it, on every page and in every message: whole
    points with a % sign ("96%"; 95.83 is stored)."""
    return empty if score is None else f"{score:.0f}%"


def score_answers(sections: tuple[Section, ...], answers: list[list[Answer]]) -> Score:
    """Weighted score in percent. yes = 1, no = 0, a 1-5 scale maps to 0-1, n.a. is left out;
    a section with no applicable question is left out of the weights. A failed critical
    question ("no", or 1 on a scale) zeroes the whole evaluation (auto-fail)."""
    if len(answers) != len(sections) or any(
        len(a) != len(s.questions) for a, s in zip(answers, sections, strict=False)
    ):
        raise InvalidInput("Answer every question of the scorecard (n.a. where it does not apply).")
    for section, given in zip(sections, answers, strict=True):
        for question, answer in zip(section.questions, given, strict=True):
            if answer is None or answer == "":
                raise InvalidInput(
                    f"Answer every question (n.a. where it does not apply): “{question.text}” "
                    "has no answer yet."
                )
    section_scores: list[float | None] = []
    critical_failed = False
    for section, given in zip(sections, answers, strict=True):
        points = []
        for question, answer in zip(section.questions, given, strict=True):
            if question.kind == "yes_no":
                if answer not in ("yes", "no", "na"):
                    raise InvalidInput(f"“{question.text}” takes yes, no or n.a.")
                if answer == "na":
                    continue
                value = 1.0 if answer == "yes" else 0.0
            else:
                if answer == "na":
                    continue
                if not isinstance(answer, int) or isinstance(answer, bool) or not 1 <= answer <= 5:
                    raise InvalidInput(f"“{question.text}” takes a score from 1 to 5.")
                value = (answer - 1) / 4
            if question.critical and value == 0.0:
                critical_failed = True
            points.append(value)
        section_scores.append(sum(points) / len(points) if points else None)
    weighted = [
        (s.weight, v) for s, v in zip(sections, section_scores, strict=True) if v is not None
    ]
    total = sum(w * v for w, v in weighted) / sum(w for w, _ in weighted) * 100 if weighted else 0.0
    return Score(
        0.0 if critical_failed else round(total, 2), critical_failed, tuple(section_scores)
    )


def _read(card: Scorecard) -> ScorecardRead:
    assert card.id is not None
    return ScorecardRead(
        card.id,
        card.family,
        card.version,
        parse_definition(json.loads(card.definition)),
        card.active,
    )


def save_scorecard(
    session: Session, *, actor: Actor, family: str, definition: Any
) -> ScorecardRead:
    """A new form, or a new version of an existing one (earlier versions stay for old evaluations)."""
    require_scorecard_owner(actor)
    family = family.strip()
    if not family:
        raise InvalidInput("Give the scorecard a name.")
    require_fits(("Scorecard name", family, max_length(Scorecard, "family")))
    sections = parse_definition(definition)
    latest = (
        session.exec(select(func.max(Scorecard.version)).where(Scorecard.family == family)).one()
        or 0
    )
    for older in session.exec(select(Scorecard).where(Scorecard.family == family)).all():
        older.active = False
        session.add(older)
    card = Scorecard(
        family=family,
        version=latest + 1,
        definition=_definition_json(sections),
        created_by_id=actor.id,
    )
    session.add(card)
    session.flush()
    return _read(card)


def list_scorecards(
    session: Session, *, actor: Actor, active_only: bool = True
) -> list[ScorecardRead]:
    """The forms, for those who evaluate or change them (leads and managers)."""
    require_coach(actor)
    query = select(Scorecard).order_by(col(Scorecard.family), col(Scorecard.version))
    if active_only:
        query = query.where(col(Scorecard.active).is_(True))
    return [_read(c) for c in session.exec(query).all()]


@dataclass(frozen=True)
class EvaluationRead:
    id: int
    agent_id: int
    evaluator: str
    scorecard: str
    version: int
    date: dt.date
    channel: str
    interaction_ref: str
    score: float
    critical_failed: bool
    comments: str
    sections: tuple[Section, ...]
    answers: list[list[Answer]]
    notes: tuple[EvaluationNote, ...] = ()  # the coaching notes on this evaluation, oldest first


@dataclass(frozen=True)
class EvaluationNote:
    """A coaching note written on an evaluation, as the evaluation shows it."""

    note_id: int
    date: dt.date
    coach: str
    focus: str  # the scorecard section, else the metric's name
    to_try: str

    def line(self) -> str:
        return f"{self.date:%-d %b %Y}, {self.coach} — focus: {self.focus}; try: {self.to_try}"


def record_evaluation(
    session: Session,
    *,
    actor: Actor,
    agent_id: int,
    scorecard_id: int,
    answers: list[list[Answer]],
    date: dt.date,
    interaction_ref: str = "",
    channel: str = "phone",
    comments: str = "",
    reference: str | None = None,
) -> EvaluationRead:
    """Score an interaction with the form version it used; adds a qa_score observation.
    `reference` is the sender's id of the evaluation (a QA tool's, through the API)."""
    agent = session.get(Person, agent_id)
    if agent is None:
        raise NotFound(f"There is no person with id {agent_id}.")
    if not is_coach_of(actor, team_id=agent.team_id):
        raise AccessDenied("Only the agent's team lead or a manager evaluates them.")
    if agent_id == actor.id:
        raise AccessDenied("No one scores themself: ask your manager or another lead.")
    if date > today():
        raise InvalidInput(f"The evaluation date {date} is in the future.")
    if channel not in set(Channel):
        raise InvalidInput(
            f"Unknown channel {channel!r}: choose {', '.join(c.value for c in Channel)}."
        )
    require_fits(
        ("Interaction reference", interaction_ref, max_length(Evaluation, "interaction_ref")),
        ("Comments for the agent", comments, max_length(Evaluation, "comments")),
    )
    card = session.get(Scorecard, scorecard_id)
    if card is None:
        raise NotFound("That scorecard does not exist.")
    result = score_answers(parse_definition(json.loads(card.definition)), answers)
    evaluation = Evaluation(
        agent_id=agent_id,
        evaluator_id=actor.id,
        scorecard_id=scorecard_id,
        interaction_ref=interaction_ref.strip(),
        channel=Channel(channel),
        date=date,
        answers=json.dumps(answers),
        comments=comments.strip(),
        score=result.score,
        critical_failed=result.critical_failed,
        reference=reference,
    )
    session.add(evaluation)
    session.flush()
    session.add(
        Observation(
            person_id=agent_id,
            date=date,
            metric="qa_score",
            value=result.score,
            source="evaluation",
            reference=evaluation_reference(evaluation.id),
        )
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=audit.EVALUATION,
        record_id=evaluation.id,
        subject_id=agent_id,
    )
    return _evaluations(session, agent_id=agent_id, evaluation_id=evaluation.id)[0]


EVALUATION_REFERENCE = "evaluation-"


def evaluation_reference(evaluation_id: int | None) -> str:
    """The reference of the qa_score observation an evaluation adds to the agent's trend."""
    return f"{EVALUATION_REFERENCE}{evaluation_id}"


@dataclass(frozen=True)
class LatestQa:
    date: dt.date
    score: float
    auto_fail: bool  # the score is an evaluation's 0 for a missed critical item


def latest_qa_scores(session: Session, *, agent_ids: Iterable[int]) -> dict[int, LatestQa]:
    """Each agent's newest QA score, from the one series every QA score lands in (evaluations
    made here and scores imported from elsewhere: the series the growth chart draws): the latest
    day, and on that day the score recorded last. Agents without a score are left out."""
    ids = sorted(set(agent_ids))
    newest_day = (
        select(Observation.person_id, func.max(Observation.date).label("day"))
        .where(Observation.metric == "qa_score", col(Observation.person_id).in_(ids))
        .group_by(col(Observation.person_id))
        .subquery()
    )
    latest: dict[int, Observation] = {}
    for o in session.exec(
        select(Observation)
        .join(
            newest_day,
            (col(Observation.person_id) == newest_day.c.person_id)
            & (col(Observation.date) == newest_day.c.day),
        )
        # Repeating the agents here lets the database walk (person, metric, date) for just
        # these agents instead of every QA score there is (0.4 s to 4 ms for one team).
        .where(Observation.metric == "qa_score", col(Observation.person_id).in_(ids))
        .order_by(col(Observation.id))
    ).all():
        latest[o.person_id] = o  # ordered by id: the last one recorded that day wins
    by_reference = {
        o.reference: int(number)
        for o in latest.values()
        if (number := o.reference.removeprefix(EVALUATION_REFERENCE)).isdigit()
        and o.reference.startswith(EVALUATION_REFERENCE)
    }
    auto_fails = set(
        session.exec(
            select(Evaluation.id).where(
                col(Evaluation.id).in_(list(by_reference.values())),
                col(Evaluation.critical_failed).is_(True),
            )
        ).all()
    )
    return {
        agent: LatestQa(o.date, o.value, by_reference.get(o.reference) in auto_fails)
        for agent, o in latest.items()
    }


def list_evaluations(
    session: Session, *, actor: Actor, agent_id: int, evaluation_id: int | None = None
) -> list[EvaluationRead]:
    """The agent's evaluations, newest first (at most 200); each one returned is recorded in
    the audit trail as read by `actor`."""
    agent = session.get(Person, agent_id)
    if agent is None:
        raise NotFound(f"There is no person with id {agent_id}.")
    require_view_person(actor, agent)
    found = _evaluations(session, agent_id=agent_id, evaluation_id=evaluation_id)
    audit.record_reads(
        session, actor=actor, record_type=audit.EVALUATION, rows=[(e.id, agent_id) for e in found]
    )
    audit.record_reads(
        session,
        actor=actor,
        record_type=audit.COACHING_NOTE,
        rows=sorted({(n.note_id, agent_id) for e in found for n in e.notes}),
    )
    return found


def _notes_on(session: Session, evaluation_ids: list[int]) -> dict[int, list[EvaluationNote]]:
    """The coaching notes on each of these evaluations, oldest first."""
    notes: dict[int, list[EvaluationNote]] = {}
    for link, note, coach in session.exec(
        select(CoachingNoteEvaluation, CoachingNote, Person)
        .join(CoachingNote, col(CoachingNote.id) == CoachingNoteEvaluation.note_id)
        .join(Person, col(Person.id) == CoachingNote.coach_id)
        .where(col(CoachingNoteEvaluation.evaluation_id).in_(evaluation_ids))
        .order_by(col(CoachingNote.date), col(CoachingNote.id))
    ).all():
        metric = METRICS.get(note.focus_metric)
        notes.setdefault(link.evaluation_id, []).append(
            EvaluationNote(
                note.id or 0,
                note.date,
                coach.name,
                note.focus_section or (metric.label if metric else ""),
                note.to_try or note.actions,
            )
        )
    return notes


def _evaluations(
    session: Session, *, agent_id: int, evaluation_id: int | None = None
) -> list[EvaluationRead]:
    query = (
        select(Evaluation, Scorecard, Person)
        .join(Scorecard, col(Scorecard.id) == Evaluation.scorecard_id)
        .join(Person, col(Person.id) == Evaluation.evaluator_id)
        .where(Evaluation.agent_id == agent_id)
        .order_by(col(Evaluation.date).desc(), col(Evaluation.id).desc())
    )
    if evaluation_id is not None:
        query = query.where(Evaluation.id == evaluation_id)
    rows = session.exec(query.limit(200)).all()
    notes = _notes_on(session, [e.id for e, _, _ in rows if e.id is not None])
    return [
        EvaluationRead(
            e.id or 0,
            e.agent_id,
            evaluator.name,
            card.family,
            card.version,
            e.date,
            e.channel,
            e.interaction_ref,
            e.score,
            e.critical_failed,
            e.comments,
            parse_definition(json.loads(card.definition)),
            json.loads(e.answers),
            tuple(notes.get(e.id or 0, ())),
        )
        for e, card, evaluator in rows
    ]


DEFAULT_FORM = {
    "sections": [
        {
            "title": "Opening and empathy",
            "weight": 2,
            "questions": [
                {"text": "Greeted the customer and used their name", "kind": "yes_no"},
                {"text": "Acknowledged the customer's situation", "kind": "scale"},
            ],
        },
        {
            "title": "Resolution",
            "weight": 3,
            "questions": [
                {"text": "Resolved the issue or set a clear next step", "kind": "scale"},
                {"text": "Gave correct information", "kind": "yes_no", "critical": True},
            ],
        },
        {
            "title": "Compliance",
            "weight": 1,
            "questions": [
                {"text": "Verified the customer's identity", "kind": "yes_no", "critical": True},
                {"text": "Offered to check back in (no “good luck”)", "kind": "yes_no"},
            ],
        },
    ]
}
