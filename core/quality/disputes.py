"""Disputes of QA evaluations: the agent disputes an evaluation (the whole of it, or some of its
questions) with a reason within HEADWAY_DISPUTE_DAYS of its date; a reviewer who did not score it
(the agent's lead, else a manager) upholds it or adjusts it, with a reason, within
REVIEW_WORKING_DAYS. Adjusting is re-answering: the reviewer answers the disputed questions again
(any question when the whole evaluation is disputed) on the scorecard's own scale, and the score
follows from the scorecard's own rule (core.quality.evaluations.score_answers). The new answers and score
replace the old ones everywhere: the evaluation and its observation in the metrics series (so the
trend, the effect estimates and the exports follow). Every step is kept in the dispute history
(dispute_event, with each re-answered question's old and new answer) and the audit trail. The
evaluator hears when their evaluation is disputed and how it was decided."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from core.models import (
    AuditAction,
    Dispute,
    DisputeEvent,
    DisputeStatus,
    DisputeStep,
    Evaluation,
    NotificationKind,
    Observation,
    Person,
    Role,
    Scorecard,
    Team,
)
from core.notify.notifications import link_to, notify
from core.people import audit
from core.people.access import Actor, is_coach_of, owns_scorecards, require_view_person
from core.platform.calendar import organisation_calendar
from core.platform.clock import today, utcnow
from core.platform.config import get_settings
from core.platform.csvio import write_csv
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits
from core.quality.evaluations import (
    Answer,
    Score,
    Section,
    evaluation_reference,
    list_evaluations,
    parse_definition,
    score_answers,
    score_text,
)

DISPUTE = "dispute"  # the audit trail's record type
REVIEW_WORKING_DAYS = 5


class Decision(StrEnum):
    UPHOLD = "uphold"
    ADJUST = "adjust"


@dataclass(frozen=True)
class AnswerChange:
    """One question a reviewer answered again: its label, the evaluator's answer and theirs."""

    question: str
    old: Answer
    new: Answer

    def sentence(self) -> str:
        return f"{self.question}: {answer_text(self.old)} → {answer_text(self.new)}"


def answer_text(answer: Answer) -> str:
    """An answer as a person reads it (n.a. rather than the stored "na")."""
    return "n.a." if answer == "na" else str(answer)


@dataclass(frozen=True)
class StepRead:
    step: DisputeStep
    by: str
    at: dt.datetime
    reason: str
    old_score: float | None
    new_score: float | None
    changes: tuple[AnswerChange, ...] = ()
    by_id: int = 0

    def sentence(self, reader_id: int | None = None) -> str:
        """One line of the history, in words (the reason apart: it is the person's text);
        "you" for the reader's own steps."""
        when = f"{self.at.astimezone(get_settings().tz):%-d %b %Y %H:%M}"
        by = "you" if reader_id is not None and reader_id == self.by_id else self.by
        if self.step is DisputeStep.OPENED:
            return f"{when} — {by} disputed the score of {_pct(self.old_score)}"
        if self.step is DisputeStep.UPHELD:
            return f"{when} — {by} upheld the score of {_pct(self.old_score)}"
        answered = (
            f" (re-answered {'; '.join(c.sentence() for c in self.changes)})"
            if self.changes
            else ""
        )
        return f"{when} — {by} adjusted {_adjustment(self.old_score, self.new_score)}{answered}"


def _pct(score: float | None) -> str:
    return score_text(score)


def _scores(old: float | None, new: float | None) -> tuple[str, str]:
    """Two scores as read side by side: whole points, or one decimal when whole points would
    hide a change (95.6% → 96.4%, not 96% → 96%)."""
    a, b = _pct(old), _pct(new)
    if old is not None and new is not None and old != new and a == b:
        return f"{old:.1f}%", f"{new:.1f}%"
    return a, b


def _adjustment(old: float | None, new: float | None) -> str:
    """An adjustment in words: "the score from 69% to 77%", or the score that stays when the
    new answers score the same."""
    if old is not None and old == new:
        return f"the answers; the score stays {_pct(new)}"
    a, b = _scores(old, new)
    return f"the score from {a} to {b}"


@dataclass(frozen=True)
class DisputeRead:
    id: int
    evaluation_id: int
    agent_id: int
    agent: str
    evaluator: str
    evaluation_date: dt.date
    items: tuple[str, ...]  # the disputed questions; () = the whole evaluation
    reason: str
    status: DisputeStatus
    owner: str
    due_date: dt.date
    old_score: float
    new_score: float | None
    history: tuple[StepRead, ...]
    owner_id: int = 0
    owner_role: str = ""  # "team lead" or "manager": the reader knows who decides
    decided_by: str = ""  # who decided it ("" while open)
    decided_at: dt.datetime | None = None

    @property
    def open(self) -> bool:
        return self.status is DisputeStatus.OPEN

    @property
    def overdue(self) -> bool:
        return self.open and self.due_date < today()

    @property
    def reanswerable(self) -> tuple[str, ...] | None:
        """The questions the reviewer may answer again: the disputed ones (None: any)."""
        return self.items or None

    def state(self, reader_id: int | None = None) -> str:
        """The state in words, as the agent and the reviewer read it ("you" for the reader
        who decides it; anyone else by name and role). Says nothing of which answers a page
        shows: see `answers_note`."""
        if self.status is DisputeStatus.OPEN:
            late = " (overdue)" if self.overdue else ""
            if reader_id is not None and reader_id == self.owner_id:
                return f"open: you decide by {self.due_date:%a %-d %b}{late}"
            role = f" ({self.owner_role})" if self.owner_role else ""
            return f"open: {self.owner}{role} decides by {self.due_date:%a %-d %b}{late}"
        if self.status is DisputeStatus.UPHELD:
            return f"upheld: the score of {_pct(self.old_score)} stands"
        a, b = _scores(self.old_score, self.new_score)
        if self.old_score == self.new_score:
            return f"adjusted: the answers changed, the score stays {b}"
        return f"adjusted: {a} → {b}"

    def answers_note(self) -> str:
        """Beside the evaluation's answers once adjusted: whose answers they are. Only where the
        answers are shown (elsewhere it would describe nothing on the page)."""
        if self.status is not DisputeStatus.ADJUSTED:
            return ""
        if any(step.changes for step in self.history):
            return (
                "The answers shown are the reviewer's; the history keeps the evaluator's "
                "original ones."
            )
        return (
            "The answers shown are the evaluator's original ones; the adjusted score replaces "
            "their total."
        )

    def ownership(self, reader_id: int, *, reader_is_manager: bool) -> str:
        """Who decides, said to a reviewer who is not the owner (the agent's lead or any manager
        may decide it, never the evaluator: the list never offers them theirs); "" to the owner."""
        if reader_id == self.owner_id:
            return ""
        return (
            f"Owned by {self.owner} (due {self.due_date:%a %-d %b}"
            + (", overdue" if self.overdue else "")
            + "); you may decide it as "
            + ("a manager." if reader_is_manager else "the agent's team lead.")
        )


def dispute_window_end(evaluation_date: dt.date) -> dt.date:
    """The last day the agent may dispute an evaluation of this date."""
    return evaluation_date + dt.timedelta(days=get_settings().dispute_days)


def question_labels(sections: Sequence[Section]) -> list[str]:
    """The labels an agent picks questions by: "Section › Question"."""
    return [f"{s.title} › {q.text}" for s in sections for q in s.questions]


def reviewer_for(session: Session, evaluation: Evaluation) -> Person | None:
    """Who owns a dispute of `evaluation`: the lead of the agent's team unless they scored it,
    else the manager who did not score it with the fewest open disputes to decide (the work is
    shared; on a tie, the longest-standing account)."""
    agent = session.get(Person, evaluation.agent_id)
    team = session.get(Team, agent.team_id) if agent and agent.team_id else None
    if team is not None and team.lead_id not in (None, evaluation.evaluator_id):
        lead = session.get(Person, team.lead_id)
        if lead is not None and lead.active and lead.role == Role.TEAM_LEAD:
            return lead
    managers = session.exec(
        select(Person)
        .where(
            Person.role == Role.MANAGER,
            col(Person.active).is_(True),
            Person.id != evaluation.evaluator_id,
        )
        .order_by(col(Person.id))
    ).all()
    load = Counter(
        session.exec(
            select(Dispute.owner_id).where(
                Dispute.status == DisputeStatus.OPEN,
                col(Dispute.owner_id).in_([m.id for m in managers]),
            )
        ).all()
    )
    return min(managers, key=lambda m: load[m.id or 0], default=None)


def open_dispute(
    session: Session,
    *,
    actor: Actor,
    evaluation_id: int,
    reason: str,
    items: Sequence[str] = (),
) -> DisputeRead:
    """The agent disputes their own evaluation (all of it, or the questions named in `items`)."""
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound(f"There is no evaluation with id {evaluation_id}.")
    if evaluation.agent_id != actor.id:
        raise AccessDenied("Only the agent who was evaluated disputes an evaluation.")
    if not reason.strip():
        raise InvalidInput("Say why you dispute the score: the reviewer decides on your reason.")
    require_fits(("Why you dispute it", reason, max_length(Dispute, "reason")))
    last_day = dispute_window_end(evaluation.date)
    if today() > last_day:
        raise InvalidInput(
            f"An evaluation can be disputed for {get_settings().dispute_days} days after its "
            f"date: this one ({evaluation.date:%-d %b %Y}) could be disputed until "
            f"{last_day:%-d %b %Y}; talk it through in a comment instead."
        )
    [read] = list_evaluations(session, actor=actor, agent_id=actor.id, evaluation_id=evaluation_id)
    known = question_labels(read.sections)
    if unknown := [i for i in items if i not in known]:
        raise InvalidInput(
            f"“{unknown[0]}” is not a question of this evaluation's scorecard: choose from the list."
        )
    already = session.exec(
        select(Dispute).where(
            Dispute.evaluation_id == evaluation_id, Dispute.status == DisputeStatus.OPEN
        )
    ).first()
    if already is not None:
        raise InvalidInput(
            "This evaluation already has an open dispute (perhaps sent from another tab or "
            f"device), decided by {already.due_date:%a %-d %b}: add what you wrote to it as a "
            "comment instead."
        )
    reviewer = reviewer_for(session, evaluation)
    if reviewer is None or reviewer.id is None:
        raise InvalidInput(
            "No one but the evaluator can review this evaluation (no other lead or manager): "
            "ask an admin to name a manager, then dispute it."
        )
    dispute = Dispute(
        evaluation_id=evaluation_id,
        agent_id=actor.id,
        evaluator_id=evaluation.evaluator_id,
        items=json.dumps([i for i in known if i in set(items)]),
        reason=reason.strip(),
        owner_id=reviewer.id,
        due_date=organisation_calendar(session).add_working_days(today(), REVIEW_WORKING_DAYS),
        old_score=evaluation.score,
    )
    session.add(dispute)
    session.flush()
    assert dispute.id is not None
    _step(session, dispute, actor, DisputeStep.OPENED, dispute.reason, evaluation.score, None)
    what = "; ".join(json.loads(dispute.items)) or "the whole evaluation"
    notify(
        session,
        person_id=reviewer.id,
        kind=NotificationKind.DISPUTE,
        subject=f"dispute:{dispute.id}",
        title=f"{actor.name} disputes an evaluation: please review by {dispute.due_date:%a %-d %b}",
        body=f"Score {score_text(evaluation.score)} on {evaluation.date:%-d %b}. Disputed: {what}. "
        f"Their reason: {dispute.reason}",
        link=link_to("evaluations", dispute=dispute.id),
    )
    notify(  # the evaluator hears of it too (they do not decide it: someone else reviews)
        session,
        person_id=evaluation.evaluator_id,
        kind=NotificationKind.DISPUTE,
        subject=f"dispute:{dispute.id}:opened",
        title=f"{actor.name} disputed your evaluation of {evaluation.date:%-d %b}",
        body=f"Score {score_text(evaluation.score)}. {reviewer.name} reviews it by "
        f"{dispute.due_date:%a %-d %b}. Disputed: {what}. Their reason: {dispute.reason}",
        link=link_to("evaluations", dispute=dispute.id),
    )
    return _reads(session, [dispute])[0]


def _step(
    session: Session,
    dispute: Dispute,
    actor: Actor,
    step: DisputeStep,
    reason: str,
    old: float | None,
    new: float | None,
    changes: Sequence[AnswerChange] = (),
) -> None:
    """One step of the history, in the dispute's own table and in the audit trail."""
    session.add(
        DisputeEvent(
            dispute_id=dispute.id or 0,
            step=step,
            by_id=actor.id,
            reason=reason,
            old_score=old,
            new_score=new,
            answer_changes=json.dumps([c.__dict__ for c in changes]),
        )
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE if step is DisputeStep.OPENED else AuditAction.UPDATE,
        record_type=DISPUTE,
        record_id=dispute.id,
        subject_id=dispute.agent_id,
        detail=f"{step.value} (evaluation #{dispute.evaluation_id}"
        + (f", score {old:g} → {new:g})" if new is not None and old is not None else ")"),
    )


def reanswer(
    sections: Sequence[Section],
    answers: Sequence[Sequence[Answer]],
    new: Mapping[str, Answer],
    *,
    allowed: Sequence[str] | None = None,
) -> tuple[list[list[Answer]], Score, tuple[AnswerChange, ...]]:
    """An evaluation's answers with some questions (by label) answered again, the score the
    scorecard's own rule gives them, and what changed, in the scorecard's order. Refuses a
    question not on the scorecard, one outside `allowed` (the disputed questions), and an answer
    off the question's scale."""
    labels = question_labels(sections)
    if unknown := [q for q in new if q not in labels]:
        raise InvalidInput(
            f"“{unknown[0]}” is not a question of this evaluation's scorecard: choose from the list."
        )
    if allowed is not None and (outside := [q for q in new if q not in allowed]):
        raise InvalidInput(
            f"Only the disputed questions can be answered again ({'; '.join(allowed)}): "
            f"“{outside[0]}” was not disputed."
        )
    updated = [list(row) for row in answers]
    places = [(i, j) for i, s in enumerate(sections) for j in range(len(s.questions))]
    changes = []
    for label, (i, j) in zip(labels, places, strict=True):
        if label in new and new[label] != updated[i][j]:
            changes.append(AnswerChange(label, updated[i][j], new[label]))
            updated[i][j] = new[label]
    return updated, score_answers(tuple(sections), updated), tuple(changes)


def _rescore(
    session: Session,
    evaluation: Evaluation,
    answers: list[list[Answer]],
    result: Score,
) -> None:
    """The evaluation takes the new answers and score, and so does its point in the QA series."""
    evaluation.answers = json.dumps(answers)
    evaluation.score, evaluation.critical_failed = result.score, result.critical_failed
    session.add(evaluation)
    for point in session.exec(
        select(Observation).where(
            Observation.metric == "qa_score",
            Observation.reference == evaluation_reference(evaluation.id),
        )
    ).all():
        point.value = result.score
        session.add(point)


def decide_dispute(
    session: Session,
    *,
    actor: Actor,
    dispute_id: int,
    decision: Decision,
    reason: str,
    answers: Mapping[str, Answer] | None = None,
) -> DisputeRead:
    """Uphold the score, or adjust it by answering questions again (`answers`, by question
    label: the disputed questions, or any when the whole evaluation is disputed); the score
    follows from the scorecard, and the evaluation and its trend point take it."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"There is no dispute with id {dispute_id}.")
    agent = session.get(Person, dispute.agent_id)
    assert agent is not None
    if not is_coach_of(actor, team_id=agent.team_id):
        raise AccessDenied(f"Only {agent.name}'s team lead or a manager reviews their disputes.")
    if actor.id == dispute.evaluator_id:
        raise AccessDenied(
            "You scored this evaluation, so someone else reviews the dispute "
            "(the agent's lead or a manager)."
        )
    if dispute.status is not DisputeStatus.OPEN:
        raise InvalidInput(f"This dispute was decided already ({dispute.status.value}).")
    decision = Decision(decision)
    if not reason.strip():
        raise InvalidInput(
            "Give the reason for your decision: the agent and the evaluator read it."
        )
    require_fits(("Reason for the decision", reason, max_length(Dispute, "decision_reason")))
    evaluation = session.get(Evaluation, dispute.evaluation_id)
    card = session.get(Scorecard, evaluation.scorecard_id) if evaluation else None
    assert evaluation is not None and card is not None
    old = evaluation.score
    new_answers, result, changes = reanswer(
        parse_definition(json.loads(card.definition)),
        json.loads(evaluation.answers),
        answers or {},
        allowed=json.loads(dispute.items) or None,
    )
    if decision is Decision.UPHOLD and changes:
        raise InvalidInput(
            "Upholding keeps the evaluator's answers: choose “adjust” to answer questions again."
        )
    if decision is Decision.ADJUST:
        if not changes:
            raise InvalidInput(
                "To adjust, answer at least one question differently from the evaluator; "
                "to keep the score, choose “uphold”."
            )
        _rescore(session, evaluation, new_answers, result)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            record_type=audit.EVALUATION,
            record_id=evaluation.id,
            subject_id=agent.id,
            detail=f"score adjusted {old:g} → {result.score:g} after dispute #{dispute.id} ("
            + "; ".join(c.sentence() for c in changes)
            + ")",
        )
    dispute.status = DisputeStatus.ADJUSTED if decision is Decision.ADJUST else DisputeStatus.UPHELD
    dispute.new_score = result.score if decision is Decision.ADJUST else None
    dispute.decided_by_id, dispute.decided_at = actor.id, utcnow()
    dispute.decision_reason = reason.strip()
    session.add(dispute)
    _step(
        session,
        dispute,
        actor,
        DisputeStep.ADJUSTED if decision is Decision.ADJUST else DisputeStep.UPHELD,
        dispute.decision_reason,
        old,
        dispute.new_score,
        changes,
    )
    _tell_decision(session, actor, dispute, agent, evaluation.date, changes)
    session.flush()
    return _reads(session, [dispute])[0]


def _tell_decision(
    session: Session,
    actor: Actor,
    dispute: Dispute,
    agent: Person,
    day: dt.date,
    changes: Sequence[AnswerChange],
) -> None:
    """The agent hears the decision on their evaluation, the evaluator on theirs (each in the
    second person: it is about them)."""
    old, new = dispute.old_score, dispute.new_score
    when = f"{day:%-d %b}"
    if new is None:
        to_agent = f"{actor.name} upheld your evaluation of {when}: the score of {_pct(old)} stands"
        to_evaluator = (
            f"{actor.name} upheld your evaluation of {agent.name} on {when}: "
            f"the score of {_pct(old)} stands"
        )
    else:
        was, now = _scores(old, new)
        to_agent = f"{actor.name} adjusted your evaluation of {when}: " + (
            f"your score stays {now}" if old == new else f"your score is now {now} (was {was})"
        )
        to_evaluator = (
            f"{actor.name} adjusted your evaluation of {agent.name} on {when} after their "
            f"dispute: " + (f"the score stays {now}" if old == new else f"{was} → {now}")
        )
    answered = "".join(f"Re-answered {c.sentence()}\n" for c in changes)
    to_agent_body = f"{answered}Reason: {dispute.decision_reason}"
    # The reason is written to the agent ("you acknowledged…"): the evaluator reads it quoted.
    to_evaluator_body = f'{answered}Reason given to {agent.name}: "{dispute.decision_reason}"'
    for person_id, title, body, link in (
        (
            agent.id,
            to_agent,
            to_agent_body,
            link_to("growth", show="evaluations", evaluation=dispute.evaluation_id),
        ),
        (
            dispute.evaluator_id,
            to_evaluator,
            to_evaluator_body,
            link_to("evaluations", dispute=dispute.id),
        ),
    ):
        if person_id is not None:
            notify(
                session,
                person_id=person_id,
                kind=NotificationKind.DISPUTE,
                subject=f"dispute:{dispute.id}:decided",
                title=title,
                body=body,
                link=link,
            )


def _reads(session: Session, disputes: Sequence[Dispute]) -> list[DisputeRead]:
    ids = [d.id for d in disputes]
    steps: dict[int, list[StepRead]] = {}
    for e, name in session.exec(
        select(DisputeEvent, Person.name)
        .join(Person, col(Person.id) == DisputeEvent.by_id)
        .where(col(DisputeEvent.dispute_id).in_(ids))
        .order_by(col(DisputeEvent.at), col(DisputeEvent.id))
    ).all():
        changes = tuple(AnswerChange(**c) for c in json.loads(e.answer_changes or "[]"))
        steps.setdefault(e.dispute_id, []).append(
            StepRead(e.step, str(name), e.at, e.reason, e.old_score, e.new_score, changes, e.by_id)
        )
    people = {i for d in disputes for i in (d.agent_id, d.evaluator_id, d.owner_id)}
    people |= {d.decided_by_id for d in disputes if d.decided_by_id is not None}
    names, roles = {}, {}
    for i, name, role in session.exec(
        select(Person.id, Person.name, Person.role).where(col(Person.id).in_(people))
    ).all():
        names[i], roles[i] = name, Role(role).label.lower()
    dates: dict[int | None, dt.date] = dict(
        session.exec(
            select(col(Evaluation.id), col(Evaluation.date)).where(
                col(Evaluation.id).in_([d.evaluation_id for d in disputes])
            )
        ).all()
    )
    return [
        DisputeRead(
            d.id or 0,
            d.evaluation_id,
            d.agent_id,
            str(names[d.agent_id]),
            str(names[d.evaluator_id]),
            dates[d.evaluation_id],
            tuple(json.loads(d.items)),
            d.reason,
            d.status,
            str(names[d.owner_id]),
            d.due_date,
            d.old_score,
            d.new_score,
            tuple(steps.get(d.id or 0, [])),
            d.owner_id,
            roles[d.owner_id],
            str(names[d.decided_by_id]) if d.decided_by_id is not None else "",
            d.decided_at,
        )
        for d in disputes
    ]


def disputes_of(session: Session, *, actor: Actor, agent_id: int) -> list[DisputeRead]:
    """The agent's disputes with their history, newest first (whoever may see the agent)."""
    agent = session.get(Person, agent_id)
    if agent is None:
        raise NotFound(f"There is no person with id {agent_id}.")
    require_view_person(actor, agent)
    rows = session.exec(
        select(Dispute)
        .where(Dispute.agent_id == agent_id)
        .order_by(col(Dispute.opened_at).desc(), col(Dispute.id).desc())
    ).all()
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, agent_id) for d in rows]
    )
    return _reads(session, rows)


def disputes_to_review(session: Session, *, actor: Actor) -> list[DisputeRead]:
    """The open disputes `actor` may decide (of agents they coach, never of an evaluation they
    scored): their own first, then by due date. Empty for everyone who reviews none."""
    if actor.role not in (Role.TEAM_LEAD, Role.MANAGER):
        return []
    query = (
        select(Dispute, Person.team_id)
        .join(Person, col(Person.id) == Dispute.agent_id)
        .where(Dispute.status == DisputeStatus.OPEN, Dispute.evaluator_id != actor.id)
        .order_by(col(Dispute.due_date), col(Dispute.id))
    )
    rows = [d for d, team in session.exec(query).all() if is_coach_of(actor, team_id=team)]
    rows.sort(key=lambda d: d.owner_id != actor.id)  # stable: due date within each group
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, d.agent_id) for d in rows]
    )
    return _reads(session, rows)


def disputes_decided_by(session: Session, *, actor: Actor, limit: int = 50) -> list[DisputeRead]:
    """The disputes `actor` decided (at most `limit`), the newest decision first: the reviewer's
    own record of what they upheld or adjusted, and why."""
    rows = session.exec(
        select(Dispute)
        .where(Dispute.decided_by_id == actor.id)
        .order_by(col(Dispute.decided_at).desc(), col(Dispute.id).desc())
        .limit(limit)
    ).all()
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, d.agent_id) for d in rows]
    )
    return _reads(session, rows)


MIN_DECIDED_FOR_RATE = 5  # below this many decided disputes an overturn rate says little


@dataclass(frozen=True)
class EvaluatorDisputes:
    evaluator: str
    evaluations: int
    disputed: int
    decided: int
    adjusted: int

    @property
    def dispute_rate(self) -> float | None:
        return self.disputed / self.evaluations if self.evaluations else None

    @property
    def overturn_rate(self) -> float | None:
        return self.adjusted / self.decided if self.decided else None

    def disputed_words(self) -> str:
        """ "2 of 54 (4%)": the counts first, the share after them."""
        if not self.evaluations:
            return "—"
        return f"{self.disputed} of {self.evaluations} ({self.disputed / self.evaluations:.0%})"

    def overturn_words(self) -> str:
        """ "1 of 1 adjusted — too few to judge": the counts first; a share only once enough
        disputes are decided for it to mean something."""
        if not self.decided:
            return "none decided yet"
        counts = f"{self.adjusted} of {self.decided} adjusted"
        if self.decided < MIN_DECIDED_FOR_RATE:
            return f"{counts} — too few to judge"
        return f"{counts} ({self.adjusted / self.decided:.0%})"


def dispute_rates(
    session: Session, *, actor: Actor, start: dt.date, end: dt.date
) -> list[EvaluatorDisputes]:
    """Per evaluator, of the evaluations dated in [start, end]: how many were disputed, and of
    the decided disputes how many were adjusted (overturned). For managers, most disputed first."""
    if not owns_scorecards(actor):
        raise AccessDenied(
            "Dispute and overturn rates compare evaluators across teams: they are for managers."
        )
    in_period = (col(Evaluation.date) >= start) & (col(Evaluation.date) <= end)
    scored = Counter(session.exec(select(Evaluation.evaluator_id).where(in_period)).all())
    disputed: Counter[int] = Counter()
    decided: Counter[int] = Counter()
    adjusted: Counter[int] = Counter()
    seen: set[int] = set()
    for d in session.exec(
        select(Dispute)
        .join(Evaluation, col(Evaluation.id) == Dispute.evaluation_id)
        .where(in_period)
    ).all():
        if d.evaluation_id not in seen:  # an evaluation disputed twice counts once
            seen.add(d.evaluation_id)
            disputed[d.evaluator_id] += 1
        if d.status is not DisputeStatus.OPEN:
            decided[d.evaluator_id] += 1
            adjusted[d.evaluator_id] += d.status is DisputeStatus.ADJUSTED
    names = dict(
        session.exec(select(Person.id, Person.name).where(col(Person.id).in_(scored))).all()
    )
    rows = [
        EvaluatorDisputes(str(names[e]), n, disputed[e], decided[e], adjusted[e])
        for e, n in scored.items()
    ]
    return sorted(rows, key=lambda r: (-(r.dispute_rate or 0), r.evaluator))


RATES_CSV_HEADER = (
    "evaluator",
    "evaluations",
    "disputed",
    "dispute_rate",
    "decided",
    "adjusted",
    "overturn_rate",
)


def dispute_rates_csv(rows: Sequence[EvaluatorDisputes]) -> bytes:
    """The rates as numbers (shares from 0 to 1, empty where there is nothing to divide by),
    with the counts beside them: the page says them in words, the file keeps the figures."""
    return write_csv(
        RATES_CSV_HEADER,
        (
            (
                r.evaluator,
                r.evaluations,
                r.disputed,
                "" if r.dispute_rate is None else round(r.dispute_rate, 4),
                r.decided,
                r.adjusted,
                "" if r.overturn_rate is None else round(r.overturn_rate, 4),
            )
            for r in rows
        ),
    )


def open_dispute_counts(
    session: Session, *, agent_ids: Sequence[int], day: dt.date
) -> tuple[int, int]:
    """How many open disputes the agents have, and how many of them are overdue on `day` (no
    acting user: for the weekly digest job)."""
    dues = session.exec(
        select(col(Dispute.due_date)).where(
            Dispute.status == DisputeStatus.OPEN, col(Dispute.agent_id).in_(list(agent_ids))
        )
    ).all()
    return len(dues), sum(d < day for d in dues)


def disputes_of_my_evaluations(session: Session, *, actor: Actor) -> list[DisputeRead]:
    """The disputes of evaluations `actor` scored (at most 50): open first, then the newest.
    The evaluator follows them and reads the decision; someone else decides. Empty for
    everyone who scored none."""
    rows = session.exec(
        select(Dispute)
        .where(Dispute.evaluator_id == actor.id)
        .order_by(
            (col(Dispute.status) != DisputeStatus.OPEN),
            col(Dispute.opened_at).desc(),
            col(Dispute.id).desc(),
        )
        .limit(50)
    ).all()
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, d.agent_id) for d in rows]
    )
    return _reads(session, rows)


RECENT_DAYS = 28  # "recent" evaluations and decisions on the agent's My day


@dataclass(frozen=True)
class QaGlance:
    """An agent's QA evaluations and disputes at a glance, for My day."""

    recent: int  # evaluations dated in the last RECENT_DAYS
    disputable: int  # evaluations still inside the dispute window and never disputed
    open_disputes: tuple[tuple[dt.date, str, dt.date], ...]  # (evaluation date, owner, due)
    decided: int  # disputes decided in the last RECENT_DAYS
    open_evaluation: int | None  # the evaluation of the first open dispute, to open it
    # the disputes decided in the last RECENT_DAYS, newest decision first:
    # (evaluation date, outcome, score before, score after an adjustment)
    decisions: tuple[tuple[dt.date, DisputeStatus, float, float | None], ...] = ()

    def link_label(self) -> str:
        """The link's words: the evaluations, and what waits in them."""
        if self.open_disputes:
            n = len(self.open_disputes)
            return f"Your QA evaluations — {n} open dispute{'' if n == 1 else 's'}"
        if self.decided:
            return f"Your QA evaluations — {self.decided} dispute{'' if self.decided == 1 else 's'} decided"
        return "Your QA evaluations and disputes"

    def sentences(self) -> list[str]:
        said = [
            f"{self.recent} QA evaluation{'' if self.recent == 1 else 's'} of yours in the last "
            "four weeks."
            if self.recent
            else "No QA evaluation of yours in the last four weeks."
        ]
        for day, owner, due in self.open_disputes:
            said.append(
                f"Your dispute of the evaluation of {day:%-d %b} is open: {owner} decides by "
                f"{due:%a %-d %b}."
            )
        for day, status, old, new in self.decisions:
            if status is DisputeStatus.UPHELD:
                outcome = f"upheld: the score of {_pct(old)} stands"
            elif old == new:
                outcome = f"adjusted: the answers changed, the score stays {_pct(new)}"
            else:
                outcome = "adjusted from {} to {}".format(*_scores(old, new))
            said.append(f"Your dispute of the {day:%-d %b} evaluation was {outcome}.")
        if self.decided:
            said.append("Read the reason for each decision with the evaluation.")
        if self.disputable:
            said.append(
                f"{self.disputable} evaluation{'' if self.disputable == 1 else 's'} can still be "
                "disputed if you think a score is wrong."
            )
        return said


def qa_glance(session: Session, *, agent_id: int, day: dt.date) -> QaGlance:
    """The agent's evaluations and disputes at a glance (no acting user: the caller checks that
    it is the agent's own, as My day does)."""
    window = dt.timedelta(days=get_settings().dispute_days)
    evaluations = session.exec(
        select(col(Evaluation.id), col(Evaluation.date)).where(
            Evaluation.agent_id == agent_id,
            Evaluation.date >= day - max(window, dt.timedelta(days=RECENT_DAYS - 1)),
            Evaluation.date <= day,
        )
    ).all()
    disputes = [
        (d, on, f"{name} ({Role(role).label.lower()})")  # who decides, with their role
        for d, on, name, role in session.exec(
            select(Dispute, col(Evaluation.date), col(Person.name), col(Person.role))
            .join(Evaluation, col(Evaluation.id) == Dispute.evaluation_id)
            .join(Person, col(Person.id) == Dispute.owner_id)
            .where(Dispute.agent_id == agent_id)
            .order_by(col(Dispute.due_date), col(Dispute.id))
        ).all()
    ]
    disputed = {d.evaluation_id for d, _, _ in disputes}
    since = day - dt.timedelta(days=RECENT_DAYS - 1)
    open_ones = [(d, on, str(owner)) for d, on, owner in disputes if d.status is DisputeStatus.OPEN]
    decided = sorted(
        (
            (d, on)
            for d, on, _ in disputes
            if d.decided_at is not None and _local_day(d.decided_at) >= since
        ),
        key=lambda pair: pair[0].decided_at or dt.datetime.min,
        reverse=True,
    )
    return QaGlance(
        recent=sum(on >= since for _, on in evaluations),
        disputable=sum(
            i not in disputed and dispute_window_end(on) >= day for i, on in evaluations
        ),
        open_disputes=tuple((on, owner, d.due_date) for d, on, owner in open_ones),
        decided=len(decided),
        open_evaluation=open_ones[0][0].evaluation_id if open_ones else None,
        decisions=tuple((on, d.status, d.old_score, d.new_score) for d, on in decided),
    )


def _local_day(at: dt.datetime) -> dt.date:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(get_settings().tz).date()
