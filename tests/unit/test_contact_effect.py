"""What a change did to contacts (`headway contact-effect`, core/voice/effect.py): honesty on
planted truth (the published example and simulated files, against a plain before/after that
shared surges fool), the thin cases, the chart's weekly series, the sentences, and bad input by
line."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cli import main
from core.csvio import stream_csv
from core.errors import InvalidInput
from core.voice.effect import (
    CONTACT_COLUMNS,
    ChangeEffect,
    _contacts_at_speed,
    _contacts_row_by_row,
    describe_effect,
    estimate_change_effects,
    read_changes_csv,
    read_contacts_csv,
    weekly_with_expected,
)
from tests.unit.csv_strategies import CSV_BYTES
from tests.unit.simulate_contacts import START, ContactWorld, contact_world, write_csvs

CONTACTS = next(
    (
        folder / "shared" / "spec" / "examples" / "contacts"
        for folder in (Path(__file__).resolve().parents[3], Path("/work"))
        if (folder / "shared" / "spec" / "examples" / "contacts").exists()
    ),
    Path("/nonexistent"),
)

Daily = dict[str, dict[dt.date, int]]
Estimator = Callable[[Daily, Sequence[tuple[str, dt.date]]], list[ChangeEffect]]


def plain_before_after(daily: Daily, changes: Sequence[tuple[str, dt.date]]) -> list[ChangeEffect]:
    """The naive answer: the reason's own weekly log contacts, every full week of the file
    after the change minus every one before, with a t-interval as if weeks were independent."""
    first = min(min(days) for days in daily.values())
    last = max(max(days) for days in daily.values())
    results = []
    for reason, day in changes:
        before, after = (day - first).days // 7, ((last - day).days + 1) // 7
        weeks = [
            sum(daily[reason].get(day + dt.timedelta(days=7 * w + d), 0) for d in range(7))
            for w in range(-before, after)
        ]
        x = np.log(np.array(weeks, dtype=float) + 0.5)
        xb, xa = x[:before], x[before:]
        diff = xa.mean() - xb.mean()
        half = 1.96 * math.sqrt(xb.var(ddof=1) / before + xa.var(ddof=1) / after)
        low, high = diff - half, diff + half
        verdict = "fewer" if high < 0 else "more" if low > 0 else "no clear change"
        pct = [(math.exp(v) - 1) * 100 for v in (diff, low, high)]
        results.append(ChangeEffect(reason, day, *pct, verdict, None))
    return results


def honesty(
    estimator: Estimator, seeds: range, **world: object
) -> tuple[float, float, float, int, int]:
    """Coverage of the planted effect, share of changes of 20 %+ found with the right sign,
    share of no-effect changes flagged, and the count of thin changes and of those read as
    "not enough data"."""
    covered = scored = found = clear = flagged = neutral = thin = thin_ok = 0
    for seed in seeds:
        w: ContactWorld = contact_world(seed, **world)  # type: ignore[arg-type]
        # the naive estimator has no notion of thin: it is asked about the others only
        kept = [c for c in w.changes if not c.thin or estimator is estimate_change_effects]
        for planted, result in zip(
            kept, estimator(w.daily, [(c.reason, c.date) for c in kept]), strict=True
        ):
            if planted.thin:
                thin += 1
                thin_ok += result.verdict == "not enough data" and result.effect_pct is None
                continue
            assert result.low_pct is not None and result.high_pct is not None
            scored += 1
            covered += result.low_pct <= planted.effect_pct <= result.high_pct
            if abs(planted.effect_pct) >= 20:
                clear += 1
                found += result.verdict == ("fewer" if planted.effect_pct < 0 else "more")
            if planted.effect_pct == 0:
                neutral += 1
                flagged += result.verdict in ("fewer", "more")
    return covered / scored, found / clear, flagged / neutral, thin, thin_ok


@pytest.mark.skipif(not CONTACTS.exists(), reason="shared/spec/examples is not beside the project")
def test_the_published_example_gets_the_reference_verdicts_and_covers_the_planted_effects() -> None:
    daily = read_contacts_csv((CONTACTS / "contacts.csv").read_bytes())
    changes = read_changes_csv((CONTACTS / "changes.csv").read_bytes())
    results = estimate_change_effects(daily, changes)
    reference = json.loads((CONTACTS / "reference_output.json").read_text())["changes"]
    truth = json.loads((CONTACTS / "truth.json").read_text())["changes"]
    assert [(r.reason, r.date.isoformat()) for r in results] == [
        (e["reason"], e["date"]) for e in reference
    ]
    for result, expected, planted in zip(results, reference, truth, strict=True):
        assert result.verdict == expected["verdict"]
        if planted["thin"]:
            assert result.effect_pct is None and result.low_pct is None
            assert result.expected_per_day is None and result.why_no_estimate
            continue
        assert result.effect_pct is not None and result.low_pct is not None
        assert result.high_pct is not None and result.expected_per_day is not None
        assert result.low_pct <= planted["effect_pct"] <= result.high_pct
        assert abs(result.effect_pct - expected["effect_pct"]) < 1.0


def test_over_many_simulated_sets_intervals_cover_the_planted_effect_and_clear_ones_are_found() -> (
    None
):
    coverage, found, flagged, thin, thin_ok = honesty(estimate_change_effects, range(40))
    assert 0.90 <= coverage <= 0.99
    assert found >= 0.90
    assert flagged <= 0.10
    assert thin == thin_ok == 80
    # Teeth: on the same sets the reason's own before/after is fooled by the shared surges.
    naive_coverage, _, naive_flagged, _, _ = honesty(plain_before_after, range(40))
    assert naive_coverage < 0.75 and naive_flagged > 0.30


def test_intervals_stay_honest_when_reasons_wander_far_and_unevenly_for_months() -> None:
    # A random walk and a slow AR(1) drift, some reasons wandering three times as much as others:
    # the intervals widen (fewer changes found) but keep covering the truth.
    for wander, seeds in (("walk", range(100, 115)), ("ar", range(200, 215))):
        coverage, _, flagged, _, _ = honesty(
            estimate_change_effects, seeds, wander=wander, uneven=True
        )
        assert 0.88 <= coverage <= 0.99, wander
        assert flagged <= 0.15, wander


def one_reason_world(days: int, change_day: int) -> Daily:
    """Three reasons with steady contacts; `focus` halves from `change_day` on."""
    daily: Daily = {}
    for name, level in (("focus", 30), ("other", 40), ("third", 25)):
        daily[name] = {}
        for d in range(days):
            n = level // 2 if name == "focus" and d >= change_day else level
            daily[name][START + dt.timedelta(days=d)] = n + (d * 7) % 5
    return daily


def test_four_weeks_on_each_side_is_enough_and_a_day_less_on_either_side_is_not() -> None:
    change = START + dt.timedelta(days=28)
    (enough,) = estimate_change_effects(one_reason_world(56, 28), [("focus", change)])
    assert enough.verdict == "fewer" and enough.effect_pct is not None
    assert -55 < enough.effect_pct < -45
    (short_after,) = estimate_change_effects(one_reason_world(55, 28), [("focus", change)])
    assert short_after.verdict == "not enough data" and short_after.effect_pct is None
    assert short_after.why_no_estimate == "only 27 days of data after it"
    late = START + dt.timedelta(days=27)
    (short_before,) = estimate_change_effects(one_reason_world(56, 27), [("focus", late)])
    assert short_before.verdict == "not enough data"
    assert short_before.why_no_estimate == "only 27 days of data before it"


def test_a_reason_under_two_contacts_a_day_before_or_absent_from_the_file_has_no_figures() -> None:
    change = START + dt.timedelta(days=60)
    daily = one_reason_world(120, 60)
    daily["focus"] = {day: 1 + (day.day % 2) for day in daily["focus"]}  # 1.5 a day
    thin, absent = estimate_change_effects(daily, [("focus", change), ("nobody", change)])
    assert thin.verdict == absent.verdict == "not enough data"
    assert thin.effect_pct is thin.low_pct is thin.high_pct is thin.expected_per_day is None
    assert thin.why_no_estimate is not None and "contacts a day" in thin.why_no_estimate
    assert absent.why_no_estimate == "the reason is not in the contacts"
    assert estimate_change_effects({}, [("focus", change)])[0].verdict == "not enough data"


def test_days_missing_from_the_file_count_as_no_contacts() -> None:
    w = contact_world(5)
    changes = w.change_list
    with_zeros = {
        reason: {
            START + dt.timedelta(days=d): days.get(START + dt.timedelta(days=d), 0)
            for d in range(210)
        }
        for reason, days in w.daily.items()
    }
    assert sum(days.count(0) for days in ([*d.values()] for d in with_zeros.values())) > 0
    assert estimate_change_effects(w.daily, changes) == estimate_change_effects(with_zeros, changes)


def test_a_surge_that_lifts_every_reason_alike_moves_no_estimate_much() -> None:
    w = contact_world(11, thin=False)
    surged = {
        reason: {day: n * 3 if 60 <= (day - START).days < 120 else n for day, n in days.items()}
        for reason, days in w.daily.items()
    }
    plain = estimate_change_effects(w.daily, w.change_list)
    lifted = estimate_change_effects(surged, w.change_list)
    for a, b in zip(plain, lifted, strict=True):
        assert a.effect_pct is not None and b.effect_pct is not None
        assert abs(a.effect_pct - b.effect_pct) < 3.0


def test_other_changed_reasons_are_left_out_of_the_comparison() -> None:
    # "other" doubles on the same day: were it in the control, "focus" would seem to halve.
    days = 112
    daily: Daily = {name: {} for name in ("focus", "other", "third", "fourth")}
    for d in range(days):
        day = START + dt.timedelta(days=d)
        daily["focus"][day] = 30 + d % 3
        daily["other"][day] = (200 if d >= 56 else 100) + d % 4
        daily["third"][day] = 40 + d % 5
        daily["fourth"][day] = 35 + d % 2
    change = START + dt.timedelta(days=56)
    focus, other = estimate_change_effects(daily, [("focus", change), ("other", change)])
    assert focus.verdict == "no clear change" and focus.effect_pct is not None
    assert abs(focus.effect_pct) < 3
    assert other.verdict == "more" and other.effect_pct is not None
    assert 90 < other.effect_pct < 110


def test_a_reason_changed_twice_is_estimated_between_its_changes() -> None:
    days = 168
    daily: Daily = {name: {} for name in ("focus", "other", "third")}
    for d in range(days):
        day = START + dt.timedelta(days=d)
        daily["focus"][day] = (60 if d < 56 else 30 if d < 112 else 45) + d % 3
        daily["other"][day] = 100 + d % 4
        daily["third"][day] = 40 + d % 5
    first, second = START + dt.timedelta(days=56), START + dt.timedelta(days=112)
    halved, up = estimate_change_effects(daily, [("focus", first), ("focus", second)])
    assert halved.effect_pct is not None and -53 < halved.effect_pct < -47
    assert up.effect_pct is not None and 45 < up.effect_pct < 55
    too_close = second + dt.timedelta(days=14)
    for close in estimate_change_effects(daily, [("focus", second), ("focus", too_close)]):
        assert close.verdict == "not enough data"
        assert close.why_no_estimate == (
            "another change of the same reason is less than four weeks away"
        )


def test_the_weekly_series_is_aligned_on_the_change_and_expects_only_from_it_on() -> None:
    w = contact_world(3)
    planted = w.changes[0]
    points = weekly_with_expected(w.daily, planted.reason, planted.date, changes=w.change_list)
    assert all((p.week_start - planted.date).days % 7 == 0 for p in points)
    assert [p.expected is None for p in points] == [p.week_start < planted.date for p in points]
    first = min(points[0].week_start, planted.date)
    for p in points[:3]:
        assert p.actual == sum(
            w.daily[planted.reason].get(p.week_start + dt.timedelta(days=d), 0) for d in range(7)
        )
        assert p.week_start >= first
    (effect,) = estimate_change_effects(w.daily, [(planted.reason, planted.date)])
    assert effect.expected_per_day is not None
    after = [p for p in points if p.expected is not None]
    assert after and all(p.expected is not None and p.expected >= 0 for p in after)
    assert weekly_with_expected(w.daily, "nobody", planted.date) == []


def test_the_expected_daily_contacts_are_what_the_reason_would_have_had() -> None:
    change = START + dt.timedelta(days=56)
    (effect,) = estimate_change_effects(one_reason_world(112, 56), [("focus", change)])
    assert effect.expected_per_day is not None
    assert 29 < effect.expected_per_day < 35  # 30–34 a day before the change halved it


def sample(
    verdict: str, effect: float | None, low: float | None, high: float | None
) -> ChangeEffect:
    return ChangeEffect("r", dt.date(2026, 6, 1), effect, low, high, verdict, 40.0)


def test_sentences_say_the_size_the_side_and_the_likely_range() -> None:
    fewer = sample("fewer", -31.4, -38.6, -23.2)
    assert describe_effect(fewer, reason_label="refund status") == (
        "about 31 % fewer contacts about refund status since 1 June 2026 — likely between "
        "23 % and 39 % fewer"
    )
    more = sample("more", 25.8, 13.6, 39.3)
    assert describe_effect(more, reason_label="password reset") == (
        "about 26 % more contacts about password reset since 1 June 2026 — likely between "
        "14 % and 39 % more"
    )
    barely = sample("fewer", -6.0, -11.8, -0.3)
    assert describe_effect(barely, reason_label="gift card") == (
        "about 6 % fewer contacts about gift card since 1 June 2026 — likely up to 12 % fewer"
    )
    unclear = sample("no clear change", -5.0, -10.1, 0.4)
    assert describe_effect(unclear, reason_label="damaged item") == (
        "no clear change in contacts about damaged item since 1 June 2026 — anything from "
        "10 % fewer to no change is likely"
    )
    thin = ChangeEffect(
        "r",
        dt.date(2026, 9, 19),
        None,
        None,
        None,
        "not enough data",
        None,
        "only 9 days of data after it",
    )
    sentence = describe_effect(thin, reason_label="invoice copy")
    assert sentence.startswith("not enough data yet: Headway needs four weeks")
    assert "19 September 2026" in sentence and "only 9 days of data after it" in sentence


def run(
    tmp_path: Path, contacts: str | bytes, changes: str = "reason,date\nr,2026-06-01\n"
) -> tuple[int, Path]:
    source, listed, target = (tmp_path / n for n in ("contacts.csv", "changes.csv", "out.json"))
    source.write_bytes(contacts.encode() if isinstance(contacts, str) else contacts)
    listed.write_text(changes)
    argv = ["contact-effect", "--contacts", str(source), "--changes", str(listed)]
    return main([*argv, "--output", str(target)]), target


def test_the_command_writes_one_entry_per_change_with_the_contracts_keys(tmp_path: Path) -> None:
    w = contact_world(21)
    write_csvs(w, str(tmp_path / "c.csv"), str(tmp_path / "ch.csv"))
    # Columns in another order, a byte-order mark, CRLF line ends, one day split over two rows.
    lines = (tmp_path / "c.csv").read_text().splitlines()
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:]]
    order = [2, 3, 0, 1]  # contacts,channel,reason,date
    first = rows[0]
    split = [[*first[:2], str(int(first[2]) - 1), "chat"], [*first[:2], "1", "mail"]]
    body = [",".join(r[i] for i in order) for r in [*split, *rows[1:]]]
    text = "\ufeff" + "\r\n".join([",".join(header[i] for i in order), *body]) + "\r\n"
    code, out = run(tmp_path, text, (tmp_path / "ch.csv").read_text())
    assert code == 0
    written = json.loads(out.read_text())["changes"]
    keys = {"reason", "date", "effect_pct", "low_pct", "high_pct", "verdict"}
    assert all(set(e) == keys for e in written)
    assert written == [e.to_json() for e in estimate_change_effects(w.daily, w.change_list)]


def test_a_header_without_rows_gives_not_enough_data_for_every_change(tmp_path: Path) -> None:
    code, out = run(tmp_path, "reason,date,contacts\n")
    assert code == 0
    (only,) = json.loads(out.read_text())["changes"]
    assert only["verdict"] == "not enough data" and only["effect_pct"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date,reason\n2026-01-01,a\n", "line 1: missing required column(s) contacts"),
        ("", "line 1: the file is empty"),
        ("date,reason,contacts\n2026-01-01,a,-3\n", "line 2: contacts -3 is negative"),
        ("date,reason,contacts\n2026-01-01,a,1.5\n", "line 2: contacts 1.5 is not a whole"),
        ("date,reason,contacts\n2026-01-01,a,many\n", "line 2: contacts 'many' is not a whole"),
        ("date,reason,contacts\n2026-01-01,a,\n", "line 2: contacts missing"),
        ("date,reason,contacts\n2026-02-30,a,4\n", "line 2: bad date '2026-02-30'"),
        ("date,reason,contacts\n2026-01-01,,4\n", "line 2: reason missing"),
        ("date,reason,contacts\n2026-01-01,a,1e12\n", "line 2: contacts 1e12 is more than"),
    ],
)
def test_bad_contacts_exit_1_name_the_line_and_write_no_file(
    tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path, text)
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert expected in err and "contacts.csv" in err


def test_every_bad_row_of_either_file_is_reported_with_its_physical_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "date,reason,contacts\n"
        "2026-01-01,a,3\n"
        '2026-01-01,"a\nwith a break",x\n'  # starts on line 3, ends on line 4
        "2026-01-02,b,-1\n"
        "2026-01-03,b,2,extra\n"
    )
    code, out = run(tmp_path, text)
    assert code == 1 and not out.exists()
    problems = [line for line in capsys.readouterr().err.splitlines() if line.startswith("line")]
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 5", "line 6"]
    code, out = run(tmp_path, "date,reason,contacts\n2026-01-01,a,3\n", "reason,date\n,2026-1-1\n")
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "changes.csv" in err
    assert "line 2: bad date '2026-1-1' (expected YYYY-MM-DD); reason missing" in err


@settings(max_examples=40, deadline=None)
@given(data=CSV_BYTES)
def test_the_readers_only_ever_refuse_with_invalid_input(data: bytes) -> None:
    for reader in (read_contacts_csv, read_changes_csv):
        try:
            reader(data)
        except InvalidInput as exc:
            assert str(exc) and all(p.startswith("line ") for p in exc.problems)


_CELL = st.text(alphabet=st.sampled_from(list("ab ,\t-+.e0123456789\r\n")), max_size=6)
_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["2026-01-01", " 2026-01-02", "2026-02-30", "2026-01-03 ", ""]),
        st.sampled_from(["refund status", " refund status", "app login", "", "NA"]),
        st.one_of(st.integers(-3, 10**10).map(str), _CELL),
        _CELL,
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(rows=_ROWS, crlf=st.booleans(), bom=st.booleans(), order=st.permutations(range(4)))
def test_the_fast_reader_agrees_with_the_row_by_row_reader_whenever_it_answers(
    rows: list[tuple[str, str, str, str]], crlf: bool, bom: bool, order: list[int]
) -> None:
    header = ["date", "reason", "contacts", "channel"]
    end = "\r\n" if crlf else "\n"
    lines = [",".join(header[i] for i in order)]
    lines += [",".join(row[i] for i in order) for row in rows]
    raw = (("\ufeff" if bom else "") + end.join(lines) + end).encode()
    fast = _contacts_at_speed(raw)
    try:
        slow = _contacts_row_by_row(stream_csv(raw, required=CONTACT_COLUMNS))
    except InvalidInput:
        assert fast is None
        return
    assert fast is None or fast == slow


def test_a_plain_file_is_read_fast_and_exactly_as_row_by_row() -> None:
    w = contact_world(4)
    lines = ["date,reason,contacts,channel"]
    lines += [f"{d},{r},{n},phone" for r, days in w.daily.items() for d, n in days.items()]
    lines.append(f"{min(w.daily['reason 000'])},reason 000,5,chat")  # adds to that day
    raw = ("\r\n".join(lines) + "\r\n").encode()
    fast = _contacts_at_speed(raw)
    assert fast is not None
    assert fast == _contacts_row_by_row(stream_csv(raw, required=CONTACT_COLUMNS))
    first = min(w.daily["reason 000"])
    assert fast["reason 000"][first] == w.daily["reason 000"][first] + 5
