"""Customer voice widgets: the quick capture, "I heard this too", the agent's own insights, the
themes an ambassador carries (take, answer), theme cards and the charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.models import InsightKind, ThemeStatus
from core.people.access import Actor
from core.people.org import list_departments
from core.platform.clock import today
from core.voice.effect import WeeklyPoint
from core.voice.impact import contacts_avoided, theme_effect
from core.voice.insights import InsightInput, Logged, hear_too, log_insight, take_back
from core.voice.reads import Group, InsightRow, my_insights, similar_insights
from core.voice.reasons import active_reasons, propose_reason
from core.voice.themes import (
    ANSWERS,
    ThemeRead,
    answer_theme,
    take_theme,
    theme_history,
    themes_to_carry,
)
from ui.forms import SaveOnceForm, show_done_of_gone_forms
from ui.state import db
from ui.text import chart_text, plain, widget_label
from ui.widgets import choose, day_text, plot

KIND_LABELS = {
    InsightKind.PROBLEM: "Problem",
    InsightKind.IDEA: "Idea",
    InsightKind.PRAISE: "Praise",
    InsightKind.QUESTION: "Question our pages don't answer",
}
STATUS_ICONS = {
    ThemeStatus.OPEN: "⏳",
    ThemeStatus.TAKEN: "📣",
    ThemeStatus.WILL_CHANGE: "🛠️",
    ThemeStatus.CHANGED: "✅",
    ThemeStatus.WONT_CHANGE: "✋",
    ThemeStatus.NEEDS_EVIDENCE: "🔎",
}


def _choices() -> tuple[dict[int, str], dict[int, str]]:
    with db() as session:
        reasons = {r.id: r.name for r in active_reasons(session)}
        departments = {d.id: d.name for d in list_departments(session)}
    return reasons, departments


def _logged(result: Logged) -> str:
    return "Saved: your lead sees it with the others heard about the same reason." + (
        f" {result.masked}" if result.masked else ""
    )


def log_form(me: Actor, *, key: str) -> None:
    """Log an insight in a few seconds: what the customer said, reason, department, kind."""
    reasons, departments = _choices()
    if not reasons or not departments:
        st.info(
            "Logging customer insights starts once an admin has added the contact reasons "
            "(Contact reasons & volumes) and the departments."
        )
        return
    with SaveOnceForm(key) as form:
        text = st.text_area(
            "What the customer wanted or said",
            placeholder="e.g. Wanted to know where their refund is; the app only says 'processing'",
            height=80,
        )
        c1, c2, c3 = st.columns(3)
        reason = choose("Contact reason", reasons, key=form.key_for("reason"), where=c1)
        department = choose(
            "Department it concerns", departments, key=form.key_for("dept"), where=c2
        )
        kind = choose("Kind", KIND_LABELS, key=form.key_for("kind"), where=c3)
        ref = st.text_input("Contact reference (optional)", placeholder="ticket or call id")
        st.markdown(
            "E-mail addresses, phone numbers and card numbers are masked before saving: "
            "customers' personal data does not belong here."
        )
        if form.submitted("Log insight", type="primary"):
            form.save(
                log_insight,
                actor=me,
                data=InsightInput(text, reason, department, kind, ref),
                done=_logged,
            )


def heard_too(me: Actor, *, key: str) -> None:
    """Find an insight a colleague already logged and count your contact on it."""
    reasons, _ = _choices()
    if not reasons:
        return
    c1, c2 = st.columns([1, 2])
    reason = choose("Reason", {0: "Any reason", **reasons}, key=f"{key}_reason", where=c1)
    words = c2.text_input("Words the customer used", key=f"{key}_words")
    _last_count(me, key=key)
    with db() as session:
        rows = similar_insights(session, actor=me, reason_id=reason or None, words=words)
    if not rows:
        st.info("Nothing like it yet: log it above and colleagues can add their contacts to it.")
    for row in rows:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(
            f"{plain(row.text)}  \n{plain(row.reason)} · {plain(row.department)} · "
            f"{row.contacts} contact(s) from {row.agents} agent(s), last {day_text(row.last_heard)}"
            + (f" · theme: {plain(row.theme_title)}" if row.theme_title else "")
        )
        if right.button("I heard this too", key=f"{key}_hear_{row.id}"):
            with db() as session:
                count = hear_too(session, actor=me, insight_id=row.id)
            st.session_state[f"{key}_counted"] = (row.id, row.text, count)
            st.rerun()


def _last_count(me: Actor, *, key: str) -> None:
    """What the last "I heard this too" did, with an Undo for a click too many (kept until the
    next count or the Undo: a message shown once would take its button with it)."""
    last = st.session_state.get(f"{key}_counted")
    if last is None:
        return
    insight_id, text, count = last
    about = f"“{plain(text[:60])}{'…' if len(text) > 60 else ''}”"
    left, right = st.columns([5, 1], vertical_alignment="center")
    if insight_id is None:
        left.success(f"Taken back from {about}: {count} contacts now.")
        return
    left.success(f"Counted on {about}: {count} contacts now.")
    if right.button(
        "Undo", key=f"{key}_undo", icon=":material/undo:", help="Take back that contact"
    ):
        with db() as session:
            count = take_back(session, actor=me, insight_id=insight_id)
        st.session_state[f"{key}_counted"] = (None, text, count)
        st.rerun()


def propose_form(me: Actor) -> None:
    with SaveOnceForm("voice_propose") as form:
        name = st.text_input("A contact reason missing from the list")
        if form.submitted("Propose it"):
            form.save(
                propose_reason,
                actor=me,
                name=name,
                done="Proposed: it waits for your team lead; until then, choose the closest reason.",
            )


def my_voice(me: Actor, *, limit: int = 5) -> None:
    """ "Your customers' voice": what the agent raised or heard and what became of it."""
    with db() as session:
        rows = my_insights(session, actor=me, limit=limit)
    if not rows:
        st.info(
            "When you log what customers tell you (or add your contact to a colleague's), "
            "you'll see here what became of it."
        )
        return
    for row in rows:
        icon = STATUS_ICONS.get(row.theme_status, "📝") if row.theme_status else "📝"
        st.markdown(
            f"{icon} **{plain(row.text)}**  \n{plain(row.reason)} · "
            f"{plain(row.department)} · your {row.my_contacts} of {row.contacts} contact(s)  \n"
            + plain(row.outcome)
        )


def theme_card(theme: ThemeRead, me: Actor, *, key: str) -> None:
    with st.container(border=True):
        st.markdown(
            f"{STATUS_ICONS[theme.status]} **{plain(theme.title)}** · {plain(theme.department)}"
            f" · {theme.status.value}  \n{plain(theme.reason)} · {theme.contacts} "
            f"contact(s) from {theme.agents} agent(s)"
            + (f", first heard {day_text(theme.first_heard)}" if theme.first_heard else "")
        )
        st.text(theme.outcome)
        if theme.status is ThemeStatus.CHANGED:
            effect(me, theme.id)
        with st.expander("History"), db() as session:
            for e in theme_history(session, actor=me, theme_id=theme.id):
                what = e.step.value + (f": {e.answer.value}" if e.answer else "")
                extra = f" ({day_text(e.day)})" if e.day and e.answer else ""
                st.text(
                    f"{e.at:%d %b %Y %H:%M} · {e.by} · {what}{extra}"
                    + (f" — “{e.words}”" if e.words else "")
                )


def carry(me: Actor, *, key: str) -> bool:
    """The themes the actor takes to a department or answers for it; False when there are none."""
    # A saved take or answer moves the theme to a new version (or closes it): its form is gone.
    show_done_of_gone_forms(f"{key}_")
    with db() as session:
        themes = themes_to_carry(session, actor=me)
    if not themes:
        return False
    for theme in themes:
        with st.container(key=f"{key}_theme_{theme.id}"):  # one theme's card and its forms
            _carry_one(me, theme, key=key)
    return True


def _carry_one(me: Actor, theme: ThemeRead, *, key: str) -> None:
    theme_card(theme, me, key=key)
    if theme.may_take:
        with SaveOnceForm(f"{key}_take_{theme.id}_{theme.version}") as form:
            st.markdown(f"Bring it to {plain(theme.department)}'s next session and tell them.")
            if form.submitted(f"Take it to {theme.department}"):
                form.save(
                    take_theme,
                    actor=me,
                    theme_id=theme.id,
                    expected_version=theme.version,
                    done=lambda said: f"{said} Everyone who heard it is told.",
                )
    if theme.may_answer:
        _answer_form(me, theme, key=key)


def _answer_form(me: Actor, theme: ThemeRead, *, key: str) -> None:
    with SaveOnceForm(f"{key}_answer_{theme.id}_{theme.version}") as form:
        st.markdown(f"**{plain(theme.department)}'s answer**")
        answer = choose(
            widget_label(f"Answer to “{theme.title}”"),  # one name per theme card on a page
            {a: a.value.capitalize() for a in ANSWERS},
            key=form.key_for("answer"),
        )
        words = st.text_area(
            "In the department's words: what will change / what changed / why not / what "
            "evidence it needs",
            height=70,
        )
        day = st.date_input(
            "By when (will change) or first day in effect (changed)",
            value=None,
            format="YYYY-MM-DD",
            max_value=today() + dt.timedelta(days=3650),
        )
        if form.submitted("Record the answer"):
            form.save(
                answer_theme,
                actor=me,
                theme_id=theme.id,
                answer=answer,
                words=words,
                day=day,
                expected_version=theme.version,
                done=lambda said: f"Recorded and told everyone who heard it: {said}",
            )


def weekly_figure(weekly: Sequence[tuple[dt.date, int]], title: str) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=[w for w, _ in weekly],
            y=[n for _, n in weekly],
            hovertemplate="Week of %{x|%d %b}: %{y} contacts<extra></extra>",
        )
    )
    figure.update_layout(
        title=chart_text(title), height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10}
    )
    figure.update_yaxes(title="Contacts", rangemode="tozero")
    return figure


def groups_frame(groups: Sequence[Group]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Reason": g.reason,
                "Department": g.department,
                "Insights": g.insights,
                "Contacts": g.contacts,
                "Agents": g.agents,
                "Last heard": day_text(g.last_heard),
            }
            for g in groups
        ]
    )


def insights_frame(rows: Sequence[InsightRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "#": r.id,
                "What the customer said": r.text,
                "Reason": r.reason,
                "Department": r.department,
                "Kind": KIND_LABELS[r.kind],
                "Contacts": r.contacts,
                "Agents": r.agents,
                "Last heard": day_text(r.last_heard),
                "Theme": r.theme_title or "—",
            }
            for r in rows
        ]
    )


def agent_voice(me: Actor) -> None:
    """My day: capture in seconds, and what became of what the agent raised."""
    with st.expander("Log what a customer told you", icon=":material/campaign:"):
        log_form(me, key="home_voice_log")
    st.subheader("Your customers' voice")
    my_voice(me, limit=3)
    st.page_link("pages/voice.py", label="Customer voice", icon=":material/campaign:")


def scoreboard(me: Actor) -> None:
    """The programme's customer-voice scoreboard per department, with its CSV for managers."""
    from core.voice.scoreboard import HEADER, scoreboard_csv, voice_scoreboard

    with db() as session:
        avoided = contacts_avoided(session)
        rows = voice_scoreboard(session, actor=me, avoided=avoided)
        data = scoreboard_csv(session, actor=me, avoided=avoided) if rows else b""
    if not rows:
        st.info(
            "No customer themes yet. Team leads make them from the insights agents log; "
            "ambassadors take them to their department and record its answer."
        )
        return
    st.dataframe(pd.DataFrame([r.row() for r in rows], columns=list(HEADER)), hide_index=True)
    st.caption(
        "Median days: from the first contact that raised a theme to the department's first "
        "answer. Contacts avoided: the measured effect of the changes, per month, where the "
        "contact volumes show one."
    )
    st.download_button(
        "Download the scoreboard (CSV)", data, "customer-voice-scoreboard.csv", "text/csv"
    )


def effect(me: Actor, theme_id: int) -> None:
    """What the change did, in plain words, with the reason's weekly contacts, the change marked
    and what would have been expected without it; then the business case."""
    with db() as session:
        measured = theme_effect(session, actor=me, theme_id=theme_id)
    sentence = measured.sentence[:1].upper() + measured.sentence[1:] + "."
    st.markdown(f"**What the change did:** {plain(sentence)}")
    if measured.weekly:
        plot(
            effect_figure(tuple(measured.weekly), measured.change_date, measured.reason),
            empty="No contact volumes for this reason yet.",
            key=f"voice_effect_{theme_id}",
        )
    if measured.case is not None:
        st.text(measured.case.sentence())
    st.caption(
        "Estimated against the other reasons' contacts (so weekdays, seasons, campaigns and "
        "growth that move every reason do not count), with a 95 % interval that allows for "
        "weeks not being independent. Contact volumes come from Contact reasons & volumes."
    )


def effect_figure(weekly: Sequence[WeeklyPoint], change_date: dt.date, reason: str) -> go.Figure:
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[p.week_start for p in weekly],
            y=[p.actual for p in weekly],
            name="Contacts a week",
            mode="lines+markers",
            hovertemplate="Week of %{x|%d %b %Y}: %{y} contacts<extra></extra>",
        )
    )
    after = [p for p in weekly if p.expected is not None]
    figure.add_trace(
        go.Scatter(
            x=[p.week_start for p in after],
            y=[p.expected for p in after],
            name="Expected without the change",
            mode="lines",
            line={"dash": "dash"},
            hovertemplate="Week of %{x|%d %b %Y}: %{y:.0f} expected<extra></extra>",
        )
    )
    figure.add_vline(x=change_date, line_dash="dot", line_color="grey")
    figure.add_annotation(
        x=change_date, y=1, yref="paper", text="Change in effect", showarrow=False, xanchor="left"
    )
    figure.update_layout(
        title=chart_text(f"Weekly contacts about {reason}"),
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    )
    figure.update_yaxes(title="Contacts", rangemode="tozero")
    return figure
