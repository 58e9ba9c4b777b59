"""How much evaluators agree when they score the same interactions (calibration sessions).

Two figures, per scorecard item and overall:
- the share of pairs that agree: two evaluators who answered the same item of the same
  interaction agree when their answers are within one scale point (1–5 items) or the same
  (yes/no items); overall, over every item's pairs;
- Krippendorff's alpha, from the `krippendorff` library: 1 is perfect agreement, 0 is what
  chance gives; ordinal for scale items, nominal for yes/no, interval for the overall score.
  Below 0.667 Krippendorff advises against drawing even tentative conclusions from the scores.
A "n.a." answer or a missing score is left out of both. With no spread at all (everyone gave the
same answer everywhere), alpha is undefined; the pairs then say "all agree".

Which figure decides: an item is poorly agreed when fewer than 4 pairs in 5 agree — the figure
the page leads with, in a sentence. Alpha is shown beside it for those who want it but does not
decide: with a handful of calls it swings widely (a single disagreement on an item everyone else
agreed on can take it below 0), so a verdict from it would contradict the plain sentence.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np

from core.quality.evaluations import Answer

POOR_SHARE = 0.8  # fewer than 4 pairs in 5 agree
POOR_ALPHA = 0.667  # Krippendorff's lowest bar for tentative conclusions


def _value(kind: str, answer: Answer | None) -> float | None:
    """An answer as a number (yes 1, no 0, a scale point), None when n.a. or missing."""
    if answer is None or answer == "na":
        return None
    if kind == "yes_no":
        return 1.0 if answer == "yes" else 0.0
    return float(answer)


Level = Literal["nominal", "ordinal", "interval"]


def krippendorff_alpha(by_call: Sequence[Sequence[float | None]], level: Level) -> float | None:
    """Alpha over interactions (rows) × evaluators (columns); None when undefined (no two
    evaluators answered the same interaction, or no spread at all)."""
    if not by_call:
        return None
    data = np.array([[np.nan if v is None else v for v in row] for row in by_call], dtype=float)
    try:
        with np.errstate(invalid="ignore", divide="ignore"):  # no spread: nan, said as None
            value = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement=level))
    except ValueError:  # fewer than two values in the domain, or no pairable interaction
        return None
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class Pairs:
    pairs: int
    agreeing: int
    calls: int  # interactions with at least two answers
    disagreed_calls: int  # of those, the ones where some pair does not agree

    @property
    def share(self) -> float | None:
        return self.agreeing / self.pairs if self.pairs else None


def count_pairs(by_call: Sequence[Sequence[float | None]], tolerance: float) -> Pairs:
    """Every pair of evaluators who answered the same interaction: do they agree within
    `tolerance` (1 for a scale item, 0 for yes/no)?"""
    pairs = agreeing = calls = disagreed = 0
    for row in by_call:
        given = [v for v in row if v is not None]
        if len(given) < 2:
            continue
        calls += 1
        here = [abs(a - b) <= tolerance for a, b in itertools.combinations(given, 2)]
        pairs += len(here)
        agreeing += sum(here)
        disagreed += not all(here)
    return Pairs(pairs, agreeing, calls, disagreed)


@dataclass(frozen=True)
class ItemAgreement:
    section: str
    text: str
    kind: str  # "yes_no" or "scale"
    pairs: Pairs
    alpha: float | None

    @property
    def poor(self) -> bool:
        """Fewer than 4 pairs in 5 agree (the figure `agreed_sentence` states)."""
        share = self.pairs.share
        return share is not None and share < POOR_SHARE

    @property
    def agreed_sentence(self) -> str:
        """How alike the answers were, in words: "Evaluators agreed within one point on 5 of 6
        calls." (yes/no: "gave the same answer"); with more than two evaluators per call, the
        pairs of answers too, since the verdict counts pairs."""
        p = self.pairs
        if p.calls == 0:
            return "Fewer than two evaluators answered this question on any call."
        how = "agreed within one point" if self.kind == "scale" else "gave the same answer"
        calls = p.calls - p.disagreed_calls
        text = f"Evaluators {how} on {calls} of {p.calls} call{'s' if p.calls != 1 else ''}"
        if p.pairs != p.calls:  # more than two evaluators on some call
            text += f" ({p.agreeing} of {p.pairs} pairs of answers)"
        return text + "."

    @property
    def sentence(self) -> str:
        """The item named as poorly agreed: its text and what the answers did."""
        return f"“{self.text}”: {self.agreed_sentence[0].lower()}{self.agreed_sentence[1:]}"


def item_agreement(
    section: str, text: str, kind: str, by_call: Sequence[Sequence[Answer | None]]
) -> ItemAgreement:
    """One scorecard item: `by_call` holds, per interaction, each evaluator's answer (None when
    they did not score it)."""
    values = [[_value(kind, a) for a in row] for row in by_call]
    scale = kind == "scale"
    return ItemAgreement(
        section,
        text,
        kind,
        count_pairs(values, 1.0 if scale else 0.0),
        krippendorff_alpha(values, "ordinal" if scale else "nominal"),
    )


@dataclass(frozen=True)
class OverallAgreement:
    pairs: Pairs  # every item's pairs together
    alpha: float | None  # interval alpha of the overall score (0–100)
    mean_gap: float | None  # points between two evaluators' scores of the same call, on average

    @property
    def poor(self) -> bool:
        """Fewer than 4 pairs in 5 agree over every item (alpha does not decide: see above)."""
        share = self.pairs.share
        return share is not None and share < POOR_SHARE


def overall_agreement(
    items: Sequence[ItemAgreement], scores_by_call: Sequence[Sequence[float | None]]
) -> OverallAgreement:
    pairs = Pairs(
        sum(i.pairs.pairs for i in items),
        sum(i.pairs.agreeing for i in items),
        max((i.pairs.calls for i in items), default=0),
        max((i.pairs.disagreed_calls for i in items), default=0),
    )
    gaps = [
        abs(a - b)
        for row in scores_by_call
        for a, b in itertools.combinations([s for s in row if s is not None], 2)
    ]
    return OverallAgreement(
        pairs,
        krippendorff_alpha(scores_by_call, "interval"),
        sum(gaps) / len(gaps) if gaps else None,
    )


ALPHA_MEANING = "1 = full agreement, 0 = no better than chance, below 0 = systematic disagreement"


def alpha_words(alpha: float | None, *, compared: bool = True) -> str:
    """Alpha in words a team lead can use. `compared`: at least two evaluators answered the
    same call (an undefined alpha then means everyone gave the same answer)."""
    if alpha is None:
        return "everyone gave the same answer" if compared else "too few answers to compare"
    if alpha >= 0.8:
        return f"{alpha:.2f} — reliable"
    if alpha >= POOR_ALPHA:
        return f"{alpha:.2f} — tentative"
    if alpha < 0:
        return f"{alpha:.2f} — systematic disagreement"
    return f"{alpha:.2f} — too low to rely on"
