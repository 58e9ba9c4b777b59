"""Demo learning: shares around contact-centre topics, kudos, pledges at every status and
months of mind checks."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlmodel import Session, select

from core.models import Person, id_of

TOPICS = (
    (
        "Refund escalations",
        "billing,escalation",
        "summarise the refund policy before the customer asks",
        "calming an angry caller with a clear next step",
    ),
    (
        "Chat openers",
        "chat,csat",
        "a shorter opening line on chat",
        "customers answered faster and rated us higher",
    ),
    (
        "Order tracking tool",
        "tools,orders",
        "the new order-lookup shortcut saves a minute a call",
        "using it on every call this week",
    ),
    (
        "Checking back in",
        "follow-up,fcr",
        "calling back the next day instead of saying good luck",
        "customers thanked me for remembering",
    ),
    (
        "Knowledge base article",
        "knowledge,repeat-contacts",
        "writing up the top repeat contact",
        "two colleagues used it the same day",
    ),
    (
        "Social care rule of three",
        "social,channels",
        "move to a private channel after three public replies",
        "fewer public arguments",
    ),
)


DIDNT_WORK = (
    "Reading the policy word for word made the call longer and the customer more annoyed.",
    "Trying it on every call at once: I forgot half the time.",
    "The shortcut fails for orders older than a year.",
)
NEXT_TIME = (
    "Practise it with a peer before trying it live.",
    "Shadow someone who already does it well.",
    "Write a one-page guide and share it at the team huddle.",
    "Ask the customer at the end whether anything is still open.",
)


def seed_learning(
    session: Session, agents: list[Person], today: dt.date, rng: np.random.Generator
) -> None:
    """Learning shares around real contact-centre topics, kudos, pledges at every status and
    months of mind checks."""
    import json

    from core.learning.pledges import TEMPLATES
    from core.models import (
        Kudos,
        LearningShare,
        MindAnswer,
        MindCheck,
        PdDay,
        Pledge,
        PledgeStatus,
        Visibility,
    )

    shares = []
    days = {
        d.person_id: d for d in session.exec(select(PdDay).where(PdDay.status == "completed")).all()
    }
    for person in agents:
        for _ in range(int(rng.integers(0, 3))):
            title, tags, learned, worked = TOPICS[int(rng.integers(0, len(TOPICS)))]
            created = today - dt.timedelta(days=int(rng.integers(0, 120)))
            pd_day = days.get(id_of(person))
            shares.append(
                LearningShare(
                    author_id=id_of(person),
                    title=title,
                    learned=f"{learned[0].upper()}{learned[1:]}.",
                    worked=f"{worked[0].upper()}{worked[1:]}.",
                    didnt_work=DIDNT_WORK[int(rng.integers(0, len(DIDNT_WORK)))]
                    if rng.random() < 0.6
                    else "",
                    next_time=NEXT_TIME[int(rng.integers(0, len(NEXT_TIME)))],
                    tags=tags,
                    visibility=Visibility.ORGANISATION if rng.random() < 0.4 else Visibility.TEAM,
                    pd_day_id=pd_day.id if pd_day and rng.random() < 0.5 else None,
                    created_at=dt.datetime.combine(created, dt.time(12), dt.UTC),
                )
            )
    session.add_all(shares)
    session.flush()
    kudos = set()
    for share in shares:
        for _ in range(int(rng.integers(0, 4))):
            reader = id_of(agents[int(rng.integers(0, len(agents)))])
            if reader != share.author_id:
                kudos.add((id_of(share), reader, share.created_at))
    session.add_all(Kudos(share_id=s, person_id=r, created_at=c) for s, r, c in kudos)
    from core.platform.calendar import organisation_calendar

    calendar = organisation_calendar(session)
    statuses = [
        PledgeStatus.DRAFT,
        PledgeStatus.AWAITING_MENTOR,
        PledgeStatus.ACTIVE,
        PledgeStatus.ACTIVE,
        PledgeStatus.RENEWED,
        PledgeStatus.RETIRED,
    ]
    checks = []
    for index, person in enumerate(agents):
        if person.email == "agent@example.com" or rng.random() > 0.4:
            continue  # the demo agent makes their own pledge in the browser
        status = statuses[int(rng.integers(0, len(statuses)))]
        mentor = agents[(index + 7) % len(agents)]
        start = today - dt.timedelta(days=int(rng.integers(30, 150)))
        signed = status not in (PledgeStatus.DRAFT,)
        pledge = Pledge(
            agent_id=id_of(person),
            mentor_id=id_of(mentor),
            commitments=json.dumps(list(TEMPLATES[: int(rng.integers(2, 6))])),
            start_date=start,
            status=status,
            agent_signed_at=dt.datetime.combine(start, dt.time(9), dt.UTC) if signed else None,
            mentor_signed_at=dt.datetime.combine(start, dt.time(15), dt.UTC)
            if signed and status is not PledgeStatus.AWAITING_MENTOR
            else None,
        )
        session.add(pledge)
        session.flush()
        if status in (PledgeStatus.ACTIVE, PledgeStatus.RENEWED, PledgeStatus.RETIRED):
            keep = float(rng.uniform(0.5, 0.95))
            for offset in range((today - start).days):
                day = start + dt.timedelta(days=offset + 1)
                if calendar.is_working_day(day) and rng.random() < keep:
                    answer = rng.choice(["kept", "kept", "kept", "partly", "slipped"])
                    checks.append(
                        MindCheck(
                            pledge_id=id_of(pledge),
                            agent_id=id_of(person),
                            date=day,
                            answer=MindAnswer(str(answer)),
                            note="Took a breath before replying."
                            if answer != "kept" and rng.random() < 0.3
                            else "",
                        )
                    )
    session.add_all(checks)
