"""Demo conversations: comments on notes and evaluations, two open disputes (one overdue; the
demo lead decides the other) and one decided dispute whose reviewer answered a question again —
with the history each would have had."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, col, select

from core.models import (
    CoachingNote,
    Comment,
    CommentOn,
    Dispute,
    DisputeEvent,
    DisputeStatus,
    DisputeStep,
    Evaluation,
    FollowUp,
    NoteAgreement,
    Observation,
    Person,
    Scorecard,
    Team,
    id_of,
)
from core.platform.calendar import WorkCalendar, organisation_calendar
from core.quality.disputes import question_labels, reanswer, reviewer_for
from core.quality.evaluations import Answer, evaluation_reference, parse_definition

AGENT_SAYS = (
    "Thanks — can we listen to one of those calls together on Friday?",
    "I tried the recap on my chats today; customers seemed to like it.",
    "The customer hung up before I could offer to check back in.",
)
COACH_SAYS = (
    "Yes, let's take twenty minutes on Friday after the huddle.",
    "Good to hear. Keep a note of one that went well and we'll look at it.",
)
OPEN_REASONS = (
    "The customer had already been verified by the IVR, so asking again was not needed.",
    "I did set a next step: the ticket shows the callback I booked for the next morning.",
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def seed_conversations(
    session: Session, teams: Sequence[Team], agents: Sequence[Person], today: dt.date
) -> None:
    """From its own generator, so every other demo draw stays the same."""
    rng = np.random.default_rng(20261125)
    if not agents:
        return
    calendar = organisation_calendar(session)
    alex = next((a for a in agents if a.email == "agent@example.com"), agents[0])
    coach_of = {t.id: t.lead_id for t in teams}
    _a_1_1_for_alex(session, alex, coach_of.get(alex.team_id), calendar, today)
    talkers = [
        alex,
        *[agents[int(i)] for i in rng.choice(len(agents), min(6, len(agents)), replace=False)],
    ]
    comments = []
    for agent in {id_of(a): a for a in talkers}.values():
        coach = coach_of.get(agent.team_id)
        note = session.exec(
            select(CoachingNote)
            .where(CoachingNote.agent_id == agent.id)
            .order_by(col(CoachingNote.date).desc())
        ).first()
        if note is None or coach is None:
            continue
        day = min(today, note.date + dt.timedelta(days=1))
        comments += [
            Comment(
                record_type=CommentOn.COACHING_NOTE,
                record_id=id_of(note),
                agent_id=id_of(agent),
                author_id=id_of(agent),
                text=AGENT_SAYS[int(rng.integers(2))],
                created_at=_at(day, 9),
            ),
            Comment(
                record_type=CommentOn.COACHING_NOTE,
                record_id=id_of(note),
                agent_id=id_of(agent),
                author_id=coach,
                text=COACH_SAYS[int(rng.integers(len(COACH_SAYS)))],
                created_at=_at(day, 11),
            ),
        ]
    session.add_all(comments)

    def evaluations_of(agent: Person, first: dt.date, last: dt.date) -> list[Evaluation]:
        return list(
            session.exec(
                select(Evaluation)
                .where(
                    Evaluation.agent_id == agent.id,
                    Evaluation.date >= first,
                    Evaluation.date <= last,
                    Evaluation.score < 90,
                )
                .order_by(col(Evaluation.date), col(Evaluation.id))
            ).all()
        )

    # Alex's decided dispute: an older evaluation, adjusted up by its reviewer.
    older = [
        e
        for e in evaluations_of(alex, today - dt.timedelta(days=200), today - dt.timedelta(days=20))
        if not e.critical_failed  # a missed critical item would keep it at 0 whatever n.a. does
    ]
    if older:
        _decided(
            session, older[-1], calendar.add_working_days(older[-1].date + dt.timedelta(days=2), 5)
        )
    # Two open disputes of colleagues' evaluations: one opened yesterday that the demo lead owns
    # (an agent of their team disputes a score another lead gave: the lead may decide it), and
    # one overdue (whoever owns it: a manager when the lead scored it).
    others = [a for a in agents if a.id != alex.id]
    order = [others[int(i)] for i in rng.permutation(len(others))]
    order.sort(key=lambda a: a.team_id != alex.team_id)  # Alex's team first (the demo lead)
    wanted = (
        (today - dt.timedelta(days=6), today - dt.timedelta(days=1), False, True),
        (today - dt.timedelta(days=20), today - dt.timedelta(days=10), True, False),
    )
    used: set[int] = set()
    for first, last, overdue, lead_decides in wanted:
        candidates = [
            (agent, e)
            for agent in order
            if agent.id not in used
            for e in reversed(evaluations_of(agent, first, last))
        ]
        if lead_decides:  # scored by another lead: the agent's own lead reviews it
            candidates.sort(
                key=lambda c: (
                    c[0].team_id != alex.team_id or c[1].evaluator_id == coach_of.get(c[0].team_id)
                )
            )
        for agent, e in candidates[:1]:
            opened = e.date + dt.timedelta(days=1) if overdue else today - dt.timedelta(days=1)
            _open(session, e, opened, calendar.add_working_days(opened, 5), OPEN_REASONS)
            used.add(id_of(agent))
    session.flush()


def _a_1_1_for_alex(
    session: Session,
    alex: Person,
    coach: int | None,
    calendar: WorkCalendar,
    today: dt.date,
) -> None:
    """The demo agent's recent 1:1, when the coaching draws gave them none: the lead has
    proposed and signed what they agreed on, and it waits for Alex's signature (the sign-off
    and the conversation are then there to try as agent@example.com)."""
    if (
        coach is None
        or session.exec(select(CoachingNote.id).where(CoachingNote.agent_id == alex.id)).first()
    ):
        return
    day = calendar.previous_working_day(today - dt.timedelta(days=8))
    note = CoachingNote(
        agent_id=id_of(alex),
        coach_id=coach,
        date=day,
        focus_metric="fcr",
        focus_section="Resolution",
        went_well="Calm tone and accurate notes on the account.",
        to_try="Before closing, ask whether anything else is unresolved and set one clear "
        "next step.",
        actions="Try it on five calls this week; I'll check back in with you.",
        closed=True,
    )
    session.add(note)
    session.flush()
    session.add(
        FollowUp(
            note_id=id_of(note),
            date=calendar.add_working_days(day, 3),
            outcome="Asked on most calls; two customers had a second question.",
            next_step="Keep it up.",
            closes=True,
            by_id=coach,
        )
    )
    session.add(
        NoteAgreement(
            note_id=id_of(note),
            text="Ask “is there anything else?” before closing, and book the callback "
            "while the customer is on the line.",
            proposed_by_id=coach,
            proposed_at=_at(day, 15),
            coach_id=coach,
            coach_signed_at=_at(day, 15),
        )
    )


def _open(
    session: Session,
    e: Evaluation,
    opened: dt.date,
    due: dt.date,
    reasons: Sequence[str],
) -> Dispute | None:
    reviewer = reviewer_for(session, e)
    if reviewer is None:
        return None
    dispute = Dispute(
        evaluation_id=id_of(e),
        agent_id=e.agent_id,
        evaluator_id=e.evaluator_id,
        reason=reasons[id_of(e) % len(reasons)],
        owner_id=id_of(reviewer),
        due_date=due,
        opened_at=_at(opened, 10),
        old_score=e.score,
    )
    session.add(dispute)
    session.flush()
    session.add(
        DisputeEvent(
            dispute_id=id_of(dispute),
            step=DisputeStep.OPENED,
            by_id=e.agent_id,
            at=dispute.opened_at,
            reason=dispute.reason,
            old_score=e.score,
        )
    )
    return dispute


GREETING = "Opening and empathy › Greeted the customer and used their name"


def _decided(session: Session, e: Evaluation, due: dt.date) -> None:
    """Alex's adjusted dispute: the evaluator answered "no" to the greeting on a call that was
    transferred after it; the reviewer answered it again as n.a. (scored by the scorecard)."""
    card = session.get(Scorecard, e.scorecard_id)
    assert card is not None
    sections = parse_definition(json.loads(card.definition))
    if GREETING not in question_labels(sections):
        return
    original, scored, _ = reanswer(sections, json.loads(e.answers), {GREETING: "no"})
    _rescore(e, original, scored.score, scored.critical_failed)
    opened = e.date + dt.timedelta(days=2)
    dispute = _open(
        session,
        e,
        opened,
        due,
        ("The call was transferred to me after the greeting: I could not greet the customer.",),
    )
    if dispute is None:
        return
    dispute.items = json.dumps([GREETING])
    answers, result, changes = reanswer(sections, original, {GREETING: "na"}, allowed=[GREETING])
    decided_at = _at(opened + dt.timedelta(days=3), 14)
    reason = "Agreed: the greeting happened before the transfer; scored as n.a."
    dispute.status, dispute.new_score = DisputeStatus.ADJUSTED, result.score
    dispute.decided_by_id, dispute.decided_at, dispute.decision_reason = (
        dispute.owner_id,
        decided_at,
        reason,
    )
    session.add(dispute)
    session.add(
        DisputeEvent(
            dispute_id=id_of(dispute),
            step=DisputeStep.ADJUSTED,
            by_id=dispute.owner_id,
            at=decided_at,
            reason=reason,
            old_score=e.score,
            new_score=result.score,
            answer_changes=json.dumps([c.__dict__ for c in changes]),
        )
    )
    _rescore(e, answers, result.score, result.critical_failed)
    session.add(e)
    session.execute(
        update(Observation)
        .where(
            col(Observation.metric) == "qa_score",
            col(Observation.reference) == evaluation_reference(e.id),
        )
        .values(value=e.score)
    )


def _rescore(e: Evaluation, answers: list[list[Answer]], score: float, failed: bool) -> None:
    e.answers, e.score, e.critical_failed = json.dumps(answers), score, failed
