"""The blocks of "My day": today's sentences and each role's details, with links to act on them.
Text written by people (coaching steps, names in lists) is shown with st.text."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.home.agent import AgentDay
from core.home.lead import QaWork, TeamDay
from core.home.manager import TeamAttention
from core.models import PledgeStatus
from ui.text import plain


def today_box(sentences: Sequence[str]) -> None:
    """The one to three sentences that lead the page: what today asks of me."""
    with st.container(border=True):
        st.markdown("**Today** · " + " ".join(plain(s) for s in sentences))


def agent_check_ins(ahead: AgentDay) -> None:
    if not ahead.check_ins:
        return
    st.subheader("Check-ins with my coach")
    for c in ahead.check_ins:
        when = (
            f"was due to check back in with you on {c.date:%a %-d %b}"
            if c.overdue
            else f"will check back in with you on {c.date:%a %-d %b}"
        )
        st.text(f"Your coach {c.coach} {when} about: {c.about or 'your coaching note'}")
    st.page_link("pages/growth.py", label="My coaching notes", icon=":material/trending_up:")


def agent_qa(ahead: AgentDay) -> None:
    """The agent's QA evaluations and disputes: what waits, and the way to them (on Growth;
    an open dispute's evaluation opens there)."""
    qa = ahead.qa
    if qa is None:
        return
    st.subheader("My QA evaluations")
    for line in qa.sentences():
        st.markdown(plain(line))
    # Growth shows the evaluations first when asked for them (and opens the disputed one)
    where = {"show": "evaluations"}
    if qa.open_evaluation:
        where["evaluation"] = str(qa.open_evaluation)
    st.page_link(
        "pages/growth.py",
        label=qa.link_label() + " (on Growth)",
        icon=":material/fact_check:",
        query_params=where,
    )


def agent_sign_offs(ahead: AgentDay) -> None:
    """The 1:1 sign-offs waiting for the agent's signature, each with the way to it."""
    if not ahead.to_sign:
        return
    st.subheader("1:1 sign-offs waiting for you")
    for s in ahead.to_sign:
        st.text(
            f"{s.coach} wrote down and signed what you agreed on in your 1:1 of "
            f"{s.note_date:%a %-d %b}: read it and sign it if it is right."
        )
        st.page_link(
            "pages/growth.py",
            label=f"Sign off your 1:1 of {s.note_date:%-d %b} (on Growth)",
            icon=":material/draw:",
            query_params={"note": str(s.note_id)},
        )


def agent_rotation(ahead: AgentDay) -> None:
    now, upcoming = ahead.rotation_now, ahead.rotation_next
    st.subheader("My rotation")
    if now is not None:
        st.markdown(
            f"Now: customer ambassador to **{plain(now.department)}** in {plain(now.term)}, "
            f"until {now.end:%a %-d %b}."
        )
    if upcoming is not None:
        st.markdown(
            f"Next: **{plain(upcoming.department)}** in {plain(upcoming.term)}, from {upcoming.start:%a %-d %b}."
        )
    if now is None and upcoming is None:
        st.markdown(
            "No rotation is published for you yet. Rank the departments you would like to visit: "
            "your team lead assigns each term."
        )
    st.page_link("pages/my_rotation.py", label="My rotation", icon=":material/handshake:")


def agent_pledge(ahead: AgentDay) -> None:
    p = ahead.pledge
    lines = []
    if p.pledge is not None:
        if p.check is not None and p.check.about is None:
            lines.append(f"Your first mind check is on {p.check.first_check:%A %-d %B}.")
        elif p.check is not None and p.check.about is not None:
            lines.append(
                f"Today's mind check (how {p.check.about:%A} went) is done."
                if p.checked_today
                else f"Today's mind check is waiting: did you keep your promise on "
                f"{p.check.about:%A}?"
            )
        elif p.pledge.status is PledgeStatus.AWAITING_MENTOR:
            lines.append(f"Waiting for {p.pledge.mentor} to co-sign your pledge.")
        elif p.pledge.status is PledgeStatus.DRAFT:
            lines.append("Your pledge is a draft: sign it when it says what you mean.")
    if p.to_cosign:
        lines.append(f"Waiting for your co-signature: {', '.join(p.to_cosign)}.")
    if not lines:
        return
    st.subheader("My pledge")
    for line in lines:
        st.text(line)
    st.page_link("pages/pledge.py", label="My pledge", icon=":material/volunteer_activism:")


def lead_check_ins(team: TeamDay) -> None:
    st.subheader("Check-ins")
    if not team.check_ins:
        st.markdown("No check-in is due today or overdue.")
    for row in team.check_ins:
        parts = [f"{row.overdue} overdue"] if row.overdue else []
        parts += ["due today"] if row.due_today else []
        st.text(f"{row.agent}: {', '.join(parts)}")
    st.page_link(
        "pages/coaching.py", label="Open the coaching queue", icon=":material/record_voice_over:"
    )


def lead_pd_days(team: TeamDay) -> None:
    st.subheader("PD days this week")
    if team.pd_today:
        st.text("Today: " + ", ".join(team.pd_today))
    for date, name in team.pd_this_week:
        st.text(f"{date:%a %-d %b}: {name}")
    if not team.pd_today and not team.pd_this_week:
        st.markdown("No one in your team has a PD day for the rest of this week.")
    st.page_link("pages/pd_planner.py", label="Open the PD day planner", icon=":material/event:")


def teams_attention_frame(teams: Sequence[TeamAttention]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Team": t.team,
                "Agents": t.agents,
                "Overdue check-ins": t.overdue,
                "Check-ins due today": t.due_today,
                "Falling trends": len(t.falling),
            }
            for t in teams
        ]
    )


def qa_work(work: QaWork) -> None:
    """A lead's or manager's QA work: disputes to decide (overdue first, with the due date),
    calibration sessions waiting for their scores, agents' comments waiting for a reply; each
    with the link that opens it."""
    st.subheader("QA to do")
    if work.empty:
        st.markdown(
            "Nothing waits: no dispute to decide, no calibration session to score and no agent's "
            "comment to answer."
        )
    if work.disputes:
        overdue = f", {work.overdue} overdue" if work.overdue else ""
        st.markdown(f"**Disputes to decide** ({len(work.disputes)}{overdue})")
        for d in work.disputes:
            st.page_link(
                "pages/evaluations.py",
                label=plain(d.sentence()),
                icon=":material/warning:" if d.overdue else ":material/gavel:",
                query_params={"dispute": str(d.id)},
            )
    if (others := work.others_sentence()) is not None:
        st.page_link("pages/evaluations.py", label=plain(others), icon=":material/warning:")
    if work.calibrations:
        st.markdown(f"**Calibration sessions waiting for your scores** ({len(work.calibrations)})")
        for c in work.calibrations:
            st.page_link(
                "pages/calibration.py",
                label=plain(c.sentence()),
                icon=":material/balance:",
                query_params={"session": str(c.id)},
            )
    if work.replies:
        st.markdown(f"**Agents' comments waiting for your reply** ({len(work.replies)})")
        for r in work.replies:
            st.page_link(
                "pages/growth.py",
                label=plain(r.sentence()),
                icon=":material/chat:",
                query_params={"agent": str(r.agent_id)},
            )
