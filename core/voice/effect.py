"""What a change did to contacts: the estimate behind "what it changed" on the insight pages and
`headway contact-effect` (contract: shared/spec/CLI.md; the method in plain words:
docs/contact-effect.md).

A department fixes a bug on 1 June: did contacts about "refund status" fall, and by how much?
A plain before/after of the one reason is fooled by everything that moves every reason at once
(the weekday, a season, a campaign, a growing customer base). So the reason is compared with the
reasons that did not change:

1. Days are summed into weeks aligned on the change date (a week is seven days starting on a
   weekday of the change), so the weekday pattern disappears and no week mixes before and after.
2. Each week's *log-ratio* `x = log(reason + ½) − log(control + ½)`: the control is the sum of
   every other reason without a change of its own in the window. Shared surges, seasons and
   growth cancel in the ratio.
3. The effect is the mean log-ratio after minus the mean log-ratio before; `effect_pct` is
   `(exp(effect) − 1) × 100`, the interval transformed the same way.
4. Its standard error is honest about weeks that are not independent. The noise of `x` has two
   parts: counting noise (Poisson: `1/(reason + ½) + 1/(control + ½)` per week, known) and the
   reason's own wander. The wander is described by its semivariogram `γ(k)` — half the mean
   squared difference of `x` between weeks `k` apart, net of counting noise — estimated once per
   file from *all* reasons (between their own changes) and smoothed by the model
   `γ(k) = nugget + a·(1 − ρᵏ) + b·k` (white noise, an AR(1) wander, a random walk, or a mix).
   For the after-minus-before contrast `c` (weights summing to 0) the variance is exactly
   `Σ cᵢ² vᵢ − Σᵢⱼ cᵢ cⱼ γ(|i − j|)`, which holds for stationary wander and for a random walk
   alike. One variogram per file: a reason's own few weeks say little about how it wanders, the
   file's dozens of reasons say a lot.
5. The window: four to 26 weeks on each side (never across another change of the same reason),
   the lengths chosen to make that variance smallest — all the weeks when the wander is white
   noise, fewer when the reason drifts far from itself over months. The choice depends on the
   noise model only, never on the reason's values, so it does not bias the estimate.

"Not enough data" (no figures) when the file has fewer than 28 days on either side of the date,
the reason had fewer than 2 contacts a day before it, or it is not in the file at all.
The calibration on simulated files with planted effects: tests/unit/test_contact_effect.py and
docs/contact-effect.md.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import nnls

from core.csvio import CsvStream, stream_csv
from core.errors import InvalidInput

MIN_DAYS_EACH_SIDE = 28
MIN_WEEKS_EACH_SIDE = MIN_DAYS_EACH_SIDE // 7
MIN_CONTACTS_PER_DAY = 2.0
MAX_WEEKS_EACH_SIDE = 26
Z_95 = 1.959963984540054
MAX_CONTACTS_PER_ROW = 1_000_000_000

FEWER, MORE, NO_CLEAR_CHANGE, NOT_ENOUGH_DATA = (
    "fewer",
    "more",
    "no clear change",
    "not enough data",
)

CONTACT_COLUMNS = ("date", "reason", "contacts")
CHANGE_COLUMNS = ("reason", "date")

_RHO_GRID = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.96, 0.98)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ChangeEffect:
    reason: str
    date: dt.date
    effect_pct: float | None
    low_pct: float | None
    high_pct: float | None
    verdict: str  # "fewer" | "more" | "no clear change" | "not enough data"
    # The reason's expected daily contacts from the date on had nothing changed (the base of
    # "contacts avoided per month"); None with "not enough data".
    expected_per_day: float | None
    # With "not enough data": what is missing, as the end of a sentence ("only 9 days of data
    # after it"); None otherwise.
    why_no_estimate: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's object (figures rounded to 0.1 %)."""

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "reason": self.reason,
            "date": self.date.isoformat(),
            "effect_pct": r(self.effect_pct),
            "low_pct": r(self.low_pct),
            "high_pct": r(self.high_pct),
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class WeeklyPoint:
    week_start: dt.date
    actual: int
    expected: float | None  # what the week would have been without the change (None before it)


# --- the panel: every reason's daily contacts as one array ----------------------------------


@dataclass(frozen=True)
class _Panel:
    reasons: list[str]
    index: dict[str, int]
    first: dt.date
    counts: IntArray  # reasons × days, 0 where the file has no row

    @property
    def days(self) -> int:
        return int(self.counts.shape[1])

    def offset(self, day: dt.date) -> int:
        return (day - self.first).days


def _panel(daily: Mapping[str, Mapping[dt.date, int]]) -> _Panel | None:
    reasons = sorted(r for r, days in daily.items() if days)
    if not reasons:
        return None
    first = min(min(daily[r]) for r in reasons).toordinal()
    last = max(max(daily[r]) for r in reasons).toordinal()
    counts = np.zeros((len(reasons), last - first + 1), dtype=np.int64)
    for i, reason in enumerate(reasons):
        days = daily[reason]
        where = np.fromiter(map(dt.date.toordinal, days), np.int64, len(days)) - first
        values = np.fromiter(days.values(), np.int64, len(days))
        np.add.at(counts[i], where, values)
    return _Panel(
        reasons, {r: i for i, r in enumerate(reasons)}, dt.date.fromordinal(first), counts
    )


def _weeks(counts: IntArray, start: int) -> IntArray:
    """Sums over the full weeks starting on day `start` + 7k (days are columns)."""
    n = (counts.shape[1] - start) // 7
    weekly: IntArray = counts[:, start : start + 7 * n].reshape(counts.shape[0], n, 7).sum(axis=2)
    return weekly


def _log_ratio(reason: FloatArray, control: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each week's log-ratio and its counting-noise variance."""
    x = np.log(reason + 0.5) - np.log(control + 0.5)
    v = 1.0 / (reason + 0.5) + 1.0 / (control + 0.5)
    return x, v


# --- the noise model: one semivariogram per file ---------------------------------------------


def _change_offsets(panel: _Panel, changes: Sequence[tuple[str, dt.date]]) -> dict[int, list[int]]:
    """Each reason's change days as offsets into the panel (sorted, distinct)."""
    found: dict[int, set[int]] = {}
    for reason, day in changes:
        if reason in panel.index:
            found.setdefault(panel.index[reason], set()).add(panel.offset(day))
    return {i: sorted(days) for i, days in found.items()}


def _variogram(panel: _Panel, changed: Mapping[int, list[int]], max_lag: int) -> FloatArray:
    """γ(0 … max_lag) of the weekly log-ratio's own wander (net of counting noise), pooled over
    the file's reasons and smoothed by nugget + a(1 − ρᵏ) + b·k (see the module docstring)."""
    weekly = _weeks(panel.counts, 0).astype(np.float64)
    n_reasons, n_weeks = weekly.shape
    gamma = np.zeros(max_lag + 1)
    if n_weeks < 3:
        return gamma
    clean = np.array([i not in changed for i in range(n_reasons)])
    clean_total = weekly[clean].sum(axis=0)
    all_total = weekly.sum(axis=0)
    busy = weekly.mean(axis=1) >= 7 * MIN_CONTACTS_PER_DAY
    rows = np.flatnonzero(busy) if busy.any() else np.flatnonzero(weekly.sum(axis=1) > 0)
    xs, vs, segments = [], [], []
    starts = np.arange(n_weeks) * 7
    for i in rows:
        own = weekly[i]
        control = clean_total - own if clean[i] else clean_total
        if np.any(control <= 0):
            control = all_total - own
        if np.all(control <= 0):
            continue
        x, v = _log_ratio(own, control)
        segment = np.zeros(n_weeks, dtype=np.int64)
        for day in changed.get(int(i), []):
            segment += starts >= day
            segment[(starts < day) & (day < starts + 7)] = -1_000_000  # a week mixing both
        xs.append(x)
        vs.append(v)
        segments.append(segment)
    if not xs:
        return gamma
    x_all, v_all, s_all = np.array(xs), np.array(vs), np.array(segments)
    lags = np.arange(1, min(max_lag, n_weeks - 1) + 1)
    empirical = np.zeros(len(lags))
    pairs = np.zeros(len(lags))
    for j, k in enumerate(lags):
        ok = (s_all[:, k:] == s_all[:, :-k]) & (s_all[:, k:] >= 0)
        half_square = 0.5 * (x_all[:, k:] - x_all[:, :-k]) ** 2
        counting = 0.5 * (v_all[:, k:] + v_all[:, :-k])
        pairs[j] = ok.sum()
        if pairs[j]:
            empirical[j] = float((half_square - counting)[ok].sum() / pairs[j])
    used = pairs > 0
    if not used.any():
        return gamma
    return _smoothed(lags[used], empirical[used], pairs[used], max_lag)


def _smoothed(lags: IntArray, empirical: FloatArray, pairs: FloatArray, max_lag: int) -> FloatArray:
    """The best fit of nugget + a(1 − ρᵏ) + b·k (a, b, nugget ≥ 0) over a grid of ρ, by
    non-negative least squares weighted by the pairs behind each lag; γ(0) = 0."""
    weight = np.sqrt(pairs)
    k = lags.astype(np.float64)
    scale = float(max(lags.max(), 1))
    best: tuple[float, FloatArray, float] | None = None
    for rho in _RHO_GRID:
        design = np.column_stack([np.ones_like(k), 1.0 - rho**k, k / scale])
        coef, residual = nnls(design * weight[:, None], empirical * weight)
        if best is None or residual < best[0] - 1e-12:
            best = (residual, coef, rho)
    assert best is not None
    _, (nugget, a, b), rho = best
    every = np.arange(max_lag + 1, dtype=np.float64)
    gamma = nugget + a * (1.0 - rho**every) + b * every / scale
    gamma[0] = 0.0
    return np.asarray(gamma, dtype=np.float64)


# --- one change -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    """One change's estimate and what the chart needs."""

    effect: ChangeEffect
    level_before: float | None  # mean log-ratio over the before window
    change_offset: int
    excluded: frozenset[int]  # reasons left out of the control


def _window_variance(
    v_before: FloatArray, v_after: FloatArray, gamma: FloatArray
) -> tuple[int, int, float]:
    """The before / after window lengths (weeks nearest the change, at least four each) with
    the smallest variance of the after-minus-before mean log-ratio, and that variance."""
    nb_max, na_max = len(v_before), len(v_after)
    nb = np.arange(1, nb_max + 1, dtype=np.float64)
    na = np.arange(1, na_max + 1, dtype=np.float64)
    counting_b = np.cumsum(v_before[::-1]) / nb**2
    counting_a = np.cumsum(v_after) / na**2
    # S(n) = Σ_{i,j<n} γ(|i−j|); S(n) − S(n−1) = 2 Σ_{k<n} γ(k)
    within = np.concatenate([[0.0], np.cumsum(2.0 * np.cumsum(gamma[: max(nb_max, na_max)]))])
    s_b, s_a = within[1 : nb_max + 1], within[1 : na_max + 1]
    # X(nb, na) = Σ_{i=1..nb} Σ_{j=0..na−1} γ(i + j): before week i back, after week j on
    across = gamma[np.add.outer(np.arange(1, nb_max + 1), np.arange(na_max))].cumsum(0).cumsum(1)
    wander = -(
        s_a[None, :] / na[None, :] ** 2
        + s_b[:, None] / nb[:, None] ** 2
        - 2.0 * across / np.outer(nb, na)
    )
    variance = counting_b[:, None] + counting_a[None, :] + wander
    lo = MIN_WEEKS_EACH_SIDE - 1
    allowed = variance[lo:, lo:]
    b, a = np.unravel_index(int(np.argmin(allowed)), allowed.shape)
    return int(b) + MIN_WEEKS_EACH_SIDE, int(a) + MIN_WEEKS_EACH_SIDE, float(allowed[b, a])


def _not_enough(reason: str, day: dt.date, why: str) -> ChangeEffect:
    return ChangeEffect(reason, day, None, None, None, NOT_ENOUGH_DATA, None, why)


def _pct(log_ratio: float) -> float:
    return (math.exp(log_ratio) - 1.0) * 100.0


class _Estimator:
    """The file's panel, its noise model and its weekly sums by phase, shared by its changes."""

    def __init__(
        self, daily: Mapping[str, Mapping[dt.date, int]], changes: Sequence[tuple[str, dt.date]]
    ) -> None:
        self.panel = _panel(daily)
        self.changed: dict[int, list[int]] = {}
        self.gamma = np.zeros(2 * MAX_WEEKS_EACH_SIDE + 1)
        self._phases: dict[int, IntArray] = {}
        if self.panel is not None:
            self.changed = _change_offsets(self.panel, changes)
            self.gamma = _variogram(self.panel, self.changed, 2 * MAX_WEEKS_EACH_SIDE)

    def weekly(self, phase: int) -> tuple[IntArray, IntArray]:
        """Weekly sums for weeks starting on day `phase` + 7k, and their total over reasons."""
        assert self.panel is not None
        if phase not in self._phases:
            self._phases[phase] = _weeks(self.panel.counts, phase)
        weeks = self._phases[phase]
        return weeks, weeks.sum(axis=0)

    def fit(self, reason: str, day: dt.date) -> _Fit:
        panel = self.panel
        if panel is None or reason not in panel.index:
            return _Fit(
                _not_enough(reason, day, "the reason is not in the contacts"), None, 0, frozenset()
            )
        i = panel.index[reason]
        offset = panel.offset(day)
        before_days, after_days = offset, panel.days - offset
        if before_days < MIN_DAYS_EACH_SIDE or after_days < MIN_DAYS_EACH_SIDE:
            side, have = (
                ("before", before_days)
                if before_days < MIN_DAYS_EACH_SIDE
                else ("after", after_days)
            )
            why = f"only {max(have, 0)} days of data {side} it"
            return _Fit(_not_enough(reason, day, why), None, offset, frozenset())
        own = [c for c in self.changed.get(i, []) if c != offset]
        start = max([0, *(c for c in own if c < offset)])
        end = min([panel.days, *(c for c in own if c > offset)])
        nb_max = min((offset - start) // 7, MAX_WEEKS_EACH_SIDE)
        na_max = min((end - offset) // 7, MAX_WEEKS_EACH_SIDE)
        if nb_max < MIN_WEEKS_EACH_SIDE or na_max < MIN_WEEKS_EACH_SIDE:
            why = "another change of the same reason is less than four weeks away"
            return _Fit(_not_enough(reason, day, why), None, offset, frozenset())
        weeks, total = self.weekly(offset % 7)
        at = offset // 7  # the first week from the change on
        window_start, window_end = offset - 7 * nb_max, offset + 7 * na_max
        excluded = frozenset(
            j
            for j, days in self.changed.items()
            if j != i and any(window_start <= c < window_end for c in days)
        )
        control = total - weeks[i] - (weeks[sorted(excluded)].sum(axis=0) if excluded else 0)
        before_rows = weeks[i, at - nb_max : at].astype(np.float64)
        if before_rows.sum() < MIN_CONTACTS_PER_DAY * 7 * nb_max:
            per_day = before_rows.sum() / (7 * nb_max)
            why = f"only {per_day:.1f} contacts a day before it"
            return _Fit(_not_enough(reason, day, why), None, offset, excluded)
        control_b = control[at - nb_max : at].astype(np.float64)
        control_a = control[at : at + na_max].astype(np.float64)
        if control_b.sum() <= 0 or control_a.sum() <= 0:
            why = "no other reason without a change to compare it with"
            return _Fit(_not_enough(reason, day, why), None, offset, excluded)
        x_b, v_b = _log_ratio(before_rows, control_b)
        x_a, v_a = _log_ratio(weeks[i, at : at + na_max].astype(np.float64), control_a)
        nb, na, variance = _window_variance(v_b, v_a, self.gamma)
        level_before = float(x_b[-nb:].mean())
        estimate = float(x_a[:na].mean()) - level_before
        half = Z_95 * math.sqrt(max(variance, 1e-12))
        low, high = estimate - half, estimate + half
        verdict = FEWER if high < 0 else MORE if low > 0 else NO_CLEAR_CHANGE
        expected = math.exp(level_before) * (control_a[:na] + 0.5) - 0.5
        per_day = float(np.maximum(expected, 0.0).mean() / 7.0)
        effect = ChangeEffect(reason, day, _pct(estimate), _pct(low), _pct(high), verdict, per_day)
        return _Fit(effect, level_before, offset, excluded)


def estimate_change_effects(
    daily: Mapping[str, Mapping[dt.date, int]], changes: Sequence[tuple[str, dt.date]]
) -> list[ChangeEffect]:
    """Each change's effect on its reason's daily contacts, in the order of `changes`.

    `daily` maps each reason to its contacts per day; a day with no entry counts as 0 between
    the first and the last date present for any reason."""
    estimator = _Estimator(daily, changes)
    return [estimator.fit(reason, day).effect for reason, day in changes]


def weekly_with_expected(
    daily: Mapping[str, Mapping[dt.date, int]],
    reason: str,
    change_date: dt.date,
    *,
    changes: Sequence[tuple[str, dt.date]] = (),
) -> list[WeeklyPoint]:
    """The reason's contacts in full weeks aligned on the change date, and from the change on
    what each week would have been without it: the before-window's share of the control times
    the control's week. Pass the organisation's other `changes` so that the control leaves them
    out as `estimate_change_effects` does (the change itself is added when missing)."""
    every = list(changes)
    if (reason, change_date) not in every:
        every.append((reason, change_date))
    estimator = _Estimator(daily, every)
    panel = estimator.panel
    if panel is None or reason not in panel.index:
        return []
    fit = estimator.fit(reason, change_date)
    i = panel.index[reason]
    offset = panel.offset(change_date)
    phase = offset % 7
    weeks, total = estimator.weekly(phase)
    control = total - weeks[i]
    if fit.excluded:
        control = control - weeks[sorted(fit.excluded)].sum(axis=0)
    points = []
    for w in range(weeks.shape[1]):
        start_day = phase + 7 * w
        expected: float | None = None
        if fit.level_before is not None and start_day >= offset:
            expected = max(math.exp(fit.level_before) * (float(control[w]) + 0.5) - 0.5, 0.0)
        week_start = panel.first + dt.timedelta(days=start_day)
        points.append(WeeklyPoint(week_start, int(weeks[i, w]), expected))
    return points


# --- words ------------------------------------------------------------------------------------


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _share(pct: float) -> str:
    """'31 % fewer', '12 % more', 'no change' for a change in per cent."""
    rounded = round(abs(pct))
    if rounded == 0:
        return "no change"
    return f"{rounded} % {'fewer' if pct < 0 else 'more'}"


def describe_effect(effect: ChangeEffect, *, reason_label: str) -> str:
    """The estimate in plain words, e.g. "about 31 % fewer contacts about refund status since
    1 June 2026 — likely between 23 % and 39 % fewer"."""
    since = _day(effect.date)
    if (
        effect.verdict == NOT_ENOUGH_DATA
        or effect.effect_pct is None
        or effect.low_pct is None
        or effect.high_pct is None
    ):
        why = f" (so far: {effect.why_no_estimate})" if effect.why_no_estimate else ""
        return (
            f"not enough data yet: Headway needs four weeks of contacts on each side of {since} "
            f"and at least {MIN_CONTACTS_PER_DAY:g} contacts a day about {reason_label} before "
            f"it{why}"
        )
    if effect.verdict in (FEWER, MORE):
        word = effect.verdict
        near, far = sorted((abs(effect.low_pct), abs(effect.high_pct)))
        likely = (
            f"likely between {round(near)} % and {round(far)} % {word}"
            if round(near) > 0
            else f"likely up to {round(far)} % {word}"
        )
        return (
            f"about {round(abs(effect.effect_pct))} % {word} contacts about {reason_label} since "
            f"{since} — {likely}"
        )
    return (
        f"no clear change in contacts about {reason_label} since {since} — anything from "
        f"{_share(effect.low_pct)} to {_share(effect.high_pct)} is likely"
    )


# --- files ------------------------------------------------------------------------------------


def _read_contacts_value(text: str) -> tuple[int | None, str | None]:
    if text.isascii() and text.isdigit():
        value = int(text)
    else:
        from core.parsing import read_number

        number, problem = read_number(text, "contacts")
        if number is None:
            if text == "":
                return None, problem
            return None, f"contacts {text[:40]!r} is not a whole number (write it like 12)"
        if number < 0:
            return None, f"contacts {text[:40]} is negative (a count of contacts is 0 or more)"
        if not number.is_integer():
            return None, f"contacts {text[:40]} is not a whole number"
        value = int(number)
    if value > MAX_CONTACTS_PER_ROW:
        return None, f"contacts {text[:40]} is more than {MAX_CONTACTS_PER_ROW:,} for one row"
    return value, None


def read_contacts_csv(data: bytes | IO[bytes]) -> dict[str, dict[dt.date, int]]:
    """date,reason,contacts rows (header in any order, other columns ignored) as contacts per
    reason and day; several rows for one date and reason add up. Every bad row is reported by
    its line (InvalidInput), as the imports do."""
    raw = data if isinstance(data, bytes) else data.read()
    stream = stream_csv(raw, required=CONTACT_COLUMNS)  # the header's checks, at once
    return _contacts_at_speed(raw) or _contacts_row_by_row(stream)


_PLAIN_DIGITS = r"[0-9]{1,10}"


def _contacts_at_speed(raw: bytes) -> dict[str, dict[dt.date, int]] | None:
    """The common case — a plain file (no quotes, no blank lines, LF or CRLF line ends) with
    every row good — read by pandas' C parser: three years of 500 reasons is over half a million
    rows. None when anything is unusual: then the row-by-row reader decides, and names every
    bad line."""
    import pandas as pd

    from core.csvio import MAX_FIELD
    from core.parsing import read_date

    body = raw.removeprefix(codecs.BOM_UTF8)
    if b'"' in body or b"\x00" in body or body.count(b"\r") != body.count(b"\r\n"):
        return None
    header_end = body.find(b"\n")
    if header_end < 0:
        return None
    try:
        names = [n.strip() for n in body[:header_end].decode("utf-8").rstrip("\r").split(",")]
    except UnicodeDecodeError:
        return None
    if not _same_fields_on_every_line(body, len(names) - 1, MAX_FIELD):
        return None
    raw_names = body[:header_end].decode("utf-8").rstrip("\r").split(",")
    wanted = {raw_names[names.index(c)]: c for c in CONTACT_COLUMNS}
    try:
        frame = pd.read_csv(
            io.BytesIO(body),
            usecols=list(wanted),
            dtype={r: "int64" if c == "contacts" else "category" for r, c in wanted.items()},
            na_filter=False,
            index_col=False,
            engine="c",
        ).rename(columns=wanted)
    except (ValueError, OverflowError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    values = frame["contacts"].to_numpy(dtype=np.int64)
    if len(values) and (values.min() < 0 or values.max() > MAX_CONTACTS_PER_ROW):
        return None
    reason_names = [str(r).strip() for r in frame["reason"].cat.categories]
    days = [read_date(str(d).strip())[0] for d in frame["date"].cat.categories]
    if "" in reason_names or None in days:
        return None
    # Names equal once stripped are one reason (as the row-by-row reader sees them).
    unique_reasons = sorted(set(reason_names))
    reason_of = np.array([unique_reasons.index(r) for r in reason_names], dtype=np.int64)
    unique_days = sorted({d for d in days if d is not None})
    day_of = np.array([unique_days.index(d) for d in days if d is not None], dtype=np.int64)
    n_days = len(unique_days)
    key = (
        reason_of[frame["reason"].cat.codes.to_numpy()] * n_days
        + day_of[frame["date"].cat.codes.to_numpy()]
    )
    size = len(unique_reasons) * n_days
    present = (np.bincount(key, minlength=size) > 0).reshape(len(unique_reasons), n_days)
    summed = np.zeros(size, dtype=np.int64)
    np.add.at(summed, key, values)
    table = summed.reshape(len(unique_reasons), n_days)
    day_objects = np.array(unique_days, dtype=object)
    daily: dict[str, dict[dt.date, int]] = {}
    for i, reason in enumerate(unique_reasons):
        where = np.flatnonzero(present[i])
        daily[reason] = dict(
            zip(day_objects[where].tolist(), table[i, where].tolist(), strict=True)
        )
    return daily


def _same_fields_on_every_line(body: bytes, commas: int, max_line: int) -> bool:
    """Every line after the header has exactly `commas` commas and none is blank or longer
    than `max_line` (vectorised: no Python loop over the lines)."""
    buffer = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(buffer == ord("\n"))
    if len(ends) == 0 or ends[-1] != len(buffer) - 1:
        ends = np.append(ends, len(buffer))
    starts = np.concatenate([[0], ends[:-1] + 1])
    if len(ends) > 1 and (ends[1:] - starts[1:]).min() < 3:  # blank (or near-blank) lines
        return False
    if (ends - starts).max() > max_line:
        return False
    per_line = np.bincount(
        np.searchsorted(ends, np.flatnonzero(buffer == ord(","))), minlength=len(ends)
    )
    return bool((per_line == commas).all())


def _contacts_row_by_row(stream: CsvStream) -> dict[str, dict[dt.date, int]]:
    from core.csvio import line_of
    from core.parsing import read_date

    daily: dict[str, dict[dt.date, int]] = {}
    dates: dict[str, tuple[dt.date | None, str | None]] = {}
    problems: list[str] = []
    for row in stream.rows:
        v = row.values
        reasons = []
        text = v["date"]
        if text not in dates:
            dates[text] = read_date(text)
        day, problem = dates[text]
        if problem:
            reasons.append(problem)
        reason = v["reason"]
        if not reason:
            reasons.append("reason missing")
        count, problem = _read_contacts_value(v["contacts"])
        if problem:
            reasons.append(problem)
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        elif not problems:
            assert day is not None and count is not None
            days = daily.setdefault(reason, {})
            days[day] = days.get(day, 0) + count
    problems.extend(stream.problems)
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"{len(problems)} line(s) need fixing", problems)
    return daily


def read_changes_csv(data: bytes | IO[bytes]) -> list[tuple[str, dt.date]]:
    """reason,date rows (header in any order, other columns such as a label ignored), in file
    order; every bad row is reported by its line (InvalidInput)."""
    from core.csvio import line_of, read_csv
    from core.parsing import read_date

    table = read_csv(data, required=CHANGE_COLUMNS)
    problems = list(table.problems)
    changes: list[tuple[str, dt.date]] = []
    for row in table.rows:
        v = row.values
        reasons = []
        day, problem = read_date(v["date"])
        if problem:
            reasons.append(problem)
        if not v["reason"]:
            reasons.append("reason missing")
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        else:
            assert day is not None
            changes.append((v["reason"], day))
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"{len(problems)} line(s) need fixing", problems)
    return changes
