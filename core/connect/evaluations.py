"""QA evaluations sent through the API (`POST /api/v1/evaluations`): a QA tool's nightly export,
each evaluation with its scorecard answers, stored by the rules of every Headway import.

- **Idempotent by the sender's `reference`** (the QA tool's id of the evaluation): one whose
  reference is stored already, with the same agent, scorecard, date and answers, is counted as
  already present; one that differs is refused (a stored evaluation is not overwritten).
- **All or nothing**: every item is checked first and nothing is stored unless all are valid;
  each problem is one sentence naming the item by its index (`item 0` is the first).
- **The evaluator** is the token's maker, or the person `evaluator_email` names: admins and
  managers may name anyone; a lead sends only as themself. The evaluator must be one who
  evaluates the agent on the Evaluate page (the agent's team lead, or a manager).
- **The agent** is named by e-mail; one the token's maker may not see is unknown to them.
- Each evaluation is stored by `record_evaluation`: scored by `score_answers` with the
  scorecard version named (by id) or the family's current version (by name), a `qa_score` on the
  agent's trend, audited as made by the evaluator.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from core.connect.api import Page, _page, decode_cursor
from core.models import Channel, Evaluation, Person, Role, Scorecard
from core.people.access import can_view_person, is_coach_of, load_actor
from core.platform.actor import Actor
from core.platform.clock import today
from core.platform.csvio import NUL_IN_FIELD
from core.platform.errors import AccessDenied, InvalidInput
from core.platform.limits import max_length
from core.platform.parsing import read_date
from core.quality.evaluations import (
    Answer,
    parse_definition,
    record_evaluation,
    score_answers,
)

MAX_EVALUATIONS = 5_000  # evaluations in one request (a night's export of a large centre)
FIELDS = (
    "reference",
    "agent_email",
    "scorecard",
    "scorecard_id",
    "date",
    "answers",
    "evaluator_email",
    "channel",
    "interaction_ref",
    "comments",
)
REQUIRED = ("reference", "agent_email", "date", "answers")


@dataclass(frozen=True)
class SentEvaluation:
    index: int
    reference: str
    id: int
    score: float
    critical_failed: bool
    stored: bool  # False: it was stored already (sent before)


@dataclass(frozen=True)
class EvaluationsSent:
    added: int
    already_present: int
    evaluations: list[SentEvaluation]


@dataclass(frozen=True)
class _Item:
    index: int
    reference: str
    agent_id: int
    scorecard_id: int
    evaluator: Actor
    date: dt.date
    answers: list[list[Answer]]
    channel: str
    interaction_ref: str
    comments: str
    stored: Evaluation | None  # the evaluation already stored under this reference


@dataclass
class _Lookups:
    people: dict[str, Person]  # by e-mail, lower case
    cards_by_id: dict[int, Scorecard]
    cards_by_name: dict[str, Scorecard]  # each family's current version, by name in lower case
    stored: dict[str, Evaluation]  # by reference
    actors: dict[int, Actor]


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else None


def _has_nul(value: object) -> bool:
    """Whether a text, or a text in a list (the answers), holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, list) and any(_has_nul(v) for v in value)


def _lookups(session: Session, items: list[Any]) -> _Lookups:
    # a text with a NUL is refused by _check; PostgreSQL refuses even to look it up
    dicts = [{k: v for k, v in i.items() if not _has_nul(v)} for i in items if isinstance(i, dict)]
    emails = {
        e.lower() for i in dicts for k in ("agent_email", "evaluator_email") if (e := _text(i, k))
    }
    people = session.exec(select(Person).where(func.lower(Person.email).in_(emails))).all()
    cards = session.exec(select(Scorecard)).all()
    by_name: dict[str, Scorecard] = {}
    for card in sorted(cards, key=lambda c: (c.active, c.version)):
        by_name[card.family.lower()] = card  # the active version, else the latest
    references = {r for i in dicts if (r := _text(i, "reference"))}
    stored = session.exec(select(Evaluation).where(col(Evaluation.reference).in_(references))).all()
    return _Lookups(
        {p.email.lower(): p for p in people},
        {c.id: c for c in cards if c.id is not None},
        by_name,
        {e.reference: e for e in stored if e.reference},
        {},
    )


def _answers_shape(value: object) -> list[list[Answer]] | None:
    """The answers if they are a list per section of answers (text or whole numbers)."""
    if not isinstance(value, list) or not all(isinstance(s, list) for s in value):
        return None
    for section in value:
        for a in section:
            if isinstance(a, bool) or not isinstance(a, str | int):
                return None
    return value


def _evaluator(
    session: Session, actor: Actor, item: dict[str, Any], found: _Lookups, why: list[str]
) -> Actor | None:
    email = _text(item, "evaluator_email")
    if not email:
        return actor
    person = found.people.get(email.lower())
    if person is None or not person.active or person.id is None:
        why.append(f"unknown evaluator {email[:80]!r}")
        return None
    if person.id != actor.id and not actor.sees_everyone:
        why.append("a lead's token sends evaluations only as the lead (leave out evaluator_email)")
        return None
    if person.id not in found.actors:
        found.actors[person.id] = load_actor(session, person.id)
    return found.actors[person.id]


def _scorecard(item: dict[str, Any], found: _Lookups, why: list[str]) -> Scorecard | None:
    name, number = item.get("scorecard"), item.get("scorecard_id")
    if (name is None) == (number is None):
        why.append("name the scorecard: scorecard (its name) or scorecard_id, one of them")
        return None
    if number is not None:
        card = (
            found.cards_by_id.get(number)
            if isinstance(number, int) and not isinstance(number, bool)
            else None
        )
        if card is None:
            why.append(f"unknown scorecard_id {str(number)[:20]!r}")
        return card
    card = found.cards_by_name.get(name.strip().lower()) if isinstance(name, str) else None
    if card is None:
        why.append(f"unknown scorecard {str(name)[:80]!r}")
    return card


def _check(
    session: Session, actor: Actor, index: int, item: object, found: _Lookups
) -> tuple[_Item | None, list[str]]:
    """The item ready to store, or why not (each reason without its `item N:`)."""
    if not isinstance(item, dict):
        return None, ["not an object"]
    if nul := [k for k, v in item.items() if _has_nul(v)]:
        return None, [NUL_IN_FIELD.format(column=str(k)[:40]) for k in nul]
    why: list[str] = []
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        why.append(f"unknown field(s) {', '.join(unknown)[:200]}")
    missing = [k for k in REQUIRED if item.get(k) in (None, "")]
    if missing:
        why.append(f"{', '.join(missing)} missing")
    texts = {k: item.get(k, "") for k in ("reference", "channel", "interaction_ref", "comments")}
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            why.append(f"{key} must be text")
    reference = _text(item, "reference") or ""
    for key, limit in (
        ("reference", max_length(Evaluation, "reference")),
        ("interaction_ref", max_length(Evaluation, "interaction_ref")),
        ("comments", max_length(Evaluation, "comments")),
    ):
        if len(_text(item, key) or "") > limit:
            why.append(f"{key} is longer than {limit} characters")
    channel = _text(item, "channel") or Channel.PHONE.value
    if channel not in set(Channel):
        why.append(
            f"unknown channel {channel[:20]!r}: choose {', '.join(c.value for c in Channel)}"
        )
    agent = None
    if (email := _text(item, "agent_email")) and (agent := found.people.get(email.lower())):
        assert agent.id is not None
        if not (
            agent.active
            and agent.role is Role.AGENT
            and can_view_person(actor, person_id=agent.id, team_id=agent.team_id)
        ):
            agent = None
    if email and agent is None:
        why.append(f"unknown agent {email[:80]!r}")
    elif item.get("agent_email") is not None and not isinstance(item.get("agent_email"), str):
        why.append("agent_email must be text")
    day = None
    if isinstance(raw_date := item.get("date"), str) and raw_date:
        day, problem = read_date(raw_date.strip())
        if problem:
            why.append(problem)
        elif day is not None and day > today():
            why.append(f"date {day.isoformat()} is in the future")
    elif raw_date is not None and raw_date != "":
        why.append("date must be text, YYYY-MM-DD")
    card = _scorecard(item, found, why)
    evaluator = _evaluator(session, actor, item, found, why)
    if evaluator is not None and agent is not None:
        if evaluator.id == agent.id:
            why.append("no one scores themself")
        elif not is_coach_of(evaluator, team_id=agent.team_id):
            why.append(
                f"{evaluator.name} may not evaluate {agent.email}: the agent's team lead or a "
                "manager evaluates them"
                + (" (name one in evaluator_email)" if evaluator.id == actor.id else "")
            )
    answers = _answers_shape(item.get("answers"))
    if item.get("answers") is not None and answers is None:
        why.append("answers must be a list per section of answers (yes, no, na or 1-5)")
    if answers is not None and card is not None:
        try:
            score_answers(parse_definition(json.loads(card.definition)), answers)
        except InvalidInput as exc:
            why.append(str(exc).rstrip("."))
    stored = found.stored.get(reference)
    if why or agent is None or card is None or evaluator is None or day is None:
        return None, why or ["incomplete"]
    assert agent.id is not None and card.id is not None and answers is not None
    if stored is not None and (
        stored.agent_id,
        stored.scorecard_id,
        stored.date,
        json.loads(stored.answers),
    ) != (agent.id, card.id, day, answers):
        return None, [
            f"reference {reference[:80]!r} is already stored with another agent, scorecard, "
            "date or answers (a stored evaluation is not overwritten)"
        ]
    return _Item(
        index,
        reference,
        agent.id,
        card.id,
        evaluator,
        day,
        answers,
        channel,
        _text(item, "interaction_ref") or "",
        _text(item, "comments") or "",
        stored,
    ), []


def scorecards_page(session: Session, *, actor: Actor, cursor: str | None, limit: int) -> Page:
    """The scorecards in use (each family's current version), by id, with their sections and
    questions in the order an evaluation's answers follow: what a QA tool maps its forms to.
    For those who send evaluations or read them for a team: leads, managers and admins."""
    if actor.role is Role.AGENT:
        raise AccessDenied("Scorecards are read here by team leads, managers and admins.")
    after = decode_cursor(cursor)
    cards = session.exec(
        select(Scorecard).where(col(Scorecard.active).is_(True)).order_by(col(Scorecard.id))
    ).all()
    rows: list[dict[str, Any]] = [
        {
            "id": card.id,
            "name": card.family,
            "version": card.version,
            "sections": [
                {
                    "title": section.title,
                    "weight": section.weight,
                    "questions": [
                        {
                            "text": q.text,
                            "kind": q.kind,
                            "critical": q.critical,
                            "answers": list(q.scale),
                        }
                        for q in section.questions
                    ],
                }
                for section in parse_definition(json.loads(card.definition))
            ],
        }
        for card in cards
    ]
    return _page(rows, after, limit)


def send_evaluations(session: Session, *, actor: Actor, items: object) -> EvaluationsSent:
    """Store the evaluations (a request's list) all or none, each with its scorecard answers;
    those sent before (by reference) count as already present. Problems name the items."""
    if actor.role is Role.AGENT:
        raise AccessDenied("QA evaluations are sent by team leads, managers and admins.")
    if not isinstance(items, list):
        raise InvalidInput(
            'The body must be a JSON object with a list under "evaluations".',
            ["evaluations: not a list"],
        )
    if len(items) > MAX_EVALUATIONS:
        raise InvalidInput(
            f"{len(items):,} evaluations in one request; send at most {MAX_EVALUATIONS:,}.",
            [f"evaluations: {len(items):,} items, at most {MAX_EVALUATIONS:,}"],
        )
    found = _lookups(session, items)
    problems: list[str] = []
    ready: list[_Item] = []
    first_of: dict[str, int] = {}
    for index, item in enumerate(items):
        checked, why = _check(session, actor, index, item, found)
        if checked is not None:
            if checked.reference in first_of:
                why = [f"repeats the reference of item {first_of[checked.reference]}"]
            else:
                first_of[checked.reference] = index
                ready.append(checked)
        if why:  # one sentence per bad item, as an import's per line
            problems.append(f"item {index}: " + "; ".join(why))
    if problems:
        raise InvalidInput(f"Nothing was stored: {len(problems)} item(s) need fixing.", problems)
    return _store(session, ready)


def _store(session: Session, ready: list[_Item]) -> EvaluationsSent:
    sent: list[SentEvaluation] = []
    savepoint = session.begin_nested()
    try:
        for c in ready:
            if c.stored is not None:
                assert c.stored.id is not None
                sent.append(
                    SentEvaluation(
                        c.index,
                        c.reference,
                        c.stored.id,
                        c.stored.score,
                        c.stored.critical_failed,
                        False,
                    )
                )
                continue
            made = record_evaluation(
                session,
                actor=c.evaluator,
                agent_id=c.agent_id,
                scorecard_id=c.scorecard_id,
                answers=c.answers,
                date=c.date,
                interaction_ref=c.interaction_ref,
                channel=c.channel,
                comments=c.comments,
                reference=c.reference,
            )
            sent.append(
                SentEvaluation(
                    c.index, c.reference, made.id, made.score, made.critical_failed, True
                )
            )
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raise InvalidInput(
            "Nothing was stored: another request stored some of these references meanwhile. "
            "Send again: those are then counted as already present.",
            ["evaluations: sent twice at the same time"],
        ) from None
    added = sum(s.stored for s in sent)
    return EvaluationsSent(added, len(sent) - added, sent)
