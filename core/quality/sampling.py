"""Fair sampling: which interactions to evaluate, per agent, per period.

So that no agent is scored only on their worst week, or only on the channel they find hardest:
- every agent gets the same number of interactions (fewer only when they have fewer; said so);
- when the interactions have channels, each agent's draw is split across channels in proportion
  to their own mix (largest remainders);
- the picks are spread across the period's weeks in proportion to the interactions each week
  has (without a file: its working days), so a short week (a period starting on a Thursday, a
  week of holidays) gets its share and no more, and weeks alike get the same number;
- it is reproducible: the same seed, interactions and period give the same draw; each agent
  has a generator of their own (seed, agent), so adding an agent changes nobody else's draw.

The interactions come from a CSV the lead uploads (agent_email, reference, date, channel), or,
without one, the period's working days: "any interaction of that agent on that day", split by
the channels their evaluations were on (Evaluation.channel).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from sqlmodel import Session, col, select

from core.models import Evaluation, Person, Role, Team
from core.people.access import Actor, require_coach
from core.platform.calendar import organisation_calendar
from core.platform.csvio import line_of, read_csv, write_csv
from core.platform.errors import InvalidInput
from core.platform.parsing import listed, read_date

MAX_PER_AGENT = 50
MAX_DAYS = 366


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The period the page starts with: this month so far (the 1st to yesterday), since
    evaluation quotas are usually set per month; on the 1st, the whole of last month."""
    yesterday = today - dt.timedelta(days=1)
    return yesterday.replace(day=1), yesterday


def default_draw_number(start: dt.date, end: dt.date) -> int:
    """The draw number the page starts with for a period: made from the period itself (its
    first day as YYYYMMDD), so reopening the page shows the same draw for the same period."""
    del end  # another end is another period: another draw already
    return int(f"{start:%Y%m%d}")


CSV_COLUMNS = ("agent_email", "reference", "date")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Interaction:
    agent_id: int
    reference: str  # "" for "any interaction of that day"
    date: dt.date
    channel: str = ""  # "" when the data has none


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def quotas(
    weights: Mapping[K, float],
    available: Mapping[K, int],
    n: int,
    *,
    order: Sequence[K] | None = None,
) -> dict[K, int]:
    """`n` split in proportion to `weights` (largest remainders), never more than a key has
    available; what one cannot take goes to those with some to spare. Equal remainders go to
    the key with the most to spare, then the first in `order` (by default, sorted)."""
    keys = list(order) if order is not None else sorted(available, key=str)
    rank = {k: position for position, k in enumerate(keys)}
    w = {k: max(float(weights.get(k, 0.0)), 0.0) for k in keys}
    if not sum(w.values()):
        w = dict.fromkeys(keys, 1.0)
    share = {k: n * w[k] / sum(w.values()) for k in keys}
    got = {k: min(int(share[k]), available[k]) for k in keys}
    while sum(got.values()) < n:
        spare = [k for k in keys if got[k] < available[k]]
        if not spare:
            break
        # the one furthest below its share first, then the one with the most to spare
        best = min(spare, key=lambda k: (-(share[k] - got[k]), -(available[k] - got[k]), rank[k]))
        got[best] += 1
    return got


def draw_for_agent(
    pool: Sequence[Interaction], n: int, rng: np.random.Generator, weights: Mapping[str, float]
) -> list[Interaction]:
    """`n` of one agent's interactions, spread across weeks and split across channels.

    Each week gets picks in proportion to the interactions it has (for working days: its
    working days), so a week of two working days at the start of a period gets its share and
    no more; weeks alike in size get the same number, a random one of them the odd pick."""
    if len(pool) <= n:
        return sorted(pool, key=lambda i: (i.date, i.channel, i.reference))
    available = Counter(i.channel for i in pool)
    remaining = quotas(weights, available, n)
    by_week: dict[dt.date, list[Interaction]] = defaultdict(list)
    for interaction in sorted(pool, key=lambda i: (i.date, i.channel, i.reference)):
        by_week[week_of(interaction.date)].append(interaction)
    weeks = sorted(by_week)
    for week in weeks:
        bucket = by_week[week]
        by_week[week] = [bucket[int(k)] for k in rng.permutation(len(bucket))]
    order = [weeks[int(k)] for k in rng.permutation(len(weeks))]
    sizes = {week: len(by_week[week]) for week in weeks}
    per_week = quotas(sizes, sizes, n, order=order)
    picked: list[Interaction] = []

    def pick(week: dt.date) -> bool:
        options = [i for i in by_week[week] if remaining[i.channel] > 0]
        if not options:
            return False
        most = max(remaining[i.channel] for i in options)
        choice = next(i for i in options if remaining[i.channel] == most)
        by_week[week].remove(choice)
        remaining[choice.channel] -= 1
        per_week[week] -= 1
        picked.append(choice)
        return True

    # Round the weeks, one pick at a time, each week up to its share.
    going = True
    while going and sum(remaining.values()) > 0:
        going = False
        for week in order:
            if per_week[week] > 0 and sum(remaining.values()) > 0:
                going |= pick(week)
    # A channel's picks its weeks could not take (those weeks lack the channel) go to the
    # weeks that have it, still one at a time round the weeks.
    while sum(remaining.values()) > 0:
        for week in order:
            if sum(remaining.values()) > 0:
                pick(week)
    return sorted(picked, key=lambda i: (i.date, i.channel, i.reference))


def draw(
    interactions: Iterable[Interaction],
    *,
    agent_ids: Sequence[int],
    per_agent: int,
    seed: int,
    channel_mix: Mapping[int, Mapping[str, float]] | None = None,
) -> dict[int, list[Interaction]]:
    """Each agent's draw (agent id → interactions, by date). `channel_mix` gives an agent's
    channel weights; by default their own interactions' mix."""
    pools: dict[int, list[Interaction]] = defaultdict(list)
    for interaction in interactions:
        pools[interaction.agent_id].append(interaction)
    result = {}
    for agent in agent_ids:
        pool = pools.get(agent, [])
        weights = (channel_mix or {}).get(agent) or Counter(i.channel for i in pool)
        rng = np.random.default_rng([seed, agent])
        result[agent] = draw_for_agent(pool, per_agent, rng, weights)
    return result


# ------------------------------------------------------------------ the service


@dataclass(frozen=True)
class SampleRow:
    agent_id: int
    agent: str
    email: str
    reference: str
    date: dt.date
    channel: str


@dataclass(frozen=True)
class Sample:
    team: str
    start: dt.date
    end: dt.date
    per_agent: int
    seed: int
    from_file: bool  # interactions from an uploaded file, else the working days
    stratified: bool  # some agent's draw is split across their channels
    rows: list[SampleRow]
    short: list[tuple[str, int]]  # agents with fewer interactions than asked: (name, drawn)
    left_out: int  # rows of the file outside the team or the period
    any_channel: list[str]  # agents drawn without a channel (never evaluated; no channel in file)


def _interactions_from_csv(
    data: bytes, agents: Mapping[str, Person], start: dt.date, end: dt.date
) -> tuple[list[Interaction], int]:
    table = read_csv(data, required=CSV_COLUMNS, optional=("channel",))
    problems = list(table.problems)
    found: list[Interaction] = []
    left_out = 0
    for row in table.rows:
        email = row.values["agent_email"].lower()
        reference = row.values["reference"]
        day, why = read_date(row.values["date"])
        if why:
            problems.append(f"line {row.line}: {why}")
            continue
        if not reference:
            problems.append(f"line {row.line}: reference missing")
            continue
        if len(reference) > 120:
            problems.append(f"line {row.line}: the reference is longer than 120 characters")
            continue
        assert day is not None
        person = agents.get(email)
        if person is None or not start <= day <= end:
            left_out += 1
            continue
        assert person.id is not None
        found.append(
            Interaction(person.id, reference, day, row.values.get("channel", "").strip().lower())
        )
    if problems:
        shown = listed(sorted(problems, key=line_of))
        raise InvalidInput(
            "The file has rows Headway cannot read: " + "; ".join(shown) + ".", shown
        )
    return found, left_out


def draw_sample(
    session: Session,
    *,
    actor: Actor,
    team_id: int,
    start: dt.date,
    end: dt.date,
    per_agent: int,
    seed: int,
    interactions_csv: bytes | None = None,
) -> Sample:
    """Interactions to evaluate for every active agent of the team (its lead, or a manager)."""
    require_coach(actor, [team_id])
    if end < start:
        raise InvalidInput("The period ends before it starts: swap the dates.")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput("Draw for at most a year at a time.")
    if not 1 <= per_agent <= MAX_PER_AGENT:
        raise InvalidInput(f"Draw between 1 and {MAX_PER_AGENT} interactions per agent.")
    if not 0 <= seed < 2**32:
        raise InvalidInput("The draw number is a whole number from 0 to 4294967295.")
    team = session.get(Team, team_id)
    assert team is not None
    people = session.exec(
        select(Person)
        .where(
            Person.team_id == team_id,
            col(Person.active).is_(True),
            Person.role == Role.AGENT,
        )
        .order_by(col(Person.name))
    ).all()
    if not people:
        raise InvalidInput(f"{team.name} has no active agents to draw for.")
    ids = [p.id for p in people if p.id is not None]
    mix: dict[int, Counter[str]] = {}
    left_out = 0
    if interactions_csv is not None:
        pool, left_out = _interactions_from_csv(
            interactions_csv, {p.email.lower(): p for p in people}, start, end
        )
    else:
        for agent, channel in session.exec(
            select(Evaluation.agent_id, Evaluation.channel).where(col(Evaluation.agent_id).in_(ids))
        ).all():
            mix.setdefault(agent, Counter())[str(channel)] += 1
        days = list(organisation_calendar(session).days(start, end))
        # Every channel the agent's evaluations were on (one channel is a channel too); an agent
        # never evaluated has none: their days are for any channel, and the page says so.
        pool = [
            Interaction(agent, "", day, channel)
            for agent in ids
            for day in days
            for channel in (sorted(mix[agent]) if agent in mix else [""])
        ]
    drawn = draw(pool, agent_ids=ids, per_agent=per_agent, seed=seed, channel_mix=mix or None)
    by_id = {p.id: p for p in people}
    rows = [
        SampleRow(agent, by_id[agent].name, by_id[agent].email, i.reference, i.date, i.channel)
        for agent in ids
        for i in drawn[agent]
    ]
    return Sample(
        team.name,
        start,
        end,
        per_agent,
        seed,
        interactions_csv is not None,
        len({(i.agent_id, i.channel) for i in pool}) > len({i.agent_id for i in pool}),
        rows,
        [(by_id[a].name, len(drawn[a])) for a in ids if len(drawn[a]) < per_agent],
        left_out,
        [by_id[a].name for a in ids if any(not i.channel for i in drawn[a])],
    )


ANY_CHANNEL = "any channel"


def channel_text(channel: str) -> str:
    """A drawn interaction's channel as the lead reads it: "any channel" when there is none."""
    return channel or ANY_CHANNEL


SAMPLE_CSV_HEADER = ("agent", "agent_email", "reference", "date", "week of", "channel")


def sample_csv(sample: Sample) -> bytes:
    return write_csv(
        SAMPLE_CSV_HEADER,
        (
            (
                r.agent,
                r.email,
                r.reference or "any interaction that day",
                r.date.isoformat(),
                week_of(r.date).isoformat(),
                channel_text(r.channel),
            )
            for r in sample.rows
        ),
    )


def sample_checklist(sample: Sample) -> str:
    """The draw as a plain-text list to work through, agent by agent."""
    lines = [
        f"Interactions to evaluate — {sample.team}, {sample.start} to {sample.end}",
        f"{sample.per_agent} per agent, draw number {sample.seed} (the same number, period and "
        "interactions give the same list)",
        "",
    ]
    current = None
    for r in sample.rows:
        if r.agent_id != current:
            if current is not None:
                lines.append("")
            lines.append(r.agent)
            current = r.agent_id
        what = r.reference or "any interaction"
        lines.append(f"[ ] {r.date:%a %d %b %Y} — {what} ({channel_text(r.channel)})")
    return "\n".join(lines) + "\n"
