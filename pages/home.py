"""My day: what to do today, for each role. A few sentences about today lead; the details and
links to the pages that act on them follow. One function per role."""

import streamlit as st
from sqlmodel import Session

from core.growth.teams import visible_teams
from core.home.admin import admin_day
from core.home.agent import agent_day
from core.home.glance import organisation_glance, person_changes, team_glance, weekly_trend
from core.home.lead import lead_day
from core.home.manager import manager_day
from core.learning.shares import most_helpful
from core.models import Role
from core.people.access import Actor
from core.people.org import person_labels
from core.platform.clock import today
from core.rotations.interests import interests_prompt
from ui.analytics import falling
from ui.home import (
    agent_check_ins,
    agent_pledge,
    agent_qa,
    agent_rotation,
    agent_sign_offs,
    lead_check_ins,
    lead_pd_days,
    qa_work,
    teams_attention_frame,
    today_box,
)
from ui.state import actor, db
from ui.text import plain
from ui.voice import agent_voice
from ui.widgets import glance_frame, metric_cards, plot, plot_built, team_bar_figure, trend_figure


def agent_home(session: Session, me: Actor) -> None:
    ahead = agent_day(session, actor=me, day=day)
    today_box(ahead.headline())
    agent_check_ins(ahead)
    agent_sign_offs(ahead)
    agent_qa(ahead)
    agent_rotation(ahead)
    agent_pledge(ahead)
    agent_voice(me)
    if (prompt := interests_prompt(session, me)) is not None:
        st.info(prompt)
        st.page_link("pages/my_rotation.py", label="Rank my interests", icon=":material/edit_note:")
    st.subheader("Coming up")
    for pd_day in ahead.pd_days[:3]:
        st.text(ahead.pd_day_line(pd_day))
    if ahead.to_share is not None:
        st.info(
            f"How was your PD day on {ahead.to_share:%A %d %B}? Share what you learned, what "
            "worked, what didn't and what you'll try next time."
        )
        st.page_link("pages/learning.py", label="Share what I learned", icon=":material/lightbulb:")
    if not ahead.pd_days:
        st.info(
            "Nothing scheduled for you yet. Your PD days appear here once your team lead "
            "publishes them."
        )
    st.subheader("My quality, last four weeks")
    changes = person_changes(session, actor=me, person_id=me.id, today=day)
    trend = weekly_trend(session, actor=me, person_id=me.id, metric="qa_score", today=day)
    if not trend and all(c.current is None for c in changes):
        st.info(
            "Your quality scores appear here after your first QA evaluation, and your customer "
            "and call figures once your team's next metrics are imported."
        )
        return
    metric_cards(changes)
    st.markdown(
        "Each figure is the mean of the last four weeks. The QA score is the mean of all your QA "
        "scores: the ones imported from your QA system and your evaluations in Headway together "
        "(each evaluation, question by question, is under Your QA evaluations)."
    )
    plot_built(
        trend_figure,
        tuple(trend),
        "qa_score",
        empty="Your QA scores appear here, week by week, after your first evaluation.",
    )


def lead_home(session: Session, me: Actor) -> None:
    plan = lead_day(session, actor=me, day=day)
    today_box(plan.headline())
    qa_work(plan.qa)
    for team in plan.teams:
        st.header(f"{plain(team.team)} today")
        lead_check_ins(team)
        lead_pd_days(team)
        st.subheader("Rotations")
        st.markdown(
            f"{plain(team.rotation_todo)}." if team.rotation_todo else "Nothing to plan or publish."
        )
        st.page_link("pages/rotation_planner.py", label="Open the rotation planner")
        st.subheader("Learning shares")
        st.markdown(
            f"{team.new_shares} new share{'' if team.new_shares == 1 else 's'} from your team "
            "in the last seven days."
        )
        for title, author, count in most_helpful(session, actor=me, team_id=team.team_id):
            st.text(f"Most helpful this month: {title} — {author} ({count} found it helpful)")
        st.page_link("pages/learning.py", label="Read the learning shares")
        rows = team_glance(session, actor=me, team_id=team.team_id, today=day)
        st.subheader(f"My team at a glance ({len(rows)} agents, last four weeks)")
        if rows:
            labels = person_labels(session, person_ids=[r.id for r in rows])
            st.dataframe(
                glance_frame(rows, "Agent", with_agents=False, labels=labels), hide_index=True
            )
        else:
            st.info("Your team has no active agents yet. An admin adds them on the People page.")


def manager_home(session: Session, me: Actor) -> None:
    teams = tuple(visible_teams(session, actor=me))
    plan = manager_day(session, actor=me, day=day, falling=falling(me.id, teams, day))
    today_box(plan.headline())
    qa_work(plan.qa)
    if plan.needing_attention:
        st.subheader("Teams needing attention")
        st.dataframe(teams_attention_frame(plan.needing_attention), hide_index=True)
        for team in plan.needing_attention:
            if team.overdue:
                st.page_link(
                    "pages/coaching.py",
                    label=f"{plain(team.team)}: {team.overdue} overdue coaching check-in"
                    f"{'' if team.overdue == 1 else 's'}: open the coaching queue",
                )
            if team.falling:
                with st.expander(f"{plain(team.team)}: falling trends ({len(team.falling)})"):
                    for line in team.falling:
                        st.text(line)
        c1, c2 = st.columns(2)
        c1.page_link("pages/team_growth.py", label="Team growth", icon=":material/insights:")
        c2.page_link("pages/coaching.py", label="Coaching", icon=":material/record_voice_over:")
    rows = organisation_glance(session, actor=me, today=day)
    st.subheader(f"The organisation at a glance ({len(rows)} teams)")
    plot(
        team_bar_figure(rows, "qa_score"),
        empty="Each team's QA score of the last four weeks appears here once evaluations are "
        "recorded or metrics imported.",
    )


def admin_home(session: Session, me: Actor) -> None:
    plan = admin_day(session, actor=me, day=day)
    today_box(plan.headline())
    st.subheader("People")
    if plan.without_password:
        st.markdown("No password yet (they cannot log in until you set a one-time password):")
        shown = plan.without_password[:12]
        more = len(plan.without_password) - len(shown)
        st.text(", ".join(shown) + (f" and {more} more" if more else ""))
    if plan.one_time_password:
        st.markdown(
            f"{len(plan.one_time_password)} still have to choose their own password after "
            "their one-time one."
        )
    if not plan.without_password and not plan.one_time_password:
        st.markdown("Everyone active can log in with a password of their own.")
    st.page_link("pages/admin_people.py", label="People", icon=":material/group:")
    st.subheader("Closure days in the next 60 days")
    for closure in plan.closures:
        st.text(f"{closure.date:%A %d %B %Y}: {closure.reason}")
    if not plan.closures:
        st.markdown("None. Add the days the centre is closed so no PD day lands on them.")
    st.page_link("pages/admin_calendar.py", label="Calendar", icon=":material/calendar_month:")
    st.subheader("Metrics")
    if plan.last_import is None or plan.latest_data is None:
        st.markdown("No metrics yet. Import a CSV export from your QA or survey tool.")
    else:
        st.markdown(
            f"Metrics last arrived on {plan.last_import:%A %d %B %Y}; the newest are about "
            f"{plan.latest_data:%A %d %B}."
        )
    st.page_link("pages/import_metrics.py", label="Import metrics", icon=":material/upload_file:")


me = actor()
day = today()
st.title(f"My day · {day:%A %d %B %Y}")
HOMES = {
    Role.AGENT: agent_home,
    Role.TEAM_LEAD: lead_home,
    Role.MANAGER: manager_home,
    Role.ADMIN: admin_home,
}
with db() as session:
    HOMES[me.role](session, me)
