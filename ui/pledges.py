"""Pledge figures and the printable pledge."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import plotly.graph_objects as go

from core.pledges import CheckRead, PledgeRead

SCORE = {"kept": 3, "partly": 2, "slipped": 1}


def heatmap_figure(checks: Sequence[CheckRead], until: dt.date, weeks: int = 17) -> go.Figure:
    """A calendar heatmap: weeks across, weekdays down; colour = kept / partly / slipped."""
    start = until - dt.timedelta(days=until.weekday() + 7 * (weeks - 1))
    by_day = {c.date: SCORE[c.answer.value] for c in checks}
    z = [
        [by_day.get(start + dt.timedelta(weeks=w, days=d)) for w in range(weeks)] for d in range(5)
    ]
    text = [
        [f"{start + dt.timedelta(weeks=w, days=d):%a %d %b}" for w in range(weeks)]
        for d in range(5)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            text=text,
            x=[f"{start + dt.timedelta(weeks=w):%d %b}" for w in range(weeks)],
            y=["Mon", "Tue", "Wed", "Thu", "Fri"],
            zmin=1,
            zmax=3,
            colorscale=[[0, "#d73027"], [0.5, "#fee08b"], [1, "#1a9850"]],
            xgap=2,
            ygap=2,
            colorbar={"tickvals": [1, 2, 3], "ticktext": ["slipped", "partly", "kept"]},
            hovertemplate="%{text}<extra></extra>",
        )
    )
    figure.update_layout(
        height=230,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title="Mind checks",
        yaxis={"autorange": "reversed"},
        xaxis={"type": "category"},
    )
    return figure


def printable_pledge(pledge: PledgeRead) -> bytes:
    """A print-friendly page of the signed pledge (user text escaped)."""
    items = "".join(f"<li>{html.escape(c)}</li>" for c in pledge.commitments)

    def signed(when: dt.datetime | None) -> str:
        return when.strftime("%d %B %Y") if when else "not yet signed"

    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My promise of positivity</title>
<style>body{{font-family:Georgia,serif;max-width:40em;margin:3em auto;line-height:1.6}}h1{{font-size:1.8em}}
.sign{{margin-top:3em;display:flex;gap:4em}}</style></head><body>
<h1>My promise of positivity</h1><p>From {pledge.start_date:%d %B %Y}, I, {html.escape(pledge.agent)}, promise:</p>
<ol>{items}</ol>
<div class="sign"><p>{html.escape(pledge.agent)}<br>signed {signed(pledge.agent_signed_at)}</p>
<p>{html.escape(pledge.mentor)}, mentor<br>co-signed {signed(pledge.mentor_signed_at)}</p></div></body></html>"""
    return page.encode()
