"""Fair sampling: equal counts per agent, channels in each agent's proportion, picks spread
across the period's weeks, the same seed the same draw."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from core.quality.sampling import (
    Interaction,
    default_draw_number,
    default_period,
    draw,
    quotas,
    week_of,
)

MONDAY = dt.date(2026, 9, 7)


def _pool(agent: int, weeks: int, per_day: int = 2, chat_every: int = 0) -> list[Interaction]:
    """Interactions on every weekday of `weeks` weeks; every `chat_every`-th one by chat."""
    found, n = [], 0
    for w in range(weeks):
        for d in range(5):
            for _k in range(per_day):
                n += 1
                chat = chat_every and n % chat_every == 0
                found.append(
                    Interaction(
                        agent,
                        f"A{agent}-{n}",
                        MONDAY + dt.timedelta(days=7 * w + d),
                        "chat" if chat else "phone",
                    )
                )
    return found


def test_every_agent_gets_the_same_number_however_busy_they_were() -> None:
    pool = _pool(1, 8, per_day=6) + _pool(2, 8, per_day=1) + _pool(3, 3)
    drawn = draw(pool, agent_ids=[1, 2, 3], per_agent=5, seed=11)
    assert {a: len(d) for a, d in drawn.items()} == {1: 5, 2: 5, 3: 5}
    assert all(i.agent_id == a for a, d in drawn.items() for i in d)


def test_an_agent_with_fewer_interactions_gets_all_of_them() -> None:
    drawn = draw(_pool(1, 1, per_day=1)[:2], agent_ids=[1, 2], per_agent=4, seed=1)
    assert len(drawn[1]) == 2 and drawn[2] == []


def test_channels_are_drawn_in_each_agents_own_proportion() -> None:
    pool = _pool(1, 8, chat_every=4)  # a quarter by chat
    drawn = draw(pool, agent_ids=[1], per_agent=8, seed=3)
    assert Counter(i.channel for i in drawn[1]) == {"phone": 6, "chat": 2}
    assert quotas({"phone": 3, "chat": 1}, {"phone": 30, "chat": 10}, 8) == {"phone": 6, "chat": 2}
    # a channel without enough interactions gives its share to the others
    assert quotas({"phone": 1, "chat": 1}, {"phone": 30, "chat": 1}, 6) == {"phone": 5, "chat": 1}
    # largest remainders: 5 × (2/3, 1/3) = 3.33 + 1.67 → 3 + 2
    assert quotas({"phone": 2, "chat": 1}, {"phone": 9, "chat": 9}, 5) == {"phone": 3, "chat": 2}


def test_picks_are_spread_across_the_weeks_of_the_period() -> None:
    pool = _pool(1, 8)
    for seed in range(20):
        weeks = Counter(
            week_of(i.date) for i in draw(pool, agent_ids=[1], per_agent=4, seed=seed)[1]
        )
        assert len(weeks) == 4 and set(weeks.values()) == {1}, seed
    ten_over_five = draw(_pool(1, 5), agent_ids=[1], per_agent=10, seed=5)[1]
    assert set(Counter(week_of(i.date) for i in ten_over_five).values()) == {2}
    # with channels too: still no week twice before every week has one
    mixed = draw(_pool(1, 6, chat_every=3), agent_ids=[1], per_agent=6, seed=9)[1]
    assert len({week_of(i.date) for i in mixed}) == 6


def test_the_same_seed_draws_the_same_list_and_another_agent_changes_nobody_elses() -> None:
    pool = _pool(1, 8) + _pool(2, 8)
    first = draw(pool, agent_ids=[1, 2], per_agent=4, seed=42)
    assert draw(pool, agent_ids=[1, 2], per_agent=4, seed=42) == first
    assert draw(pool + _pool(3, 8), agent_ids=[1, 2, 3], per_agent=4, seed=42)[1] == first[1]
    assert draw(pool, agent_ids=[1, 2], per_agent=4, seed=43) != first


def test_a_short_first_week_gets_its_share_of_the_picks_and_no_more() -> None:
    """A period from Thursday 3 September: its first week has 2 working days, the next three
    have 5 (17 days). 8 picks: the short week's share is 8 × 2/17 ≈ 0.9, so at most one pick;
    each full week's share is ≈ 2.4, so two or three. (Going round the weeks one at a time would
    give the short week as many as a full one.)"""
    thursday = dt.date(2026, 9, 3)
    days = [thursday + dt.timedelta(days=k) for k in range(25)]
    pool = [Interaction(1, "", d) for d in days if d.weekday() < 5]
    assert len(pool) == 17
    short_week = week_of(thursday)
    for seed in range(30):
        weeks = Counter(
            week_of(i.date) for i in draw(pool, agent_ids=[1], per_agent=8, seed=seed)[1]
        )
        assert sum(weeks.values()) == 8
        assert weeks[short_week] <= 1, (seed, weeks)
        assert all(2 <= n <= 3 for week, n in weeks.items() if week != short_week), (seed, weeks)
    # the same seed, the same draw
    assert draw(pool, agent_ids=[1], per_agent=8, seed=4) == draw(
        pool, agent_ids=[1], per_agent=8, seed=4
    )


def test_a_short_week_still_gets_its_pick_when_its_share_is_the_largest_remainder() -> None:
    """4 picks over a 2-day week and three full weeks: shares 0.47 and 1.18 each; after one pick
    per full week the short week's 0.47 is the largest remainder: it gets the fourth pick."""
    thursday = dt.date(2026, 9, 3)
    pool = [
        Interaction(1, "", d)
        for d in (thursday + dt.timedelta(days=k) for k in range(25))
        if d.weekday() < 5
    ]
    for seed in range(10):
        weeks = Counter(
            week_of(i.date) for i in draw(pool, agent_ids=[1], per_agent=4, seed=seed)[1]
        )
        assert set(weeks.values()) == {1} and len(weeks) == 4, seed


def test_channels_and_weeks_are_both_kept_when_only_some_weeks_have_a_channel() -> None:
    """Chat only in the first week: the channel split still holds (a chat is drawn from the week
    that has chats) and every interaction is drawn once."""
    pool = _pool(1, 4)
    chats = [Interaction(1, f"C{k}", MONDAY + dt.timedelta(days=k), "chat") for k in range(3)]
    drawn = draw(
        pool + chats, agent_ids=[1], per_agent=8, seed=2, channel_mix={1: {"phone": 3, "chat": 1}}
    )[1]
    assert Counter(i.channel for i in drawn) == {"phone": 6, "chat": 2}
    assert len(set(drawn)) == 8


def test_the_page_starts_with_this_month_so_far_and_a_draw_number_made_from_it() -> None:
    assert default_period(dt.date(2026, 11, 24)) == (dt.date(2026, 11, 1), dt.date(2026, 11, 23))
    # on the 1st, "so far" is empty: the whole of last month
    assert default_period(dt.date(2026, 12, 1)) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert default_period(dt.date(2027, 1, 1)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    number = default_draw_number(dt.date(2026, 11, 1), dt.date(2026, 11, 23))
    assert number == 20261101 == default_draw_number(dt.date(2026, 11, 1), dt.date(2026, 11, 23))
    assert 0 <= default_draw_number(dt.date(9999, 12, 31), dt.date(9999, 12, 31)) < 2**32
