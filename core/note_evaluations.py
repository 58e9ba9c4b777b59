"""A coaching note on the agent's evaluations: which evaluations a note is on, the scorecard
section it may focus on (never free text), what the note form offers a coach, and the notes an
evaluation view shows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from core.models import CoachingNoteEvaluation, Evaluation, Person, Role, Scorecard
from core.people.access import Actor, is_coach_of
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.quality.evaluations import parse_definition, score_text


def link_evaluations(
    session: Session, note_id: int, agent_id: int, evaluation_ids: tuple[int, ...]
) -> None:
    """The note refers to exactly these evaluations, each one of the agent's own."""
    wanted = set(evaluation_ids)
    if wanted:
        theirs = set(
            session.exec(
                select(Evaluation.id).where(
                    col(Evaluation.id).in_(wanted), Evaluation.agent_id == agent_id
                )
            ).all()
        )
        if missing := sorted(wanted - theirs):
            raise InvalidInput(
                "A note can only refer to the agent's own evaluations; not to "
                + ", ".join(f"#{i}" for i in missing)
                + "."
            )
    session.exec(
        delete(CoachingNoteEvaluation).where(col(CoachingNoteEvaluation.note_id) == note_id)
    )
    session.add_all(
        CoachingNoteEvaluation(note_id=note_id, evaluation_id=i) for i in sorted(wanted)
    )


def check_section(
    session: Session, section: str, evaluation_ids: tuple[int, ...], *, kept: str = ""
) -> None:
    """The focus section is one of the scorecard's, never free text: a section of the form the
    linked evaluations were scored with, or of a form in use when the note is on no evaluation.
    `kept`: the section the note already had (a note written before this rule keeps it)."""
    if not section or section == kept:
        return
    cards = (
        session.exec(
            select(Scorecard)
            .join(Evaluation, col(Evaluation.scorecard_id) == Scorecard.id)
            .where(col(Evaluation.id).in_(evaluation_ids))
        ).all()
        if evaluation_ids
        else session.exec(select(Scorecard).where(col(Scorecard.active).is_(True))).all()
    )
    allowed = _sections(cards)
    if section not in allowed:
        of = (
            "the scorecard of the evaluation this note is on"
            if evaluation_ids
            else "the scorecards in use"
        )
        raise InvalidInput(
            f"“{section}” is not a section of {of}: choose one of "
            + (", ".join(f"“{s}”" for s in allowed) or "none (there is no scorecard yet)")
            + "."
        )


def _sections(cards: Iterable[Scorecard]) -> tuple[str, ...]:
    """The cards' section titles, each once, in the cards' order."""
    return tuple(
        dict.fromkeys(
            section.title
            for card in cards
            for section in parse_definition(json.loads(card.definition))
        )
    )


@dataclass(frozen=True)
class EvaluationChoice:
    """One of the agent's evaluations, as the note form offers it."""

    id: int
    date: dt.date
    score: float
    critical_failed: bool
    reference: str  # the interaction's reference ("" when none was given)
    scorecard: str  # the form and its version, e.g. "Standard v2"
    sections: tuple[str, ...]  # the sections of that form

    def label(self) -> str:
        return (
            f"{self.date:%-d %b %Y} · "
            + ("0% (critical item missed)" if self.critical_failed else score_text(self.score))
            + f" · {self.reference or 'no reference'} · {self.scorecard}"
        )


@dataclass(frozen=True)
class NoteChoices:
    """What the note form offers: the agent's evaluations, newest first, and the sections of
    the scorecards in use (for a note on no evaluation)."""

    evaluations: tuple[EvaluationChoice, ...]
    sections_in_use: tuple[str, ...]

    def sections_for(self, evaluation_ids: Iterable[int]) -> tuple[str, ...]:
        """The sections a note on these evaluations may focus on (their forms' sections)."""
        wanted = set(evaluation_ids)
        if not wanted:
            return self.sections_in_use
        return tuple(
            dict.fromkeys(s for e in self.evaluations if e.id in wanted for s in e.sections)
        )


def note_choices(session: Session, *, actor: Actor, agent_id: int, limit: int = 30) -> NoteChoices:
    """The agent's newest `limit` evaluations (date, score, reference, form) and the sections a
    note may focus on, for the agent's coaches writing a note."""
    agent = session.get(Person, agent_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"There is no agent with id {agent_id}.")
    if not is_coach_of(actor, team_id=agent.team_id):
        raise AccessDenied(f"Only {agent.name}'s team lead or a manager coaches them.")
    rows = session.exec(
        select(Evaluation, Scorecard)
        .join(Scorecard, col(Scorecard.id) == Evaluation.scorecard_id)
        .where(Evaluation.agent_id == agent_id)
        .order_by(col(Evaluation.date).desc(), col(Evaluation.id).desc())
        .limit(limit)
    ).all()
    in_use = session.exec(
        select(Scorecard).where(col(Scorecard.active).is_(True)).order_by(col(Scorecard.family))
    ).all()
    return NoteChoices(
        tuple(
            EvaluationChoice(
                e.id or 0,
                e.date,
                e.score,
                e.critical_failed,
                e.interaction_ref,
                f"{card.family} v{card.version}",
                _sections([card]),
            )
            for e, card in rows
        ),
        _sections(in_use),
    )
