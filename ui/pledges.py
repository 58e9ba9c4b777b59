"""Pledge figures and the printable pledge."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from core.learning.pledges import (
    CheckRead,
    PledgeRead,
    answer_counts,
    check_day,
    check_in,
    check_ins,
    streak,
)
from core.models import MindAnswer, PledgeStatus
from core.people.access import Actor
from core.platform.calendar import organisation_calendar
from ui.forms import SaveOnceForm
from ui.state import db
from ui.widgets import choose, plot_built

SCORE = {"kept": 3, "partly": 2, "slipped": 1}


MAX_WEEKS = 17  # about the 120 days of checks that core.learning.pledges.check_ins reads


def heatmap_figure(checks: Sequence[CheckRead], since: dt.date, until: dt.date) -> go.Figure:
    """A calendar of the weeks from `since` to `until` (at most MAX_WEEKS, the latest): weeks
    across, weekdays down; each check coloured on the day it looks back on."""
    last_monday = until - dt.timedelta(days=until.weekday())
    first_monday = max(
        since - dt.timedelta(days=since.weekday()),
        last_monday - dt.timedelta(weeks=MAX_WEEKS - 1),
    )
    weeks = (last_monday - first_monday).days // 7 + 1
    by_day = {c.about: c.answer.value for c in checks}

    def cell(w: int, d: int) -> dt.date:
        return first_monday + dt.timedelta(weeks=w, days=d)

    z = [[SCORE.get(by_day.get(cell(w, d), "")) for w in range(weeks)] for d in range(5)]
    text = [
        [f"{cell(w, d):%a %d %b}: " + (by_day.get(cell(w, d)) or "no check") for w in range(weeks)]
        for d in range(5)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            text=text,
            x=[f"{cell(w, 0):%d %b}" for w in range(weeks)],
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
        width=max(320, 140 + 42 * weeks),  # a few weeks stay a compact calendar
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title="How each day went",
        yaxis={"autorange": "reversed"},
        xaxis={"type": "category", "title": "week of"},
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


def mind_check_section(me: Actor, mine: PledgeRead, day: dt.date) -> None:
    """A live pledge's daily mind check (or when it starts), its streak and its calendar."""
    with db() as session:
        checks = check_ins(session, actor=me, agent_id=me.id)
        calendar = organisation_calendar(session)
    when = check_day(
        mine.start_date,
        day=day,
        calendar=calendar,
        renewed=mine.status is PledgeStatus.RENEWED,
    )
    today_check = next((c for c in checks if c.date == day), None)
    if when.about is None:
        st.info(
            f"Your pledge's first day is {when.first_day:%A %-d %B}. Your first mind check is "
            f"on {when.first_check:%A %-d %B}: each working morning you look back on "
            "the working day before and say whether you kept your promise."
        )
    else:
        st.subheader(f"Today's mind check: did I keep my promise on {when.about:%A %-d %B}?")
        with SaveOnceForm("pledge_check") as check_form:
            options = list(MindAnswer)
            answer = st.radio(
                f"On {when.about:%A} I…",
                options,
                index=options.index(today_check.answer) if today_check else 0,
                format_func=lambda a: {
                    "kept": "kept it",
                    "partly": "partly kept it",
                    "slipped": "slipped",
                }[a.value],
                horizontal=True,
            )
            commitments = {-1: "—", **dict(enumerate(mine.commitments))}
            picked = choose(
                "Which commitment (optional)", commitments, key=f"{check_form.key}_which"
            )
            which = None if picked < 0 else picked
            note = st.text_area(
                "A note for me and my mentor (optional, private)",
                value=today_check.note or "" if today_check else "",
            )
            if check_form.submitted(
                "Save today's check" if not today_check else "Update today's check",
                type="primary",
            ):
                check_form.save(
                    check_in,
                    actor=me,
                    answer=answer,
                    note=note,
                    commitment=which,
                    done="Saved. See you tomorrow.",
                )
    kept = streak(checks, until=day, calendar=calendar)
    counts = answer_counts(checks, since=day - dt.timedelta(days=27))
    c1, c2 = st.columns(2)
    c1.metric(
        "Days kept in a row",
        f"{kept} day{'s' if kept != 1 else ''}",
        help="Working days in a row you kept your promise, fully or partly. A slip, or a "
        "working day without a check, starts the count again.",
        border=True,
    )
    c2.markdown(
        "Your mind checks of the last four weeks: "
        + ", ".join(f"**{n}** {a.value}" for a, n in counts.items())
    )
    plot_built(
        heatmap_figure,
        tuple(checks),
        when.first_day,
        day,
        empty=f"Your calendar of mind checks starts on {when.first_check:%A %-d %B}: "
        "each working day coloured by how it went (kept, partly, slipped).",
        width="content",
    )
