"""Erlang C: how many agents an interval needs for its service-level target, computed stably.

For traffic `a` Erlangs (contacts × handle time / interval length) and `n > a` agents, Erlang C's
probability that a contact waits is computed through Erlang B's recursion, which never overflows
(every term lies in (0, 1]) however large `a` is:

    B(0) = 1,  B(k) = a·B(k−1) / (k + a·B(k−1)),   C(n, a) = n·B(n) / ((n − a) + a·B(n))

(the denominator written as a sum of two positives, so that no cancellation eats the digits when
`a` is in the thousands). The service level is `1 − C(n, a)·exp(−(n − a)·T / aht)`; it grows with
`n`, so the agents needed are the smallest `n > a` reaching the target — and, with a maximum
occupancy, at least `⌈a / occupancy⌉`.

How a borderline comparison is decided. Floating point carries the service level to about 1e-13
here (relative error of the recursion a few ulps a step, contracted at every step). Whenever the
float lies within `BORDERLINE` (1e-9) of the target, the comparison is redone in decimal
arithmetic at 60 significant digits from the exact inputs (the contacts, the handle time and the
interval length as written in the file), so that rounding can never flip "reaches the target".
The same holds for `n > a` and for the occupancy limit, which are decided in exact rationals when
the float is near an integer. A service level equal to the target within 1e-45 counts as reaching
it (it can only be exactly equal when T = 0).

Many intervals are solved together: the recursion advances one `k` at a time over every interval
still searching (numpy), and the last few slow ones (a traffic of thousands of Erlangs) finish in
a scalar loop, so the cost is the sum of the agents needed, not their maximum times the count.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

BORDERLINE = 1e-9
_NEAR_INTEGER = 1e-9
_EXACT_DIGITS = 60
_TIE = decimal.Decimal("1e-45")
_SCALAR_BELOW = 24  # intervals still searching when the vector loop hands over to a scalar one
MAX_TRAFFIC = 100_000.0  # Erlangs in one interval (the forecast readers refuse more)


@dataclass(frozen=True)
class Target:
    """What a team's staffing must reach: `service_level` (a fraction in (0, 1)) of contacts
    answered within `seconds`; `max_occupancy` (a fraction in (0, 1]) or None for no limit;
    `shrinkage` (a fraction in [0, 1)) of paid time not on the phones."""

    service_level: Fraction = Fraction(4, 5)
    seconds: Fraction = Fraction(20)
    shrinkage: Fraction = Fraction(3, 10)
    max_occupancy: Fraction | None = None


Exact = str | int | Fraction | decimal.Decimal  # a number as written (decimal text) or exact


@dataclass(frozen=True)
class Load:
    """One interval's demand, exact: `contacts` offered, `aht` seconds each, over `minutes`
    (handle time and minutes as written, e.g. the text "397.1", so that nothing is rounded)."""

    contacts: int
    aht: Exact
    minutes: Exact = 30

    @property
    def traffic(self) -> Fraction:
        return self.contacts * Fraction(self.aht) / (Fraction(self.minutes) * 60)


def service_level(n: int, traffic: float, seconds: float, aht: float) -> float:
    """The share of contacts answered within `seconds` with `n` agents (float; n > traffic)."""
    if traffic <= 0:
        return 1.0
    b = 1.0
    for k in range(1, n + 1):
        b = traffic * b / (k + traffic * b)
    return _sl(n, traffic, b, seconds, aht)


def _sl(n: float, a: float, b: float, seconds: float, aht: float) -> float:
    c = n * b / ((n - a) + a * b)
    return 1.0 - c * math.exp(-(n - a) * seconds / aht)


def exact_service_level(n: int, load: Load, seconds: Fraction) -> decimal.Decimal:
    """The service level in 60-digit decimal arithmetic from the exact inputs."""
    with decimal.localcontext() as ctx:
        ctx.prec = _EXACT_DIGITS
        a = decimal.Decimal(load.traffic.numerator) / decimal.Decimal(load.traffic.denominator)
        if a == 0:
            return decimal.Decimal(1)
        b = decimal.Decimal(1)
        for k in range(1, n + 1):
            b = a * b / (k + a * b)
        c = n * b / ((n - a) + a * b)
        t = decimal.Decimal(seconds.numerator) / decimal.Decimal(seconds.denominator)
        exact_aht = Fraction(load.aht)
        aht = decimal.Decimal(exact_aht.numerator) / decimal.Decimal(exact_aht.denominator)
        return 1 - c * (-(n - a) * t / aht).exp()


def _reaches(n: int, load: Load, target: Target, float_sl: float) -> bool:
    level = target.service_level
    if abs(float_sl - float(level)) > BORDERLINE:
        return float_sl >= float(level)
    with decimal.localcontext() as ctx:
        ctx.prec = _EXACT_DIGITS
        want = decimal.Decimal(level.numerator) / decimal.Decimal(level.denominator)
        return exact_service_level(n, load, target.seconds) >= want - _TIE


def _near_integer(value: float) -> bool:
    return abs(value - round(value)) <= _NEAR_INTEGER * max(1.0, abs(value))


def lowest_staffing(load: Load, traffic: float, target: Target) -> int:
    """The fewest agents to search from: more than the traffic, and enough for the occupancy
    (decided exactly when the float is close to a whole number)."""
    low = math.floor(load.traffic if _near_integer(traffic) else traffic) + 1
    if target.max_occupancy is not None:
        need = traffic / float(target.max_occupancy)
        low = max(
            low, math.ceil(load.traffic / target.max_occupancy if _near_integer(need) else need)
        )
    return low


def agents_needed(loads: Sequence[Load], target: Target) -> list[int]:
    """The agents each interval needs for `target` (0 for an interval with no contacts)."""
    return agents_needed_columns(
        [load.contacts for load in loads],
        [load.aht for load in loads],
        [load.minutes for load in loads],
        target,
    )


def agents_needed_columns(
    contacts: Sequence[int], aht: Sequence[Exact], minutes: Sequence[Exact], target: Target
) -> list[int]:
    """`agents_needed` on parallel columns (one entry per interval), for large forecasts."""
    count = len(contacts)
    result = [0] * count
    all_contacts = np.asarray(contacts, dtype=float)
    busy = np.flatnonzero(all_contacts > 0)
    if not len(busy):
        return result
    busy_list = busy.tolist()
    aht_f = np.asarray([float(aht[i]) for i in busy_list])
    minutes_f = np.asarray([float(minutes[i]) for i in busy_list])
    traffic = all_contacts[busy] * aht_f / (minutes_f * 60.0)
    if float(traffic.max()) > MAX_TRAFFIC:
        raise ValueError(f"traffic above {MAX_TRAFFIC:g} Erlangs")  # the readers prevent it

    def load(j: int) -> Load:
        i = int(busy[j])
        return Load(int(contacts[i]), aht[i], minutes[i])

    low = np.floor(traffic) + 1
    for j in np.flatnonzero(np.abs(traffic - np.round(traffic)) <= _NEAR_INTEGER * traffic):
        low[j] = lowest_staffing(load(int(j)), float(traffic[j]), Target())
    if target.max_occupancy is not None:
        need = traffic / float(target.max_occupancy)
        low = np.maximum(low, np.ceil(need))
        for j in np.flatnonzero(np.abs(need - np.round(need)) <= _NEAR_INTEGER * need):
            low[j] = lowest_staffing(load(int(j)), float(traffic[j]), target)
    index = np.arange(len(busy))
    level = float(target.service_level)
    seconds = float(target.seconds)
    b = np.ones(len(busy))
    k = 0
    while len(index) > _SCALAR_BELOW:
        k += 1
        b = traffic * b / (k + traffic * b)
        due = low <= k
        if not due.any():
            continue
        where = np.flatnonzero(due)
        a, bb = traffic[where], b[where]
        sl = 1.0 - k * bb / ((k - a) + a * bb) * np.exp(-(k - a) * seconds / aht_f[where])
        ok = sl >= level
        for near in np.flatnonzero(np.abs(sl - level) <= BORDERLINE).tolist():
            ok[near] = _reaches(k, load(int(index[where[near]])), target, float(sl[near]))
        if ok.any():
            done = where[ok]
            for finished in busy[index[done]].tolist():
                result[finished] = k
            keep = np.ones(len(index), bool)
            keep[done] = False
            index, traffic, aht_f, low, b = (
                index[keep],
                traffic[keep],
                aht_f[keep],
                low[keep],
                b[keep],
            )
    for pos, left in enumerate(index.tolist()):
        result[int(busy[left])] = _finish(
            load(left),
            float(traffic[pos]),
            float(aht_f[pos]),
            int(low[pos]),
            k,
            float(b[pos]),
            target,
        )
    return result


def _finish(load: Load, a: float, aht: float, low: int, k: int, b: float, target: Target) -> int:
    """Go on with one interval's recursion from B(k) = b until its service level is reached."""
    level = float(target.service_level)
    seconds = float(target.seconds)
    while True:
        k += 1
        b = a * b / (k + a * b)
        if k < low:
            continue
        sl = _sl(k, a, b, seconds, aht)
        if sl >= level if abs(sl - level) > BORDERLINE else _reaches(k, load, target, sl):
            return k


def floor_for(agents: int, shrinkage: Fraction) -> int:
    """Agents who must be working for `agents` on the phones: ⌈agents / (1 − shrinkage)⌉, exact
    (21 agents at 25 % shrinkage is a floor of 28)."""
    return math.ceil(Fraction(agents) / (1 - shrinkage))
