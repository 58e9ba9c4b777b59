"""Evaluator drift in the app (managers): neutral words, the range in the sentence, one decimal
everywhere, plain column names with the numbers one click away, and a link to the dispute and
overturn rates."""

from __future__ import annotations

import re

from tests.app.conftest import read, texts

PAGE = "pages/drift.py"


def test_drift_speaks_plainly_with_one_decimal_and_links_to_overturn_rates(app_as) -> None:
    at = app_as("manager@example.com", PAGE)
    assert not at.exception
    shown = texts(at)
    for jargon in ("harsh", "lenient", "interval that stays", "95 % interval from"):
        assert jargon not in shown.lower().replace("(a 95 % interval)", ""), jargon
    sentences = [read(m.value) for m in at.markdown if m.value.startswith("- ")]
    assert sentences
    for sentence in sentences:  # "… about 7.9 points lower (somewhere between 4.3 and 11.5 …"
        assert re.search(r"(higher|lower|in line)", sentence), sentence
        numbers = re.findall(r"\d+(?:\.\d+)?(?= points?)", sentence)
        assert numbers and all(re.fullmatch(r"\d+\.\d", n) for n in numbers), sentence
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Evaluator",
        "Evaluations",
        "Agents scored",
        "Points above (+) or below (−) colleagues",
        "Likely at least",
        "Likely at most",
        "In words",
    ]
    for column in ("Points above (+) or below (−) colleagues", "Likely at least", "Likely at most"):
        assert all(re.fullmatch(r"[+−]?\d+\.\d|—", v) for v in table[column]), table[column]
    assert set(table["In words"]) <= {
        "scores higher than colleagues",
        "scores lower than colleagues",
        "in line with colleagues",
        "not enough evaluations yet",
    }
    [link] = [p for p in at.get("page_link") if "overturn" in p.proto.label]
    assert link.proto.page.endswith("evaluations")
