"""Customer voice in the demo: a support team's contact reasons, a few hundred insights agents
logged over the last months (with colleagues hearing them too), themes in every state carried
by the ambassadors of their term, and daily contact volumes per reason with two changes: a
refund tracker that plainly cut refund-status contacts, and a new password-reset e-mail that did
nothing."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from sqlmodel import Session, col, select

from core.models import (
    Assignment,
    AssignmentStatus,
    ContactReason,
    ContactVolume,
    Department,
    Insight,
    InsightContact,
    InsightKind,
    NotificationKind,
    Person,
    ReasonStatus,
    Team,
    Term,
    Theme,
    ThemeEvent,
    ThemeStatus,
    ThemeStep,
    id_of,
)
from core.notify.notifications import message_to, send
from core.voice.insights import refresh_all_counts

P, IDEA, Q, G = InsightKind.PROBLEM, InsightKind.IDEA, InsightKind.QUESTION, InsightKind.PRAISE
# reason → (department, daily contacts, [(kind, what the customer said)])
REASONS: dict[str, tuple[str, int, list[tuple[InsightKind, str]]]] = {
    "Refund status": (
        "Billing",
        60,
        [
            (Q, "Wanted to know where their refund is; the app only says 'processing'"),
            (P, "Refund promised in 5 days, now day 12 and no e-mail explaining the delay"),
            (IDEA, "Customer asked for a refund tracker like the parcel tracker"),
            (P, "Called three times about the same refund; each time told to wait"),
            (Q, "Could not tell whether the refund went to the card or to store credit"),
        ],
    ),
    "Payment failed": (
        "Billing",
        35,
        [
            (P, "Card declined at renewal but the bank says nothing was blocked"),
            (Q, "Payment failed e-mail does not say what to do next"),
            (IDEA, "Would like a reminder a few days before the card expires"),
        ],
    ),
    "Invoice questions": (
        "Billing",
        25,
        [
            (Q, "Invoice shows a pro-rata charge nobody explained"),
            (P, "VAT number missing from the invoice; their accountant rejected it"),
            (IDEA, "Asked to download all invoices for the year in one go"),
        ],
    ),
    "Password reset": (
        "Engineering",
        45,
        [
            (P, "Reset link expired before the e-mail arrived"),
            (P, "Reset e-mail lands in spam for a big webmail provider"),
            (Q, "Did not know the reset link only works on the same device"),
        ],
    ),
    "App crash": (
        "Engineering",
        20,
        [
            (P, "App closes when opening the bills tab on older Android phones"),
            (P, "App freezes after the latest update when switching accounts"),
        ],
    ),
    "Plan upgrade": (
        "Sales",
        18,
        [
            (Q, "Could not compare plans side by side before upgrading"),
            (P, "Was promised a discount on the phone that the website does not show"),
            (G, "Loved that the upgrade took effect straight away"),
        ],
    ),
    "Promotion terms": (
        "Marketing",
        15,
        [
            (Q, "Spring offer e-mail did not say it was for new customers only"),
            (P, "Promo code from the advert is rejected at checkout"),
        ],
    ),
    "Cancel subscription": (
        "Customer Success",
        22,
        [
            (P, "Wanted to pause instead of cancel but there is no such option"),
            (Q, "Could not find how to cancel online; thinks we hide it"),
            (IDEA, "Would stay for a cheaper plan with fewer features"),
        ],
    ),
    "Feature request": (
        "Product",
        12,
        [
            (IDEA, "Asked for a dark mode in the app"),
            (IDEA, "Wants to share the account with a family member without sharing the password"),
            (G, "Praised the new usage chart; asked for it by week too"),
        ],
    ),
    "Long wait": (
        "Workforce Management",
        16,
        [
            (P, "Waited 25 minutes on Monday morning before anyone answered"),
            (IDEA, "Would happily take a call back instead of holding"),
        ],
    ),
    "Conflicting advice": (
        "Quality & Training",
        10,
        [
            (P, "Two agents gave two different answers about the cancellation fee"),
            (P, "Previous agent promised a call back that never came"),
        ],
    ),
    "Delivery of equipment": (
        "Customer Success",
        14,
        [
            (P, "Router arrived after the installation date"),
            (Q, "No tracking number in the dispatch e-mail"),
        ],
    ),
}
# The themes: (title, reason, text index, state, days ago made a theme, answer words, day offset)
THEMES: tuple[tuple[str, str, int, ThemeStatus, int, str, int], ...] = (
    (
        "Refund status not visible",
        "Refund status",
        0,
        ThemeStatus.CHANGED,
        170,
        "A refund tracker in the app and an e-mail at each step, live for every refund",
        -120,
    ),
    (
        "Reset e-mail arrives too late",
        "Password reset",
        0,
        ThemeStatus.CHANGED,
        150,
        "A new reset e-mail template with a 24-hour link",
        -90,
    ),
    (
        "Payment failed: no next step",
        "Payment failed",
        1,
        ThemeStatus.WILL_CHANGE,
        60,
        "The e-mail will link to a page that lets the customer update the card",
        45,
    ),
    (
        "No pause option",
        "Cancel subscription",
        0,
        ThemeStatus.WONT_CHANGE,
        80,
        "A pause costs more to run than it keeps; we will offer the cheaper plan instead",
        0,
    ),
    (
        "VAT number missing on invoices",
        "Invoice questions",
        1,
        ThemeStatus.NEEDS_EVIDENCE,
        50,
        "Which customer types are affected? Send ten examples with their account type",
        0,
    ),
    ("Bills tab crashes on older Android", "App crash", 0, ThemeStatus.TAKEN, 30, "", 0),
    ("Promo codes rejected", "Promotion terms", 1, ThemeStatus.TAKEN, 25, "", 0),
    ("Compare plans before upgrading", "Plan upgrade", 0, ThemeStatus.OPEN, 12, "", 0),
    ("Call back instead of holding", "Long wait", 1, ThemeStatus.OPEN, 9, "", 0),
    ("Refund method unclear", "Refund status", 4, ThemeStatus.OPEN, 5, "", 0),
    (
        "Different answers on the cancellation fee",
        "Conflicting advice",
        0,
        ThemeStatus.OPEN,
        4,
        "",
        0,
    ),
    ("Dispatch e-mail without tracking", "Delivery of equipment", 1, ThemeStatus.OPEN, 7, "", 0),
)
ALEX_HEARD = (
    "Refund status not visible",
    "Refund method unclear",
    "Promo codes rejected",
    "Different answers on the cancellation fee",
)
CHANGE_EFFECT = {"Refund status": -0.35}  # the refund tracker's planted effect; the reset: none
HISTORY_DAYS = 420  # insights and volumes cover this many days before today (at most)


def seed_voice(
    session: Session,
    teams: list[Team],
    agents: list[Person],
    today: dt.date,
    random_seed: int,
) -> int:
    """The customer-voice demo; returns how many insights it logged."""
    rng = np.random.default_rng([random_seed, 23])
    departments = {d.name: id_of(d) for d in session.exec(select(Department)).all()}
    reasons = {name: ContactReason(name=name, status=ReasonStatus.ACTIVE) for name in REASONS}
    session.add_all(reasons.values())
    session.flush()
    lead_of = {id_of(t): t.lead_id for t in teams}
    ids = [id_of(a) for a in agents]
    by_id = {id_of(a): a for a in agents}
    start = today - dt.timedelta(days=HISTORY_DAYS)

    insights: list[tuple[Insight, str, int, dt.date]] = []
    total = min(320, 60 + 2 * len(agents))
    names = list(REASONS)
    weights = np.array([REASONS[n][1] for n in names], dtype=float)
    for k in range(total):
        name = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        department, _, texts = REASONS[name]
        index = int(rng.integers(0, len(texts)))
        kind, text = texts[index]
        day = start + dt.timedelta(days=int(rng.integers(0, HISTORY_DAYS - 3)))
        author = ids[int(rng.integers(0, len(ids)))] if k else ids[0]
        insight = Insight(
            author_id=author,
            reason_id=id_of(reasons[name]),
            department_id=departments[department],
            kind=kind,
            text=text if rng.random() < 0.6 else _variant(text, rng),
            contact_ref=f"C-{int(rng.integers(100000, 999999))}" if rng.random() < 0.4 else "",
            created_at=_moment(day, rng),
        )
        insights.append((insight, name, index, day))
    session.add_all(i for i, *_ in insights)
    session.flush()
    contacts: list[InsightContact] = []
    for insight, _, _, day in insights:
        contacts.append(
            InsightContact(
                insight_id=id_of(insight),
                reason_id=insight.reason_id,
                department_id=insight.department_id,
                person_id=insight.author_id,
                day=day,
            )
        )
        for _ in range(int(rng.geometric(0.45)) - 1):
            heard = day + dt.timedelta(days=int(rng.integers(0, 21)))
            if heard <= today:
                person = ids[int(rng.integers(0, len(ids)))]
                contacts.append(
                    InsightContact(
                        insight_id=id_of(insight),
                        reason_id=insight.reason_id,
                        department_id=insight.department_id,
                        person_id=person,
                        day=heard,
                    )
                )
    session.add_all(contacts)
    session.flush()

    raised: dict[int, set[int]] = {}
    for c in contacts:
        raised.setdefault(c.insight_id, set()).add(c.person_id)
    _seed_themes(session, insights, raised, by_id, lead_of, departments, reasons, today, rng)
    refresh_all_counts(session)
    _seed_volumes(session, reasons, today, start, rng)
    return len(insights)


def _variant(text: str, rng: np.random.Generator) -> str:
    openers = ("Customer said: ", "Again today: ", "Second call about this: ", "Frustrated: ")
    return openers[int(rng.integers(0, len(openers)))] + text[0].lower() + text[1:]


def _moment(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(8 + int(rng.integers(0, 9)), int(rng.integers(0, 60))), dt.UTC
    )


def _seed_themes(
    session: Session,
    insights: list[tuple[Insight, str, int, dt.date]],
    raised: dict[int, set[int]],
    by_id: dict[int, Person],
    lead_of: dict[int, int | None],
    departments: dict[str, int],
    reasons: dict[str, ContactReason],
    today: dt.date,
    rng: np.random.Generator,
) -> None:
    terms = session.exec(select(Term).order_by(col(Term.start))).all()
    placed: dict[tuple[int, int], list[int]] = {}
    for a in session.exec(
        select(Assignment).where(col(Assignment.status) != AssignmentStatus.PROPOSED)
    ).all():
        placed.setdefault((a.term_id, a.department_id), []).append(a.person_id)

    def ambassador(department: int, day: dt.date) -> int | None:
        term = next((t for t in terms if t.start <= day <= t.end), None)
        people = placed.get((id_of(term), department), []) if term else []
        return people[int(rng.integers(0, len(people)))] if people else None

    alex = next(iter(by_id))  # agent@example.com: the first agent
    for title, reason, index, state, ago, words, offset in THEMES:
        made = today - dt.timedelta(days=ago)
        candidates = [
            (i, day) for i, r, x, day in insights if r == reason and x == index and day <= made
        ] or [(i, day) for i, r, _, day in insights if r == reason and day <= made]
        if not candidates:
            continue
        members = [i for i, _ in candidates if i.theme_id is None][:6]
        if not members:
            continue
        head = members[0]
        author = by_id.get(head.author_id)
        creator = (
            lead_of.get(author.team_id) if author and author.team_id else None
        ) or head.author_id
        department = departments[REASONS[reason][0]]
        theme = Theme(
            title=title,
            reason_id=id_of(reasons[reason]),
            department_id=department,
            status=state,
            created_by_id=creator,
            created_on=made,
            created_at=_moment(made, rng),
        )
        session.add(theme)
        session.flush()
        for other in members[1:]:  # the lead merged the ones that said the same thing
            other.merged_into_id = head.id
            for c in session.exec(
                select(InsightContact).where(InsightContact.insight_id == other.id)
            ):
                c.from_insight_id, c.insight_id = other.id, id_of(head)
                raised.setdefault(id_of(head), set()).add(c.person_id)
                session.add(c)
        head.theme_id = theme.id
        if title in ALEX_HEARD:
            session.add(
                InsightContact(
                    insight_id=id_of(head),
                    reason_id=head.reason_id,
                    department_id=head.department_id,
                    person_id=alex,
                    day=made - dt.timedelta(days=3),
                )
            )
            raised.setdefault(id_of(head), set()).add(alex)
        session.add_all(members)
        events = [
            ThemeEvent(
                theme_id=id_of(theme), step=ThemeStep.CREATED, by_id=creator, at=_moment(made, rng)
            )
        ]
        if state is not ThemeStatus.OPEN:
            taken_on = made + dt.timedelta(days=int(rng.integers(2, 8)))
            carrier = ambassador(department, taken_on) or creator
            theme.taken_by_id, theme.taken_on = carrier, min(taken_on, today)
            events.append(
                ThemeEvent(
                    theme_id=id_of(theme),
                    step=ThemeStep.TAKEN,
                    by_id=carrier,
                    day=theme.taken_on,
                    at=_moment(theme.taken_on, rng),
                )
            )
            if state is not ThemeStatus.TAKEN:
                answered = min(theme.taken_on + dt.timedelta(days=int(rng.integers(5, 20))), today)
                theme.answered_on = answered
                day = today + dt.timedelta(days=offset) if offset else None
                if state is ThemeStatus.CHANGED:
                    assert day is not None
                    # first the promise (by the day it went live), then the change itself
                    events.append(
                        ThemeEvent(
                            theme_id=id_of(theme),
                            step=ThemeStep.ANSWERED,
                            answer=ThemeStatus.WILL_CHANGE,
                            words=words,
                            day=day,
                            by_id=carrier,
                            at=_moment(answered, rng),
                        )
                    )
                    theme.change_date, answered = day, day + dt.timedelta(days=3)
                events.append(
                    ThemeEvent(
                        theme_id=id_of(theme),
                        step=ThemeStep.ANSWERED,
                        answer=state,
                        words=words,
                        day=day,
                        by_id=carrier,
                        at=_moment(answered, rng),
                    )
                )
        session.add(theme)
        session.add_all(events)
        session.flush()
        if state is not ThemeStatus.OPEN:
            _tell(session, theme, events[-1], raised.get(id_of(head), set()), by_id)


def _tell(
    session: Session,
    theme: Theme,
    event: ThemeEvent,
    people: set[int],
    by_id: dict[int, Person],
) -> None:
    """The inbox message each raiser got for the theme's latest step (as core.voice.themes)."""
    from core.voice.themes import outcome_sentence

    department = session.get(Department, theme.department_id)
    assert department is not None
    sentence = outcome_sentence(theme, department.name, event if event.answer else None)
    when = event.day if event.step is ThemeStep.TAKEN and event.day else theme.answered_on
    send(
        session,
        [
            message_to(
                by_id[p],
                kind=NotificationKind.VOICE_OUTCOME,
                subject=f"theme:{theme.id}:{event.id}",
                title=f"Customer voice: “{theme.title}” — {theme.status.value}",
                body=sentence,
                link="voice",
                due_date=when,
            )
            for p in sorted(people)
            if p in by_id
        ],
    )


def _seed_volumes(
    session: Session,
    reasons: dict[str, ContactReason],
    today: dt.date,
    start: dt.date,
    rng: np.random.Generator,
) -> None:
    """Daily contacts per reason: weekday pattern, a winter season, slow growth, a campaign
    surge every reason shares, each reason wandering a little on its own; the refund tracker
    cuts refund-status contacts by a third from its first day."""
    changes = {
        t.reason_id: t.change_date
        for t in session.exec(select(Theme).where(Theme.status == ThemeStatus.CHANGED))
        if t.change_date is not None
    }
    days = (today - start).days
    weekday = (1.25, 1.1, 1.0, 1.0, 0.95, 0.45, 0.3)
    surge_at = int(rng.integers(days // 3, 2 * days // 3))
    shared = np.cumsum(rng.normal(0, 0.01, days))
    rows = []
    for name, reason in reasons.items():
        base = REASONS[name][1]
        own = np.cumsum(rng.normal(0, 0.006, days))
        change = changes.get(id_of(reason))
        effect = CHANGE_EFFECT.get(name, 0.0)
        for d in range(days):
            day = start + dt.timedelta(days=d)
            level = (
                base
                * weekday[day.weekday()]
                * (1 + 0.15 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365))
                * (1 + 0.1 * d / days)
                * (1 + 0.6 * math.exp(-(((d - surge_at) / 4) ** 2)))
                * math.exp(shared[d] + own[d])
                * (1 + effect if change is not None and day >= change else 1)
            )
            rows.append(
                ContactVolume(reason_id=id_of(reason), day=day, contacts=int(rng.poisson(level)))
            )
    session.add_all(rows)
    session.flush()
