"""Erlang C agents needed, checked against an independent implementation written here.

The reference below shares no code with core.staffing.erlang: it sums Erlang C's direct formula
(Σ aᵏ/k!, no recursion through Erlang B) in 80-digit decimals, whose exponent range holds the
terms of any traffic here, and searches upwards from ⌊a⌋ + 1 one agent at a time.
"""

from __future__ import annotations

import decimal
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.staffing import Load, Target, agents_needed, floor_for
from core.staffing.erlang import exact_service_level, service_level


def reference_agents_needed(
    contacts: int, aht: str, minutes: str, level: Fraction, seconds: Fraction, occ: Fraction | None
) -> int:
    if contacts == 0:
        return 0
    exact_a = contacts * Fraction(aht) / (Fraction(minutes) * 60)
    with decimal.localcontext() as ctx:
        ctx.prec = 80  # Decimal's exponent range holds a^k / k! for any k here: no overflow

        def dec(x: Fraction) -> decimal.Decimal:
            return decimal.Decimal(x.numerator) / decimal.Decimal(x.denominator)

        a = dec(exact_a)
        n = math.floor(exact_a) + 1
        term = decimal.Decimal(1)  # a^k / k!
        partial = decimal.Decimal(0)  # Σ_{k<n} a^k / k!
        for k in range(n):
            partial += term
            term = term * a / (k + 1)
        want = dec(level)
        while True:
            waiting = term * n / (n - a)
            c = waiting / (partial + waiting)
            sl = 1 - c * (-(n - a) * dec(seconds) / dec(Fraction(aht))).exp()
            if sl >= want and (occ is None or exact_a / n <= occ):
                return n
            partial += term
            term = term * a / (n + 1)
            n += 1


def ours(contacts: int, aht: str, minutes: str, target: Target) -> int:
    return agents_needed([Load(contacts, aht, minutes)], target)[0]


aht_texts = st.decimals(min_value=5, max_value=1800, places=1).map(str)
levels = st.integers(min_value=50, max_value=99).map(lambda p: Fraction(p, 100))
seconds_ = st.sampled_from([0, 5, 10, 15, 20, 30, 45, 60, 120, 300]).map(Fraction)
occupancies = st.one_of(
    st.none(), st.integers(min_value=50, max_value=100).map(lambda p: Fraction(p, 100))
)
minutes_ = st.sampled_from(["30", "15", "60", "5", "1", "0.5"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    contacts=st.integers(min_value=0, max_value=400),
    aht=aht_texts,
    minutes=minutes_,
    level=levels,
    seconds=seconds_,
    occ=occupancies,
)
def test_agents_needed_match_an_independent_erlang_c_on_random_intervals(
    contacts: int, aht: str, minutes: str, level: Fraction, seconds: Fraction, occ: Fraction | None
) -> None:
    target = Target(service_level=level, seconds=seconds, max_occupancy=occ)
    want = reference_agents_needed(contacts, aht, minutes, level, seconds, occ)
    assert ours(contacts, aht, minutes, target) == want


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    erlangs=st.integers(min_value=300, max_value=5000),
    level=levels,
    seconds=seconds_,
    occ=occupancies,
)
def test_agents_needed_match_the_reference_at_hundreds_and_thousands_of_erlangs(
    erlangs: int, level: Fraction, seconds: Fraction, occ: Fraction | None
) -> None:
    contacts = erlangs * 6  # 6 contacts of 300 s per Erlang in a 30-minute interval
    target = Target(service_level=level, seconds=seconds, max_occupancy=occ)
    want = reference_agents_needed(contacts, "300", "30", level, seconds, occ)
    assert ours(contacts, "300", "30", target) == want


def test_a_batch_of_mixed_intervals_gives_each_the_same_answer_as_alone() -> None:
    target = Target(service_level=Fraction(9, 10), seconds=Fraction(15))
    loads = [Load(c, str(180 + 7 * c % 400), "30") for c in range(0, 2000, 13)]
    together = agents_needed(loads, target)
    alone = [agents_needed([load], target)[0] for load in loads]
    assert together == alone
    assert together[0] == 0


def test_an_interval_with_no_contacts_needs_nobody() -> None:
    assert ours(0, "300", "30", Target()) == 0


def test_ten_thousand_erlangs_in_a_one_minute_interval_is_computed_without_overflow() -> None:
    # 10,000 contacts of 60 s in one minute: 10,000 Erlangs. The answer lies just above the
    # traffic (large groups are efficient); the float service level must stay a number.
    needed = ours(10_000, "60", "1", Target())
    assert 10_001 <= needed <= 10_200
    sl = service_level(needed, 10_000.0, 20.0, 60.0)
    assert 0.8 <= sl < 1.0


def test_more_agents_than_traffic_is_the_least_even_when_the_traffic_is_a_whole_number() -> None:
    # 6,000 × 0.3 s / 1,800 s = 1 Erlang exactly (0.3 is not exact in binary floating point):
    # n must be more than 1.
    target = Target(service_level=Fraction(1, 100), seconds=Fraction(3600))
    assert ours(6000, "0.3", "30", target) == 2


def test_a_borderline_service_level_is_decided_in_exact_arithmetic() -> None:
    # With T = 0 the service level is 1 − C(n, a), a rational number: 1 agent, traffic a gives
    # C = a, so a target of exactly 1 − a is reached by 1 agent, and one a hair above is not.
    load = Load(1, "360", "30")  # a = 0.2 Erlang
    exact = exact_service_level(1, load, Fraction(0))
    assert exact == decimal.Decimal("0.8")
    reached = Target(service_level=Fraction(4, 5), seconds=Fraction(0))
    assert agents_needed([load], reached) == [1]
    above = Target(service_level=Fraction(4, 5) + Fraction(1, 10**12), seconds=Fraction(0))
    assert agents_needed([load], above) == [2]


def test_the_occupancy_limit_raises_the_agents_needed_when_it_binds() -> None:
    free = ours(600, "300", "30", Target(service_level=Fraction(1, 2), seconds=Fraction(60)))
    capped = ours(
        600,
        "300",
        "30",
        Target(service_level=Fraction(1, 2), seconds=Fraction(60), max_occupancy=Fraction(4, 5)),
    )
    assert capped == max(free, 125)  # 100 Erlangs at most 80 % busy: 125 agents


@pytest.mark.parametrize(
    ("agents", "shrinkage", "floor"),
    [
        (21, Fraction(1, 4), 28),
        (14, Fraction(3, 10), 20),
        (10, Fraction(0), 10),
        (0, Fraction(3, 10), 0),
        (20, Fraction(275, 1000), 28),
        (7, Fraction(1, 2), 14),
    ],
)
def test_the_floor_follows_from_shrinkage_in_exact_arithmetic(
    agents: int, shrinkage: Fraction, floor: int
) -> None:
    assert floor_for(agents, shrinkage) == floor
