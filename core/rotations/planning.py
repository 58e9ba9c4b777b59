"""Assignment runs (the exact planner of core.scheduling.rotations), hand overrides with
validation, publishing, and reading the assignments of a term."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlmodel import Session, col, delete, select

from core.models import (
    Assignment,
    AssignmentStatus,
    Department,
    Interest,
    NotificationKind,
    Person,
    Role,
    Team,
    Term,
    id_of,
)
from core.notify.notifications import active_people, message_to, send
from core.people.access import Actor, require_planner
from core.platform.clock import today, utcnow
from core.platform.errors import InvalidInput, NotFound, StaleEdit
from core.rotations.terms import (
    DEFAULT_SESSION,
    _hosting,
    get_term,
    weekly_session,
    weekly_sessions,
)
from core.scheduling.rotations import (
    RotationAgent,
    RotationProblem,
    assign_rotations,
    ordinal,
    unassigned_reason,
)

FIXED = (
    AssignmentStatus.PUBLISHED,
    AssignmentStatus.ACTIVE,
    AssignmentStatus.COMPLETED,
)


@dataclass(frozen=True)
class AssignmentRead:
    id: int
    term_id: int
    term: str
    person_id: int
    person_name: str
    team_name: str
    department_id: int
    department: str
    status: AssignmentStatus
    interest_rank: int | None
    host_feedback: str
    version: int
    why: str = ""  # for the lead: which choice this is, or why no listed interest was possible
    # When the ambassador is with the department each week, as the calendar file holds it.
    weekly: str = ""


@dataclass(frozen=True)
class RotationOutcome:
    status: str
    assigned: int
    unassigned: list[tuple[str, str]]
    interest_score: int | None
    solve_seconds: float
    agents: int = 0


@dataclass(frozen=True)
class PlanReview:
    """A term's assignments for some teams, each explained, with who is not placed and why."""

    rows: list[AssignmentRead]
    not_placed: list[tuple[str, str]]  # agent, why
    summary: str  # what the plan achieved for the agents' choices, in words


def active_agents(session: Session, team_ids: Sequence[int]) -> list[Person]:
    """The active agents of the teams, by name."""
    return list(
        session.exec(
            select(Person)
            .where(
                col(Person.team_id).in_(team_ids),
                Person.role == Role.AGENT,
                col(Person.active).is_(True),
            )
            .order_by(col(Person.name))
        ).all()
    )


def _build_problem(
    session: Session, *, term_id: int, team_ids: Sequence[int]
) -> tuple[RotationProblem, dict[str, Person], dict[str, int]]:
    """The planner's problem for some teams: capacity already taken by other teams is left out."""
    term = get_term(session, term_id)
    agents = active_agents(session, team_ids)
    ids = [a.id for a in agents]
    departments = {h.department: h for h in _hosting(session, term_id=term_id)}
    dept_ids = {name: h.department_id for name, h in departments.items()}
    names = {h.department_id: name for name, h in departments.items()}
    taken = Counter(
        names.get(a.department_id, "")
        for a in session.exec(
            select(Assignment)
            .where(Assignment.term_id == term_id, col(Assignment.person_id).not_in(ids))
            .where(col(Assignment.status).in_(FIXED))
        ).all()
    )
    capacities = {name: max(0, h.capacity - taken[name]) for name, h in departments.items()}
    interests: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in session.exec(select(Interest).where(col(Interest.person_id).in_(ids))).all():
        interests[i.person_id].append((i.rank, i.department_id))
    history: dict[int, set[str]] = defaultdict(set)
    visits: dict[int, dict[str, tuple[dt.date, str]]] = defaultdict(dict)
    pinned: dict[int, str] = {}
    all_names = {d.id: d.name for d in session.exec(select(Department)).all()}
    earlier = {t.id: t for t in session.exec(select(Term).where(Term.start < term.start)).all()}
    for a in session.exec(select(Assignment).where(col(Assignment.person_id).in_(ids))).all():
        if a.status not in FIXED:
            continue
        name = all_names.get(a.department_id, str(a.department_id))
        if a.term_id == term_id:
            pinned[a.person_id] = name
        elif a.term_id in earlier:
            history[a.person_id].add(name)
            past = earlier[a.term_id]
            if past.start > visits[a.person_id].get(name, (dt.date.min, ""))[0]:
                visits[a.person_id][name] = (past.start, past.name)
    keys: dict[str, Person] = {}
    rows = []
    for person in agents:
        assert person.id is not None
        key = f"{person.name} (#{person.id})"
        keys[key] = person
        # Every ranked department, hosting or not: the planner leaves the others out of the
        # score and the explanations say why they could not be had.
        ranked = [all_names[d] for _, d in sorted(interests.get(person.id, [])) if d in all_names]
        rows.append(
            RotationAgent(
                key,
                str(person.team_id),
                tuple(ranked),
                frozenset(history[person.id]),
                pinned.get(person.id),
                tuple((d, t) for d, (_, t) in sorted(visits[person.id].items())),
            )
        )
    problem = RotationProblem(
        term.name,
        capacities,
        tuple(rows),
        term.max_per_team_per_department,
        {name: n for name, n in taken.items() if name in departments},
    )
    return problem, keys, dept_ids


def run_rotations(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> RotationOutcome:
    """Propose a department for every agent of the teams; published assignments stay."""
    require_planner(actor, team_ids)
    if not team_ids:
        raise InvalidInput("Choose at least one team.")
    problem, keys, dept_ids = _build_problem(session, term_id=term_id, team_ids=team_ids)
    if not problem.agents:
        raise InvalidInput("The chosen teams have no active agents.")
    plan = assign_rotations(problem)
    names = {k: p.name for k, p in keys.items()}
    unassigned = [(names[a], r) for a, r in plan.unassigned]
    if plan.status != "optimal":
        return RotationOutcome(
            plan.status, 0, unassigned, None, plan.solve_seconds, len(problem.agents)
        )
    ids = [p.id for p in keys.values()]
    session.exec(
        delete(Assignment).where(
            col(Assignment.term_id) == term_id,
            col(Assignment.person_id).in_(ids),
            col(Assignment.status) == AssignmentStatus.PROPOSED,
        )
    )
    by_key = {a.id: a for a in problem.agents}
    new = []
    for key, department in plan.assignments:
        if by_key[key].pinned is not None:
            continue
        ranked = list(by_key[key].interests)
        rank = ranked.index(department) + 1 if department in ranked else None
        new.append(
            Assignment(
                term_id=term_id,
                person_id=id_of(keys[key]),
                department_id=dept_ids[department],
                interest_rank=rank,
            )
        )
    session.add_all(new)
    session.flush()
    return RotationOutcome(
        "optimal",
        len(plan.assignments),
        unassigned,
        plan.interest_score,
        plan.solve_seconds,
        len(problem.agents),
    )


def _effective_status(a: Assignment, term: Term) -> AssignmentStatus:
    if a.status == AssignmentStatus.PUBLISHED:
        day = today()
        if day > term.end:
            return AssignmentStatus.COMPLETED
        if day >= term.start:
            return AssignmentStatus.ACTIVE
    return AssignmentStatus(a.status)


def _reads(session: Session, rows: Sequence[Assignment]) -> list[AssignmentRead]:
    terms = {t.id: t for t in session.exec(select(Term)).all()}
    depts = dict(session.exec(select(Department.id, Department.name)).all())
    teams = dict(session.exec(select(Team.id, Team.name)).all())  # names only: every rerun
    weekly = weekly_sessions(session, {r.term_id for r in rows})
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_([r.person_id for r in rows]))
        ).all()
    }
    out = []
    for a in rows:
        assert a.id is not None
        person = people[a.person_id]
        term = terms[a.term_id]
        out.append(
            AssignmentRead(
                a.id,
                a.term_id,
                term.name,
                a.person_id,
                person.name,
                teams.get(person.team_id, ""),
                a.department_id,
                depts.get(a.department_id, ""),
                _effective_status(a, term),
                a.interest_rank,
                a.host_feedback,
                a.version,
                weekly=weekly.get((a.term_id, a.department_id), DEFAULT_SESSION).sentence(),
            )
        )
    return out


def list_assignments(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> list[AssignmentRead]:
    require_planner(actor, team_ids)
    rows = session.exec(
        select(Assignment)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(Assignment.term_id == term_id, col(Person.team_id).in_(team_ids))
        .order_by(col(Person.name))
    ).all()
    return _reads(session, rows)


def review_assignments(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> PlanReview:
    """The lead's review: every assignment with one phrase on why it is where it is (computed
    by the planner's own rules on the final counts), who is not placed and why, and a sentence
    on how many agents got one of their choices."""
    rows = list_assignments(session, actor=actor, term_id=term_id, team_ids=team_ids)
    if not rows:
        return PlanReview([], [], "")
    problem, keys, _ = _build_problem(session, term_id=term_id, team_ids=team_ids)
    agent_of = {id_of(keys[a.id]): a for a in problem.agents}
    used = Counter(r.department for r in rows)
    used_team = Counter(
        (agent_of[r.person_id].team, r.department) for r in rows if r.person_id in agent_of
    )
    explained = [
        replace(
            r,
            why=problem.explain(agent_of[r.person_id], r.department, used, used_team)
            if r.person_id in agent_of
            else "no longer an active agent of these teams",
        )
        for r in rows
    ]
    placed = {r.person_id: r.department for r in rows}
    not_placed = [
        (keys[a.id].name, unassigned_reason(problem, a, used, used_team))
        for a in problem.agents
        if id_of(keys[a.id]) not in placed
    ]
    ranks = [
        list(dict.fromkeys(a.interests)).index(placed[person_id]) + 1
        if placed.get(person_id) in a.interests
        else None
        for person_id, a in agent_of.items()
        if person_id in placed
    ]
    return PlanReview(explained, not_placed, choices_sentence(ranks, len(problem.agents)))


def without_a_choice(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> list[tuple[str, str]]:
    """Before a run: each agent of the teams none of whose listed interests can be had this
    term (already visited, not hosting, no places left), with why; agents whose rotation is
    already published are left out."""
    require_planner(actor, team_ids)
    if not team_ids:
        return []
    problem, keys, _ = _build_problem(session, term_id=term_id, team_ids=team_ids)
    out = []
    for agent in problem.agents:
        if agent.pinned is not None:
            continue
        ranked = list(dict.fromkeys(agent.interests))
        reasons = [problem.out_of_reach(agent, d) for d in ranked]
        if all(r is not None for r in reasons):
            why = "; ".join(r for r in reasons if r) or "has not ranked any departments"
            out.append((keys[agent.id].name, why))
    return out


def choices_sentence(
    ranks: Sequence[int | None],
    agents: int,
    *,
    why: str = "see why in the table",
    who: str = "agents",
) -> str:
    """How many of `agents` got one of their choices, from the choice rank of each placed
    agent (None: not one of their choices): "12 of 15 agents got one of their choices: 8 first
    choice, 3 second, 1 third; 3 could not — see why in the table"."""
    if agents == 0:
        return ""
    got = Counter(r for r in ranks if r is not None)
    total = sum(got.values())
    missed = agents - total
    if total == 0:
        return f"None of the {agents} {who} got one of their choices — {why}."
    words = {1: "first", 2: "second", 3: "third"}
    parts = [f"{got[r]} {words.get(r, ordinal(r))}" for r in sorted(got)]
    parts[0] += " choice"
    head = f"All {agents} {who}" if missed == 0 else f"{total} of {agents} {who}"
    tail = "" if missed == 0 else f"; {missed} could not — {why}"
    return f"{head} got one of their choices: {', '.join(parts)}{tail}."


def override(
    session: Session, *, actor: Actor, assignment_id: int, department_id: int, expected_version: int
) -> None:
    """Move one agent to another department by hand, refusing anything that breaks a rule."""
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound(f"There is no assignment with id {assignment_id}.")
    person = session.get(Person, a.person_id)
    assert person is not None and person.team_id is not None
    require_planner(actor, [person.team_id])
    if a.version != expected_version:
        raise StaleEdit(
            "This assignment was changed by someone else since you opened it; reload and try again."
        )
    term = get_term(session, a.term_id)
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFound("That department does not exist.")
    cap = next(
        (
            h.capacity
            for h in _hosting(session, term_id=a.term_id)
            if h.department_id == department_id
        ),
        0,
    )
    others = session.exec(
        select(Assignment).where(
            Assignment.term_id == a.term_id,
            Assignment.department_id == department_id,
            Assignment.id != a.id,
        )
    ).all()
    if len(others) >= cap:
        raise InvalidInput(f"{dept.name} is full this term ({cap} ambassadors).")
    limit = term.max_per_team_per_department
    if limit is not None:
        same_team = session.exec(select(Person.id).where(Person.team_id == person.team_id)).all()
        if sum(1 for o in others if o.person_id in same_team) >= limit:
            raise InvalidInput(
                f"{dept.name} already takes {limit} agents of {person.name}'s team this term."
            )
    # The history rule is the planner's own (the problem says why not), never a second copy.
    problem, keys, _ = _build_problem(session, term_id=a.term_id, team_ids=[person.team_id])
    agent = next(r for r in problem.agents if keys[r.id].id == person.id)
    reason = problem.why_not(agent, dept.name)
    if reason is not None:
        raise InvalidInput(f"{person.name} {reason}.")
    ranks = dict(
        (d, r)
        for r, d in session.exec(
            select(Interest.rank, Interest.department_id).where(Interest.person_id == person.id)
        ).all()
    )
    a.department_id = department_id
    a.interest_rank = ranks.get(department_id)
    a.version += 1
    a.updated_at = utcnow()
    session.add(a)


def publish_rotations(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> int:
    require_planner(actor, team_ids)
    rows = session.exec(
        select(Assignment)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(
            Assignment.term_id == term_id,
            col(Person.team_id).in_(team_ids),
            Assignment.status == AssignmentStatus.PROPOSED,
        )
    ).all()
    for a in rows:
        a.status = AssignmentStatus.PUBLISHED
        a.version += 1
        session.add(a)
    session.flush()
    term = get_term(session, term_id)
    departments = {d.id: d.name for d in session.exec(select(Department)).all()}
    people = active_people(session, [a.person_id for a in rows])
    if term.end < today():  # a past term recorded late is no news to anyone
        return len(rows)
    send(
        session,
        [
            message_to(
                people[a.person_id],
                kind=NotificationKind.ROTATION_PUBLISHED,
                subject=f"assignment:{a.id}",
                title=f"You are a customer ambassador to {departments[a.department_id]} "
                f"in {term.name}",
                body=f"From {term.start:%-d %B} to {term.end:%-d %B %Y}, "
                + weekly_session(session, term_id=term_id, department_id=a.department_id).sentence()
                + ". Details and the calendar on My rotation.",
                link="my_rotation",
            )
            for a in rows
            if a.person_id in people
        ],
    )
    return len(rows)


def my_rotations(session: Session, *, actor: Actor) -> list[AssignmentRead]:
    """My published rotations, newest term first (proposals stay with the lead until published)."""
    rows = session.exec(
        select(Assignment)
        .join(Term, col(Term.id) == Assignment.term_id)
        .where(Assignment.person_id == actor.id, col(Assignment.status).in_(FIXED))
        .order_by(col(Term.start).desc())
    ).all()
    return _reads(session, rows)
