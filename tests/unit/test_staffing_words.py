"""The floor and a PD day's effect in words: the sentence speaks of the day's busiest interval."""

from __future__ import annotations

import datetime as dt

from core.staffing import Target, daily_floors, day_sentence, pd_day_sentence, read_forecast_csv
from core.staffing.erlang import service_level
from core.staffing.words import expected_service_level, on_the_phones

# Both half hours need the same agents for 80 % in 20 s; 10:00 has more calls.
TIED = (
    b"team,date,start,contacts,aht_seconds\n"
    b"T,2027-01-18,09:30,38,300\n"
    b"T,2027-01-18,10:00,42,300\n"
    b"T,2027-01-18,11:00,20,300\n"
)


def test_on_a_tie_the_contract_names_the_earliest_and_the_sentence_the_busiest() -> None:
    target = Target()
    [day] = daily_floors(read_forecast_csv(TIED), target)
    assert day.agents_needed == 10  # 38 and 42 calls of 5 minutes: 10 agents each
    assert day.to_json()["peak_start"] == "09:30"  # the contract: the earliest on a tie
    sentence = day_sentence(day, target, available=16)
    assert sentence.startswith("Monday 18 January: at 10:00–10:30, 42 calls need 10 agents")
    assert (
        "with 30 % shrinkage that is 15 working — your team has 16, so up to 1 can be" in sentence
    )


def test_the_expected_service_level_with_someone_away_is_the_day_s_worst() -> None:
    target = Target()
    [day] = daily_floors(read_forecast_csv(TIED), target)
    working = 14  # one of fifteen away: 9 on the phones
    n = on_the_phones(working, target.shrinkage)
    at_ten = service_level(n, 42 * 300 / 1800, 20, 300)
    at_half_past_nine = service_level(n, 38 * 300 / 1800, 20, 300)
    assert at_ten < at_half_past_nine
    assert expected_service_level(day, target, working) == at_ten
    words = pd_day_sentence(day, target, name="Sam", working=working)
    assert words == (
        f"with Sam on a PD day that day, the expected service level at 10:00 is "
        f"{int(at_ten * 100)} % (target 80 %)"
    )
    assert day.date == dt.date(2027, 1, 18)
