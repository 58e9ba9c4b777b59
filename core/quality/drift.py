"""Evaluator drift: how many points each QA evaluator scores above the average evaluator on the
same agents (contract: `headway evaluator-drift`; the calibration pages call the same function).

Why not each evaluator's plain mean: evaluators meet different teams, so a plain mean mixes the
evaluator's leniency with the strength of the agents they happened to score. Here each score is

    score = agent effect + evaluator effect + noise,

and the evaluator effects are estimated from within-agent comparisons only (the agent effects are
absorbed: Frisch–Waugh–Lovell). With C the agent × evaluator count matrix, the evaluator normal
matrix is M = diag(n_e) − Cᵀ diag(1/n_a) C (evaluators × evaluators: tiny even for hundreds of
evaluators) and the right-hand side is S_e − Cᵀ (S_a / n_a) (score sums by evaluator and agent).
An agent seen by one evaluator only adds nothing to M: it carries no comparison.

* Only the *eligible* evaluators (≥ 10 evaluations) are fitted: a thin one would bring its own
  effect and little else. Leniency = an evaluator's effect minus the mean effect of the eligible
  evaluators: "points above the average evaluator on the same agents".
* 95 % interval: the larger of two standard errors, so that it holds when either is wrong —
  the classical one from the residual variance (right when the noise is alike for everyone, and
  the only sound one for an evaluator linked to colleagues by a handful of scores), and a
  cluster-robust one by agent (right when evaluators differ in consistency, or when an agent's
  scores share more than the model says, e.g. an evaluator who likes one agent). The simulations
  in tests/unit/test_drift.py check the coverage.
* Evaluators are comparable only through shared agents. When the agent–evaluator graph falls
  apart into separate groups (a site whose agents nobody else scores), the groups' levels cannot
  be compared at all: the group with the most eligible evaluators is the reference, and the
  evaluators of the other groups get "not enough data" with no figures (and do not enter the
  average) — any number for them would be a guess about which group's agents are stronger. The
  contract has four verdicts; its "not enough data" is the honest one here (the CLI prints why
  on stderr, and `leniency_sentence` says what to change: a colleague scoring the same agents).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from scipy import sparse, stats
from scipy.sparse.csgraph import connected_components

from core.platform.errors import InvalidInput

MIN_EVALUATIONS = 10
REQUIRED_COLUMNS = ("evaluator", "agent", "score")
# A column that names the evaluation itself: a repeated id is a duplicate row (or a contradiction).
ID_COLUMNS = ("evaluation_id", "evaluation", "id")


class Verdict(StrEnum):
    LENIENT = "lenient"
    HARSH = "harsh"
    IN_LINE = "in line"
    NOT_ENOUGH_DATA = "not enough data"


# The verdicts as the pages say them: neutral, what the evaluator does, not what they are (the
# CLI's JSON keeps the contract's words above).
VERDICT_WORDS = {
    Verdict.LENIENT: "scores higher than colleagues",
    Verdict.HARSH: "scores lower than colleagues",
    Verdict.IN_LINE: "in line with colleagues",
    Verdict.NOT_ENOUGH_DATA: "not enough evaluations yet",
}


class Reason(StrEnum):
    """Why an evaluator has no figures (for the sentence; the JSON has the verdict only)."""

    NONE = ""
    FEW_EVALUATIONS = "few evaluations"
    NO_SHARED_AGENTS = "no shared agents"  # nobody else scores this evaluator's agents
    SEPARATE_GROUP = "separate group"  # shares agents only with evaluators outside the main group
    FEW_COMPARISONS = "few comparisons"  # too few shared scores to measure the noise


@dataclass(frozen=True)
class EvaluatorLeniency:
    evaluator: str
    evaluations: int
    leniency: float | None = None
    low: float | None = None
    high: float | None = None
    verdict: Verdict = Verdict.NOT_ENOUGH_DATA
    reason: Reason = Reason.NONE
    agents: int = 0  # distinct agents this evaluator scored

    def to_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 2)

        return {
            "evaluator": self.evaluator,
            "evaluations": self.evaluations,
            "leniency": r(self.leniency),
            "low": r(self.low),
            "high": r(self.high),
            "verdict": str(self.verdict),
        }


@dataclass(frozen=True)
class Evaluations:
    """Scores as parallel columns (one entry per evaluation)."""

    evaluators: list[str]
    agents: list[str]
    scores: np.ndarray


def read_evaluations_csv(data: bytes) -> Evaluations:
    """evaluator,agent,score rows (header in any order, other columns ignored); every bad row
    is reported by its line (InvalidInput), as the metrics import does."""
    from core.models import METRICS
    from core.platform.csvio import read_csv
    from core.platform.parsing import read_number  # the imports' number rules: one home for them

    qa = METRICS["qa_score"]
    table = read_csv(data, required=REQUIRED_COLUMNS, optional=ID_COLUMNS)
    problems: list[str] = list(table.problems)  # rows that could not be read at all
    first_values = table.rows[0].values if table.rows else {}
    id_column = next((c for c in ID_COLUMNS if c in first_values), None)
    evaluators: list[str] = []
    agents: list[str] = []
    scores: list[float] = []
    seen: dict[str, tuple[int, tuple[str, str, str]]] = {}
    for row in table.rows:
        v = row.values
        reasons = [f"{c} missing" for c in ("evaluator", "agent") if not v[c]]
        value, problem = read_number(v["score"])
        if problem:
            reasons.append(f"score: {problem}")
        elif value is not None and not qa.in_range(value):
            reasons.append(f"score {v['score'][:40]} is out of range ({qa.range_text})")
        if id_column and v[id_column] and not reasons:
            content = (v["evaluator"], v["agent"], v["score"])
            first = seen.get(v[id_column])
            if first is None:
                seen[v[id_column]] = (row.line, content)
            elif first[1] == content:
                reasons.append(f"duplicate of line {first[0]}")
            else:
                reasons.append(
                    f"{id_column} {v[id_column][:40]!r} is also on line {first[0]} "
                    "with a different evaluator, agent or score"
                )
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        else:
            assert value is not None
            evaluators.append(v["evaluator"])
            agents.append(v["agent"])
            scores.append(value)
    if problems:
        raise InvalidInput(f"{len(problems)} line(s) need fixing", problems)
    return Evaluations(evaluators, agents, np.asarray(scores, dtype=float))


def evaluator_leniency(
    evaluators: Sequence[str], agents: Sequence[str], scores: Sequence[float] | np.ndarray
) -> list[EvaluatorLeniency]:
    """Every evaluator's leniency against the average evaluator on the same agents, with its
    95 % interval and verdict (see the module docstring), in the order of their names."""
    y = np.asarray(scores, dtype=float)
    if not len(y):
        return []
    e_codes, e_names = _factorize(evaluators)
    a_codes, _ = _factorize(agents)
    n_e = np.bincount(e_codes, minlength=len(e_names))
    pairs = np.unique(e_codes * (int(a_codes.max()) + 1) + a_codes)
    agents_per_evaluator = np.bincount(pairs // (int(a_codes.max()) + 1), minlength=len(e_names))
    eligible = n_e >= MIN_EVALUATIONS
    # Thin evaluators stay out of the fit as well as the average: each would bring its own
    # effect and nothing else (and they would tie groups together by a thread of a few scores).
    rows = eligible[e_codes]
    fitted: dict[int, tuple[float, float] | Reason] = {}
    if rows.any():
        fitted = _fit(e_codes[rows], a_codes[rows], y[rows], len(e_names), int(a_codes.max()) + 1)
    results = []
    for e, name in enumerate(e_names):
        base = EvaluatorLeniency(name, int(n_e[e]), agents=int(agents_per_evaluator[e]))
        if not eligible[e]:
            results.append(_replace_reason(base, Reason.FEW_EVALUATIONS))
        elif isinstance(fit := fitted[e], Reason):
            results.append(_replace_reason(base, fit))
        else:
            leniency, half = fit
            low, high = leniency - half, leniency + half
            # Judged on the figures as published (2 decimals), so that "wholly above 0" holds
            # for the numbers a reader sees.
            verdict = (
                Verdict.LENIENT
                if round(low, 2) > 0
                else Verdict.HARSH
                if round(high, 2) < 0
                else Verdict.IN_LINE
            )
            results.append(
                EvaluatorLeniency(
                    name, base.evaluations, leniency, low, high, verdict, agents=base.agents
                )
            )
    return sorted(results, key=lambda r: r.evaluator)


def _replace_reason(base: EvaluatorLeniency, reason: Reason) -> EvaluatorLeniency:
    return EvaluatorLeniency(base.evaluator, base.evaluations, reason=reason, agents=base.agents)


def _factorize(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    names, codes = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return codes.astype(np.int64), [str(n) for n in names]


def _groups(counts: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, int]:
    """Connected groups of agents and evaluators (linked by a score): each agent's and each
    evaluator's group, and the reference group — the one with the most evaluators; ties go to
    the group with more evaluations, then the first found."""
    n_agents = counts.shape[0]
    graph = sparse.bmat([[None, counts], [counts.T, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    agent_labels, evaluator_labels = labels[:n_agents], labels[n_agents:]
    present = np.asarray(counts.sum(axis=0)).ravel() > 0
    evaluations = np.asarray(counts.sum(axis=0)).ravel()
    best = max(
        np.unique(evaluator_labels[present]),
        key=lambda g: (
            int((present & (evaluator_labels == g)).sum()),
            float(evaluations[evaluator_labels == g].sum()),
            -int(g),
        ),
    )
    return agent_labels, evaluator_labels, int(best)


def _fit(
    e_codes: np.ndarray, a_codes: np.ndarray, y: np.ndarray, n_evaluators: int, n_agents: int
) -> dict[int, tuple[float, float] | Reason]:
    """Leniency and 95 % half-width for each evaluator of the rows (the eligible ones), or why
    there is none."""
    everyone = sparse.csr_matrix(
        (np.ones(len(y)), (a_codes, e_codes)), shape=(n_agents, n_evaluators)
    )
    agent_groups, evaluator_groups, best = _groups(everyone)
    group_sizes = np.bincount(evaluator_groups[np.unique(e_codes)])
    outcome: dict[int, tuple[float, float] | Reason] = {
        int(e): Reason.NO_SHARED_AGENTS
        if group_sizes[evaluator_groups[e]] == 1
        else Reason.SEPARATE_GROUP
        for e in np.unique(e_codes)
    }
    agents_in, evaluators_in = agent_groups == best, np.zeros(n_evaluators, dtype=bool)
    evaluators_in[np.unique(e_codes)] = evaluator_groups[np.unique(e_codes)] == best
    rows = evaluators_in[e_codes]
    e_all, a_all = np.flatnonzero(evaluators_in), np.flatnonzero(agents_in)
    e_local = np.searchsorted(e_all, e_codes[rows])
    a_local = np.searchsorted(a_all, a_codes[rows])
    y = y[rows]
    n_obs, n_ev, n_ag = len(y), len(e_all), len(a_all)
    if n_ev < 2:
        return outcome  # one evaluator alone has no colleague on the same agents
    counts = sparse.csr_matrix((np.ones(n_obs), (a_local, e_local)), shape=(n_ag, n_ev))
    counts.sum_duplicates()
    n_a = np.asarray(counts.sum(axis=1)).ravel()
    n_e = np.asarray(counts.sum(axis=0)).ravel()
    s_a = np.bincount(a_local, weights=y, minlength=n_ag)
    s_e = np.bincount(e_local, weights=y, minlength=n_ev)
    scaled = sparse.diags(1.0 / n_a) @ counts
    normal = np.diag(n_e) - (counts.T @ scaled).toarray()
    rhs = s_e - counts.T @ (s_a / n_a)
    # One group is connected, so M has rank E - 1 with the constant vector as its null space;
    # the pseudo-inverse gives the effects summing to zero, and every contrast below sums to
    # zero, so it does not depend on that choice.
    inverse = np.linalg.pinv(normal, hermitian=True)
    effects = inverse @ rhs
    agent_effects = (s_a - counts @ effects) / n_a
    residuals = y - agent_effects[a_local] - effects[e_local]
    # Classical: residual variance over its degrees of freedom (agents and evaluators estimated).
    dof = n_obs - n_ag - (n_ev - 1)
    # Cluster-robust by agent: with agents absorbed, an agent's score vector is the sum of its
    # residuals per evaluator (they add to zero within the agent), so the "meat" is RᵀR.
    by_cell = sparse.csr_matrix((residuals, (a_local, e_local)), shape=(n_ag, n_ev))
    by_cell.sum_duplicates()
    clusters = int((np.diff(counts.indptr) >= 2).sum())  # agents seen by 2+ evaluators
    if dof <= 0:  # every score is needed to place agents and evaluators: no noise left to see
        outcome.update({int(e): Reason.FEW_COMPARISONS for e in e_all})
        return outcome
    sigma2 = float(residuals @ residuals) / dof
    # With one shared agent there is no spread between agents to measure: classical only.
    meat = (by_cell.T @ by_cell).toarray() * clusters / max(clusters - 1, 1)
    if clusters < 2:
        meat[:] = 0.0
    contrasts = np.eye(n_ev) - 1.0 / n_ev  # row e: e minus the average evaluator
    leniency = contrasts @ effects
    projected = contrasts @ inverse
    classical = sigma2 * np.einsum("ij,ij->i", projected, contrasts)
    robust = np.einsum("ij,jk,ik->i", projected, meat, projected)
    quantile = float(stats.t.ppf(0.975, min(dof, clusters - 1) if clusters >= 2 else dof))
    half = quantile * np.sqrt(np.maximum(classical, robust))
    for i, e in enumerate(e_all):
        finite = math.isfinite(float(half[i])) and math.isfinite(float(leniency[i]))
        outcome[int(e)] = (float(leniency[i]), float(half[i])) if finite else Reason.FEW_COMPARISONS
    return outcome


def _points(x: float) -> str:
    """Points with one decimal, as every figure on the drift page: "7.9 points", "1.0 point"."""
    amount = f"{abs(x):.1f}"
    return f"{amount} point" + ("" if amount == "1.0" else "s")


def leniency_sentence(result: EvaluatorLeniency, name: str | None = None) -> str:
    """One plain, neutral sentence for a team lead, one decimal throughout, e.g. "Dana scores
    higher than colleagues on the same agents: about 6.2 points higher (somewhere between 4.1
    and 8.3 points higher)."."""
    who = name or result.evaluator
    if result.verdict is Verdict.NOT_ENOUGH_DATA or result.leniency is None:
        if result.reason is Reason.NO_SHARED_AGENTS:
            return (
                f"Nobody else scores the agents {who} scores, so {who}'s scoring cannot be "
                "compared with colleagues yet; ask a colleague to score some of the same agents."
            )
        if result.reason is Reason.SEPARATE_GROUP:
            return (
                f"{who} only shares agents with evaluators whose agents the other evaluators "
                f"never score, so {who}'s scoring cannot be set against the average evaluator; "
                "ask an evaluator from the main group to score some of the same agents."
            )
        if result.reason is Reason.FEW_COMPARISONS:
            return (
                f"{who} scores too few of the same agents as colleagues to compare their "
                "scoring yet; ask colleagues to score some of the same agents."
            )
        return (
            f"{who} has {result.evaluations} evaluation"
            f"{'' if result.evaluations == 1 else 's'}; at least {MIN_EVALUATIONS} are needed "
            "to compare their scoring with colleagues."
        )
    assert result.low is not None and result.high is not None
    if result.verdict is Verdict.IN_LINE:
        return (
            f"{who} scores in line with colleagues on the same agents: somewhere between "
            f"{_signed(result.low)} and {_signed(result.high)}."
        )
    side = "higher" if result.verdict is Verdict.LENIENT else "lower"
    near, far = sorted((abs(result.low), abs(result.high)))
    return (
        f"{who} scores {side} than colleagues on the same agents: about "
        f"{_points(result.leniency)} {side} (somewhere between {near:.1f} and {far:.1f} points "
        f"{side})."
    )


def _signed(x: float) -> str:
    if f"{abs(x):.1f}" == "0.0":
        return "0.0 points"
    return f"{_points(x)} {'higher' if x > 0 else 'lower'}"
