"""The floor and a PD day's effect in plain words, from a day's forecast figures.

"Tuesday 3 March: at 10:00–10:30, 212 calls need 14 agents on the phones for 80 % to be answered
within 20 seconds; with 30 % shrinkage that is 20 working — your team has 25, so up to 5 can be
on a PD day." and "with Sam on a PD day that day, the expected service level at 10:00 is 78 %
(target 80 %)".

Agents on the phones from agents working: ⌊working × (1 − shrinkage)⌋ (whole people; rounding
down is the cautious side, the same way the floor rounds up).
"""

from __future__ import annotations

import math
from fractions import Fraction

from core.staffing.erlang import Target, service_level
from core.staffing.floors import DayFloor, percent_text


def _seconds_text(seconds: Fraction) -> str:
    whole = seconds.denominator == 1
    value = str(seconds.numerator) if whole else f"{float(seconds):g}"
    return f"{value} second{'' if value == '1' else 's'}"


def _agents(n: int) -> str:
    return f"{n} agent{'' if n == 1 else 's'}"


def on_the_phones(working: int, shrinkage: Fraction) -> int:
    """Agents on the phones when `working` agents are at work (whole people, rounded down)."""
    return math.floor(working * (1 - shrinkage))


def expected_service_level(day: DayFloor, target: Target, working: int) -> float:
    """The share of the busiest interval's contacts answered in time with `working` at work."""
    if day.peak_contacts == 0:
        return 1.0
    n = on_the_phones(working, target.shrinkage)
    traffic = float(day.peak_load.traffic)
    if n <= traffic:
        return 0.0  # the queue grows without end: practically nobody is answered in time
    return service_level(n, traffic, float(target.seconds), float(day.peak_aht))


def day_sentence(day: DayFloor, target: Target, *, available: int, you: bool = True) -> str:
    """The day's floor and the room it leaves, e.g. "Tuesday 3 March: at 10:00–10:30, 212
    calls need 14 agents … so up to 5 can be on a PD day." `available`: the team's agents not
    on leave that day."""
    head = f"{day.date:%A} {day.date.day} {day.date:%B}"
    level = percent_text(target.service_level)
    shrink = percent_text(target.shrinkage)
    whose = "your team has" if you else "the team has"
    if day.agents_needed == 0:
        need = "no calls are forecast, so nobody is needed on the phones"
        return f"{head}: {need} — {whose} {available}, so all can be on a PD day."
    calls = f"{day.peak_contacts} call{'' if day.peak_contacts == 1 else 's'}"
    room = available - day.floor
    tail = (
        f"so up to {room} can be on a PD day"
        if room > 0
        else "so nobody can be on a PD day"
        if room == 0
        else f"{-room} short even with nobody on a PD day"
    )
    return (
        f"{head}: at {day.peak_start_text}–{day.peak_end_text}, {calls} need "
        f"{_agents(day.agents_needed)} on the phones for {level} % to be answered within "
        f"{_seconds_text(target.seconds)}; with {shrink} % shrinkage that is {day.floor} working "
        f"— {whose} {available}, {tail}."
    )


def pd_day_sentence(day: DayFloor, target: Target, *, name: str, working: int) -> str:
    """ "with Sam on a PD day that day, the expected service level at 10:00 is 78 % (target
    80 %)": `working` counts the team at work that day with `name` away."""
    expected = expected_service_level(day, target, working)
    shown = math.floor(expected * 100 + 1e-9) if expected < 1 else 100
    return (
        f"with {name} on a PD day that day, the expected service level at "
        f"{day.peak_start_text} is {shown} % (target {percent_text(target.service_level)} %)"
    )
