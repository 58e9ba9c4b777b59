"""Names and notes inside Plotly charts are text: Plotly reads `<a href>`, `<b>`… in its own
labels, so what people wrote reaches a chart with `&`, `<`, `>` as entities."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ui.analytics import distribution_figure, trend_figure
from ui.text import chart_text

EVIL = '<a href="http://evil.test">Log in again</a> <b>x</b> & co'


def test_chart_text_turns_markup_into_entities() -> None:
    assert chart_text(EVIL) == (
        '&lt;a href="http://evil.test"&gt;Log in again&lt;/a&gt; &lt;b&gt;x&lt;/b&gt; &amp; co'
    )


def test_team_and_agent_names_reach_the_growth_charts_as_text() -> None:
    weeks = pd.DataFrame(
        {
            "team": [EVIL, EVIL],
            "week": [dt.date(2026, 11, 2), dt.date(2026, 11, 9)],
            "mean": [80.0, 82.0],
            "n": [4, 5],
            "complete": [True, False],
        }
    )
    means = pd.DataFrame({"team": [EVIL], "agent": [EVIL], "mean": [81.0], "n": [9]})
    for figure in (trend_figure(weeks, "qa_score"), distribution_figure(means, "qa_score")):
        drawn = str(figure.to_plotly_json())  # (to_json would escape "<" itself)
        assert "<a href" not in drawn and "<b>x" not in drawn
        assert "&lt;a href" in drawn
