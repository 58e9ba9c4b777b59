"""Evaluator drift (`headway evaluator-drift`): honesty on planted truth (the published example
and many simulated sets, against a plain mean per evaluator that fails them), the model's
invariances, unconnected evaluators, the sentences, and bad input by line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from core.cli import main
from core.quality.drift import (
    VERDICT_WORDS,
    EvaluatorLeniency,
    Reason,
    Verdict,
    evaluator_leniency,
    leniency_sentence,
    read_evaluations_csv,
)
from tests.unit.simulate import drift_world

DRIFT = next(
    (
        folder / "shared" / "spec" / "examples" / "drift"
        for folder in (Path(__file__).resolve().parents[3], Path("/work"))
        if (folder / "shared" / "spec" / "examples" / "drift").exists()
    ),
    Path("/nonexistent"),
)


def estimate(frame: pd.DataFrame) -> list[EvaluatorLeniency]:
    return evaluator_leniency(
        frame["evaluator"].tolist(), frame["agent"].tolist(), frame["score"].to_numpy()
    )


def plain_means(frame: pd.DataFrame) -> list[EvaluatorLeniency]:
    """The naive answer: each evaluator's own mean minus the average of those means."""
    groups = frame.groupby("evaluator")["score"]
    n, mean, sd = groups.size(), groups.mean(), groups.std()
    eligible = n >= 10
    average = mean[eligible].mean()
    results = []
    for name in n.index:
        if not eligible[name]:
            results.append(EvaluatorLeniency(name, int(n[name])))
            continue
        half = stats.t.ppf(0.975, n[name] - 1) * sd[name] / np.sqrt(n[name])
        low, high = mean[name] - average - half, mean[name] - average + half
        verdict = Verdict.LENIENT if low > 0 else Verdict.HARSH if high < 0 else Verdict.IN_LINE
        results.append(
            EvaluatorLeniency(name, int(n[name]), mean[name] - average, low, high, verdict)
        )
    return results


def honesty(
    estimator: object, seeds: range, **world: object
) -> tuple[float, float, float, int, int]:
    """Coverage of the planted truth, share of clear leniency found (|planted| ≥ 5 points with
    60+ evaluations), share of neutral evaluators (within 1 point of the average) flagged, and
    the count of thin evaluators and of those among them with no figures."""
    covered = scored = found = clear = flagged = neutral = thin = thin_ok = 0
    for seed in seeds:
        frame, truth, planted = drift_world(seed, **world)  # type: ignore[arg-type]
        for result in estimator(frame):  # type: ignore[operator]
            relative = truth[result.evaluator]
            if relative is None:
                thin += 1
                thin_ok += result.verdict == "not enough data" and result.leniency is None
                continue
            assert result.low is not None and result.high is not None
            scored += 1
            covered += result.low <= relative <= result.high
            if abs(planted[result.evaluator]) >= 5 and result.evaluations >= 60:
                clear += 1
                side = "lenient" if planted[result.evaluator] > 0 else "harsh"
                found += result.verdict == side
            if abs(relative) < 1:
                neutral += 1
                flagged += result.verdict != "in line"
    return covered / scored, found / clear if clear else 1.0, flagged / neutral, thin, thin_ok


@pytest.mark.skipif(not DRIFT.exists(), reason="shared/spec/examples is not beside the project")
def test_the_published_example_gets_the_reference_verdicts_and_the_planted_leniency() -> None:
    evaluations = read_evaluations_csv((DRIFT / "evaluations.csv").read_bytes())
    results = evaluator_leniency(evaluations.evaluators, evaluations.agents, evaluations.scores)
    reference = json.loads((DRIFT / "reference_output.json").read_text())["evaluators"]
    truth = json.loads((DRIFT / "truth.json").read_text())
    assert [r.evaluator for r in results] == [r["evaluator"] for r in reference]
    for result, expected in zip(results, reference, strict=True):
        assert result.verdict == expected["verdict"]
        assert result.evaluations == expected["evaluations"] == truth[result.evaluator]["n"]
        relative = truth[result.evaluator]["relative"]
        if relative is None:
            assert result.leniency is None and result.low is None and result.high is None
            continue
        assert result.leniency is not None and result.low is not None and result.high is not None
        assert abs(result.leniency - relative) < 1.0
        assert result.low <= relative <= result.high
        assert abs(result.leniency - expected["leniency"]) < 0.05


def test_over_many_simulated_sets_intervals_cover_the_truth_and_clear_leniency_is_found() -> None:
    coverage, found, flagged, thin, thin_ok = honesty(estimate, range(60))
    assert 0.90 <= coverage <= 0.99
    assert found >= 0.95
    assert flagged <= 0.10
    assert thin == thin_ok == 120
    # Teeth: on the same sets a plain mean per evaluator is confounded by the teams each
    # evaluator happens to meet.
    naive_coverage, _, naive_flagged, _, _ = honesty(plain_means, range(60))
    assert naive_coverage < 0.60 and naive_flagged > 0.30


def test_intervals_stay_honest_when_evaluators_differ_widely_in_consistency() -> None:
    coverage, _, flagged, _, _ = honesty(estimate, range(100, 140), noise=(2.0, 14.0))
    assert 0.90 <= coverage <= 0.99 and flagged <= 0.10


def test_intervals_stay_honest_with_many_evaluators_on_few_evaluations_each() -> None:
    coverage, _, flagged, _, _ = honesty(
        estimate, range(200, 220), evaluators=40, evaluations=(12, 40), teams=12
    )
    assert 0.90 <= coverage <= 0.99 and flagged <= 0.10


def test_intervals_stay_honest_when_evaluators_like_some_agents_more_than_others() -> None:
    coverage, found, flagged, _, _ = honesty(estimate, range(300, 360), liking=3.0)
    assert 0.90 <= coverage <= 0.99 and found >= 0.90 and flagged <= 0.10


def rows(*triples: tuple[str, str, float]) -> tuple[list[str], list[str], list[float]]:
    return [t[0] for t in triples], [t[1] for t in triples], [t[2] for t in triples]


def test_an_evaluator_who_only_meets_a_strong_team_is_not_called_lenient() -> None:
    rng = np.random.default_rng(3)
    triples = []
    for i in range(300):
        strong = i % 2 == 0
        agent = f"{'S' if strong else 'W'}{rng.integers(10)}"
        # Everyone scores fairly; "Kim" only ever meets the strong team, whose agents score 15
        # points higher, and "Lee" only the weak one. Ann and Bo meet both and link them.
        evaluator = ["Ann", "Bo", "Kim" if strong else "Lee"][i % 3]
        triples.append((evaluator, agent, (85 if strong else 70) + rng.normal(0, 4)))
    results = {r.evaluator: r for r in evaluator_leniency(*rows(*triples))}
    assert results["Kim"].verdict == results["Lee"].verdict == "in line"
    assert abs(results["Kim"].leniency or 99) < 2


def test_a_shift_of_one_agents_scores_or_of_every_score_changes_no_leniency() -> None:
    frame, _, _ = drift_world(5)
    before = estimate(frame)
    shifted = frame.assign(score=frame["score"] + np.where(frame["agent"] == "A0003", 9, 0) - 2)
    after = estimate(shifted)
    assert sum(r.leniency is not None for r in before) == 14
    for a, b in zip(before, after, strict=True):
        assert a.leniency == pytest.approx(b.leniency, abs=1e-9)
        assert a.verdict == b.verdict


def test_the_order_of_the_rows_does_not_matter_and_leniencies_average_to_zero() -> None:
    frame, _, _ = drift_world(6)
    first = estimate(frame)
    second = estimate(frame.sample(frac=1.0, random_state=1))
    assert [r.to_json() for r in first] == [r.to_json() for r in second]
    assert abs(sum(r.leniency for r in first if r.leniency is not None)) < 1e-9


def test_evaluators_nobody_else_can_be_compared_with_get_no_figures_and_say_why() -> None:
    rng = np.random.default_rng(1)
    triples = []
    for evaluator, team in [("E1", "A"), ("E2", "A"), ("E3", "A"), ("F1", "B"), ("G1", "C")]:
        triples += [
            (evaluator, f"{team}{rng.integers(8)}", 70 + rng.normal(0, 5)) for _ in range(30)
        ]
    triples += [("G2", f"C{rng.integers(8)}", 75 + rng.normal(0, 5)) for _ in range(30)]
    results = {r.evaluator: r for r in evaluator_leniency(*rows(*triples))}
    assert all(results[e].leniency is not None for e in ("E1", "E2", "E3"))
    # The three who share agents are compared with their own average only.
    assert sum(results[e].leniency or 0 for e in ("E1", "E2", "E3")) == pytest.approx(0)
    for name, reason in [("F1", Reason.NO_SHARED_AGENTS), ("G1", Reason.SEPARATE_GROUP)]:
        assert results[name].verdict == "not enough data" and results[name].leniency is None
        assert results[name].reason is reason
    assert "Nobody else scores the agents F1 scores" in leniency_sentence(results["F1"])
    assert "ask an evaluator from the main group" in leniency_sentence(results["G2"])


def test_identical_scores_are_in_line_and_one_evaluator_alone_is_not_compared() -> None:
    tied = evaluator_leniency(*rows(*[(e, "A1", 80.0) for e in ("E", "F") * 10]))
    assert [(r.leniency, r.low, r.high, r.verdict) for r in tied] == [(0, 0, 0, "in line")] * 2
    alone = evaluator_leniency(*rows(*[("E", f"A{i}", 80.0) for i in range(12)]))
    assert alone[0].verdict == "not enough data" and alone[0].reason is Reason.NO_SHARED_AGENTS
    assert evaluator_leniency([], [], []) == []


def test_sentences_say_the_size_the_side_and_the_range_in_points() -> None:
    lenient = EvaluatorLeniency("E1", 80, 6.2, 4.1, 8.3, Verdict.LENIENT)
    assert leniency_sentence(lenient, "Dana") == (
        "Dana scores higher than colleagues on the same agents: about 6.2 points higher "
        "(somewhere between 4.1 and 8.3 points higher)."
    )
    harsh = EvaluatorLeniency("E1", 80, -2.4, -4.3, -0.4, Verdict.HARSH)
    assert "scores lower than colleagues on the same agents: about 2.4 points lower" in (
        leniency_sentence(harsh)
    )
    assert "between 0.4 and 4.3 points lower" in leniency_sentence(harsh)
    in_line = EvaluatorLeniency("E1", 80, 0.2, -1.6, 2.1, Verdict.IN_LINE)
    assert leniency_sentence(in_line) == (
        "E1 scores in line with colleagues on the same agents: somewhere between "
        "1.6 points lower and 2.1 points higher."
    )
    whole = EvaluatorLeniency("E1", 80, 6.0, 1.0, 11.0, Verdict.LENIENT)  # one decimal always
    assert "about 6.0 points higher (somewhere between 1.0 and 11.0 points higher)" in (
        leniency_sentence(whole)
    )
    for words in VERDICT_WORDS.values():  # neutral: what they do, not what they are
        assert not {"harsh", "lenient", "generous", "strict"} & set(words.split())
    assert VERDICT_WORDS[Verdict.NOT_ENOUGH_DATA] == "not enough evaluations yet"
    thin = EvaluatorLeniency("E1", 4, reason=Reason.FEW_EVALUATIONS)
    assert leniency_sentence(thin) == (
        "E1 has 4 evaluations; at least 10 are needed to compare their scoring with colleagues."
    )


def run(tmp_path: Path, text: str | bytes) -> tuple[int, Path]:
    source, target = tmp_path / "evaluations.csv", tmp_path / "drift.json"
    source.write_bytes(text.encode() if isinstance(text, str) else text)
    return main(["evaluator-drift", "--input", str(source), "--output", str(target)]), target


def test_the_command_writes_one_entry_per_evaluator_with_the_contracts_keys(
    tmp_path: Path,
) -> None:
    frame, _, _ = drift_world(8)
    # Header in another order, an extra column, a byte-order mark and CRLF line ends.
    data = frame[["score", "date", "evaluator", "evaluation_id", "agent"]].assign(note="x")
    code, out = run(tmp_path, "\ufeff" + data.to_csv(index=False, lineterminator="\r\n"))
    assert code == 0
    written = json.loads(out.read_text())["evaluators"]
    assert [e["evaluator"] for e in written] == sorted(frame["evaluator"].unique())
    assert all(
        set(e) == {"evaluator", "evaluations", "leniency", "low", "high", "verdict"}
        for e in written
    )
    assert written == [r.to_json() for r in estimate(frame)]


def test_a_header_without_rows_gives_an_empty_list(tmp_path: Path) -> None:
    code, out = run(tmp_path, "evaluator,agent,score\n")
    assert code == 0 and json.loads(out.read_text()) == {"evaluators": []}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("evaluator,score\nE1,50\n", "line 1: missing required column(s) agent"),
        ("", "line 1: the file is empty"),
        ("evaluator,agent,score\nE1,A1,101\n", "line 2: score 101 is out of range"),
        ("evaluator,agent,score\nE1,A1,-1\n", "line 2: score -1 is out of range"),
        ("evaluator,agent,score\nE1,A1,good\n", "line 2: score: value 'good' is not a number"),
        ("evaluator,agent,score\nE1,A1,nan\n", "line 2: score: value 'nan' is not a number"),
        ("evaluator,agent,score\nE1,A1,\n", "line 2: score: value missing"),
        ("evaluator,agent,score\n,A1,50\n", "line 2: evaluator missing"),
    ],
)
def test_bad_input_exits_1_names_the_line_and_writes_no_file(
    tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path, text)
    assert code == 1 and not out.exists()
    assert expected in capsys.readouterr().err


def test_every_bad_row_is_reported_with_its_physical_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "evaluation_id,evaluator,agent,score\n"
        'ev1,E1,A1,"70"\n'
        'ev2,E1,"A\nwith a break",101\n'  # starts on line 3, ends on line 4
        "ev3,E2,A1,abc\n"
        "ev1,E1,A1,70\n"
        "ev1,E2,A1,60\n"
        "ev6,E2,A2,99.5\n"
    )
    code, out = run(tmp_path, text)
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert [line.split(":")[0] for line in err.splitlines()[1:]] == [
        "line 3",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert "line 3: score 101 is out of range" in err
    assert "line 5: score: value 'abc' is not a number" in err
    assert "line 6: duplicate of line 2" in err
    assert "line 7: evaluation_id 'ev1' is also on line 2" in err
    assert "line 8" not in err and "line 2:" not in err


def test_without_an_id_column_equal_rows_are_separate_evaluations() -> None:
    evaluations = read_evaluations_csv(b"evaluator,agent,score\nE1,A1,70\nE1,A1,70\n")
    assert evaluations.evaluators == ["E1", "E1"] and list(evaluations.scores) == [70.0, 70.0]
