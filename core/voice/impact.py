"""What a change did to contacts: for a theme its department *changed*, the estimator
(core.voice.effect) on the imported daily volumes, in plain words, with the weekly chart's
points and the business case (contacts avoided a month and the agent hours they stand for, with
the same uncertainty)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import ContactReason, Observation, Theme, ThemeStatus
from core.people.access import Actor
from core.platform.clock import today
from core.platform.errors import InvalidInput, NotFound
from core.voice.effect import (
    ChangeEffect,
    WeeklyPoint,
    describe_effect,
    estimate_change_effects,
    weekly_with_expected,
)
from core.voice.volumes import daily_contacts

DAYS_A_MONTH = 365.25 / 12
HANDLE_TIME_DAYS = 90  # the handle time is the organisation's mean over this many days


@dataclass(frozen=True)
class BusinessCase:
    """Contacts avoided a month (and the agent hours), as the estimate and its 95 % interval."""

    contacts: float
    contacts_low: float
    contacts_high: float
    handle_seconds: float | None
    hours: float | None
    hours_low: float | None
    hours_high: float | None

    def sentence(self) -> str:
        def n(x: float) -> str:
            return f"{round(x):,}"

        words = (
            f"About {n(self.contacts)} contacts a month avoided (likely between "
            f"{n(self.contacts_low)} and {n(self.contacts_high)})"
        )
        if self.hours is None or self.hours_low is None or self.hours_high is None:
            return words + "; import handle times (aht_seconds) to see the agent hours."
        assert self.handle_seconds is not None
        return (
            words + f": about {n(self.hours)} agent hours a month at the average handle time of "
            f"{self.handle_seconds / 60:.1f} minutes (likely {n(self.hours_low)} to "
            f"{n(self.hours_high)})."
        )


@dataclass(frozen=True)
class ThemeEffect:
    theme_id: int
    title: str
    reason: str
    change_date: dt.date
    effect: ChangeEffect
    sentence: str  # the estimate in plain words
    weekly: list[WeeklyPoint]
    case: BusinessCase | None  # only when the estimate says fewer or more


def _case(effect: ChangeEffect, handle_seconds: float | None) -> BusinessCase | None:
    if (
        effect.verdict not in ("fewer", "more")
        or effect.expected_per_day is None
        or effect.effect_pct is None
        or effect.low_pct is None
        or effect.high_pct is None
    ):
        return None
    month = effect.expected_per_day * DAYS_A_MONTH / 100

    def avoided(pct: float) -> float:
        return -pct * month

    contacts = avoided(effect.effect_pct)
    low, high = sorted((avoided(effect.low_pct), avoided(effect.high_pct)))

    def hours(x: float) -> float | None:
        return None if handle_seconds is None else x * handle_seconds / 3600

    return BusinessCase(
        contacts, low, high, handle_seconds, hours(contacts), hours(low), hours(high)
    )


def handle_time(session: Session) -> float | None:
    """The organisation's mean handle time (seconds) over the last HANDLE_TIME_DAYS days."""
    since = today() - dt.timedelta(days=HANDLE_TIME_DAYS)
    value = session.exec(
        select(func.avg(Observation.value)).where(
            Observation.metric == "aht_seconds", col(Observation.date) >= since
        )
    ).one()
    return float(value) if value is not None else None


def theme_effect(session: Session, *, actor: Actor, theme_id: int) -> ThemeEffect:
    """The effect of a *changed* theme's change on its reason's daily contacts (everyone may
    read it, as they read the theme)."""
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("That theme no longer exists.")
    if theme.status is not ThemeStatus.CHANGED or theme.change_date is None:
        raise InvalidInput(
            f"“{theme.title}” has no change to measure yet: its department has not recorded "
            "“changed” with the first day in effect."
        )
    reason = session.get(ContactReason, theme.reason_id)
    assert reason is not None and theme.id is not None
    daily = daily_contacts(session)
    effect = _effects(session, daily).get((reason.name, theme.change_date)) or _not_measured(
        daily, reason.name, theme.change_date
    )
    label = reason.name[:1].lower() + reason.name[1:]
    return ThemeEffect(
        theme.id,
        theme.title,
        reason.name,
        theme.change_date,
        effect,
        describe_effect(effect, reason_label=label),
        weekly_with_expected(daily, reason.name, theme.change_date) if reason.name in daily else [],
        _case(effect, handle_time(session)),
    )


def _not_measured(daily: dict[str, dict[dt.date, int]], reason: str, day: dt.date) -> ChangeEffect:
    [effect] = estimate_change_effects(daily, [(reason, day)])
    return effect


def _effects(
    session: Session, daily: dict[str, dict[dt.date, int]]
) -> dict[tuple[str, dt.date], ChangeEffect]:
    """Every changed theme's effect, estimated together: each reason that changed is left out
    of the others' control (the estimator's rule), so a theme reads the same everywhere."""
    changes = session.exec(
        select(col(ContactReason.name), col(Theme.change_date))
        .join(Theme, col(Theme.reason_id) == ContactReason.id)
        .where(Theme.status == ThemeStatus.CHANGED, col(Theme.change_date).is_not(None))
    ).all()
    wanted = sorted({(name, day) for name, day in changes if day is not None and name in daily})
    return {(e.reason, e.date): e for e in estimate_change_effects(daily, wanted)}


def contacts_avoided(session: Session) -> dict[int, float]:
    """Department → contacts a month its measured changes avoided (the estimates of changes
    that made a clear difference; "no clear change" counts as none)."""
    changed = session.exec(
        select(Theme, ContactReason.name)
        .join(ContactReason, col(ContactReason.id) == Theme.reason_id)
        .where(Theme.status == ThemeStatus.CHANGED, col(Theme.change_date).is_not(None))
    ).all()
    if not changed:
        return {}
    effects = _effects(session, daily_contacts(session))
    avoided: dict[int, float] = {}
    for theme, name in changed:
        effect = effects.get((name, theme.change_date)) if theme.change_date else None
        if effect is None or effect.verdict == "not enough data":
            continue
        case = _case(effect, None)
        avoided[theme.department_id] = avoided.get(theme.department_id, 0.0) + (
            case.contacts if case else 0.0
        )
    return avoided
