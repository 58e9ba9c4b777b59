"""The Team growth page (AppTest on the demo): who is growing and who needs attention in
sentences, with the statistics only inside "How we worked this out"."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

PAGE = "pages/team_growth.py"
STATISTICS = ("p =", "Mann", "Theil", "Kendall", "p-value", "slope")


def _read(node: Any, inside_expander: bool, out: list[tuple[bool, str, str]]) -> None:
    """(inside an expander?, element type, what it says) for every element under `node`:
    values, labels, and a table's column headings and text cells."""
    kind = getattr(node, "type", "")
    if kind == "expander":
        inside_expander = True
        out.append((False, kind, str(node.label)))  # the expander's own title is outside
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            _read(child, inside_expander, out)
        return
    if kind == "dataframe":
        frame = node.value
        out.extend((inside_expander, kind, str(c)) for c in frame.columns)
        for column in frame.columns:
            out.extend((inside_expander, kind, v) for v in frame[column] if isinstance(v, str))
        return
    for attribute in ("value", "label"):
        text = getattr(node, attribute, None)
        if isinstance(text, str):
            out.append((inside_expander, kind, text))


def read(at: AppTest) -> list[tuple[bool, str, str]]:
    out: list[tuple[bool, str, str]] = []
    _read(at._tree, False, out)
    return out


def section(at: AppTest, heading: str) -> list[str]:
    """The page-link lines right under a subheader of the first tab."""
    tab = at.tabs[0]
    lines, inside = [], False
    for child in tab.children.values():
        if child.type == "subheader":
            inside = child.value == heading
        elif inside and child.type == "page_link":
            lines.append(str(child.label).replace("\\", ""))
    return lines


def test_the_manager_reads_who_is_growing_in_sentences_and_statistics_only_in_the_expander(
    app_as,
) -> None:
    at = app_as("manager@example.com", PAGE)
    assert not at.exception, at.exception
    said = read(at)
    outside = [text for inside, _, text in said if not inside]
    leaks = [t for t in outside if any(word in t for word in STATISTICS)]
    assert leaks == [], leaks
    inside = " ".join(text for inside, _, text in said if inside)
    assert "Mann–Kendall" in inside and "Theil–Sen" in inside  # one click away
    improved, attention = section(at, "Most improved"), section(at, "Needs attention")
    assert improved and attention, "the demo has someone improving and someone falling"
    for line in improved + attention:
        assert "'s " in line and " a month since " in line, line  # a name, then a sentence
    assert any("has risen" in line or "which is better" in line for line in improved)
    assert [s.value for s in at.tabs[0].subheader][:2] == ["Most improved", "Needs attention"]


def test_never_coached_agents_lead_the_coaching_coverage_in_words(app_as) -> None:
    at = app_as("manager@example.com", PAGE)
    cover = next(d.value for d in at.tabs[2].dataframe if "Last coaching note" in d.value.columns)
    last = cover["Last coaching note"].tolist()
    never = last.count("never")
    assert never > 0 and last[:never] == ["never"] * never
    days = [int(t.split()[0]) for t in last[never:] if t != "today"]
    assert days == sorted(days, reverse=True)
    assert all(str(link).startswith("growth?agent=") for link in cover["Chart"])


def test_a_lead_sees_only_their_teams_agents_in_the_ranking(app_as) -> None:
    at = app_as("lead@example.com", PAGE)
    assert not at.exception, at.exception
    assert len(at.multiselect[0].value) == 1
    team = at.multiselect[0].format_func(at.multiselect[0].value[0])
    lines = section(at, "Most improved") + section(at, "Needs attention")
    assert all(line.endswith(f"· {team}") for line in lines), lines
    said = " ".join(text for _, _, text in read(at))
    assert lines or "have clearly" in said  # names, or a sentence saying no one moved


def test_team_growth_opens_on_every_team_and_counts_falling_trends_as_my_day_does(
    app_as,
) -> None:
    """It opened on 4 of 8 teams, with totals that read like the organisation's and disagreed
    with My day (issue 25, item 5)."""
    import re

    at = app_as("manager@example.com", PAGE)
    teams = at.multiselect(key="tg_teams")
    assert len(teams.value) == len(teams.options) > 1
    said = " ".join(m.value for m in at.tabs[0].markdown)
    assert f"in all {len(teams.options)} teams you review" in said
    count = re.search(r"\d+ falling trends? among \d+ agents?", said)
    assert count is not None, said
    home = app_as("manager@example.com", "pages/home.py")
    headline = " ".join(m.value for m in home.markdown)
    assert f"{count.group(0)} in all {len(teams.options)} teams you review" in headline
    # The trend chart's axis is the data's, and the sentence under it says so.
    trends = " ".join(m.value for m in at.tabs[1].markdown)
    assert re.search(r"The axis runs from [\d.]+ % to [\d.]+ %, the range of these figures", trends)
