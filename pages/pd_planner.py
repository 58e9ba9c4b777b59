"""PD day planner (team lead, manager): coverage, plan, review, move, publish, export."""

import datetime as dt

import streamlit as st

from core.pd.coverage import coverage
from core.pd.days import check_move, list_team_days, move, unpublish
from core.pd.exports import pd_days_csv, pd_days_ics
from core.pd.planning import PlanSettings, plan_period, publish
from core.people.access import Purpose, teams_for
from core.people.org import person_labels
from core.platform.clock import today
from core.platform.seasons import quarter_of
from ui.admission import unmetered
from ui.pd import (
    by_agent_frame,
    by_day_frame,
    conflicts_box,
    coverage_figure,
    reasons_frame,
    remember_moves,
)
from ui.pd_settings import render_planning_inputs
from ui.staffing import render_staffing_panel
from ui.state import actor, db
from ui.text import plain
from ui.widgets import pick_many

me = actor()
st.title("PD day planner")
with db() as session:
    teams = teams_for(session, actor=me, purpose=Purpose.PLAN)
if not teams:
    st.info(
        "You do not lead a team yet, so there is nothing to plan. Ask an admin to make you a team's lead."
    )
    st.stop()

q_start, q_end = quarter_of(quarter_of(today())[1] + dt.timedelta(days=1))  # plan the next quarter
c1, c2, c3, c4 = st.columns([2, 3, 1, 1])
period = c1.date_input("Period", value=(q_start, q_end), format="YYYY-MM-DD", key="pd_period")
chosen = pick_many(
    "Teams",
    list(teams),
    where=c2,
    default=list(teams)[:1] if len(teams) > 3 else list(teams),
    format_func=teams.get,
    key="pd_teams",
)
per_agent = c3.number_input("PD days each", 1, 6, 2, key="pd_per_agent")
gap = c4.number_input("Days apart", 0, 90, 14, key="pd_gap")
if not isinstance(period, tuple) or len(period) != 2 or not chosen:
    st.info("Choose the first and last day of the period, and at least one team.")
    st.stop()
settings = PlanSettings(period[0], period[1], tuple(chosen), int(per_agent), int(gap))

settings.check()
with db() as session:
    cover = coverage(session, actor=me, settings=settings)
    days = list_team_days(session, actor=me, settings=settings)
    labels = person_labels(session, person_ids=[d.person_id for d in days])
if cover.uniform:  # a one-colour chart would say nothing: the sentence says it all
    st.info(plain(cover.summary))
else:
    st.plotly_chart(coverage_figure(cover))
    st.text(cover.summary + " Hover over a day for its figures.")  # as typed: names, reasons
if cover.closed:
    st.text("Closed, no PD days: " + "; ".join(cover.closed) + ".")
render_planning_inputs(me, {t: teams[t] for t in chosen}, settings.start)
render_staffing_panel(me, {t: teams[t] for t in chosen}, settings, cover)

if cover.cannot_fit:
    st.warning(plain(cover.cannot_fit))
conflicts_box(cover.conflicts)
if st.button(
    "Plan PD days",
    type="primary",
    icon=":material/auto_awesome:",
    key="pd_plan",
    disabled=cover.cannot_fit is not None,
):
    with st.status("Planning PD days for every agent…", expanded=True) as status:
        st.write(
            f"{len(chosen)} team(s), {settings.start:%d %b} to {settings.end:%d %b %Y}; published days stay put."
        )
        # A refusal marks the status as failed and the page shows why (ui.errors).
        with unmetered(), db() as session:  # the solver: other pages run meanwhile
            outcome = plan_period(session, actor=me, settings=settings)
        if outcome.status in ("optimal", "feasible"):
            status.update(
                label=f"Planned {outcome.drafts} draft PD days in {outcome.solve_seconds:.1f} s",
                state="complete",
            )
            remember_moves(outcome.moved)
            st.rerun()
        status.update(
            label="A PD day already done blocks the plan"
            if outcome.stale
            else "No plan keeps every rule",
            state="error",
        )
    for stale in outcome.stale:
        st.warning(plain(stale.reason) + ": unpublish it (below) or move it, then plan again.")
    for conflict in outcome.conflicts:
        st.error(plain(conflict.reason))

drafts = [d for d in days if d.status.value == "draft"]
st.subheader(
    f"Review: {len(drafts)} draft and {len(days) - len(drafts)} published or completed PD days"
)
if not days:
    st.info("No PD days in this period yet: press “Plan PD days” to propose a fair plan.")
    st.stop()
by_agent, by_day, why = st.tabs(["By agent", "By day", "Why these dates"])
by_agent.dataframe(by_agent_frame(days, labels), hide_index=True)
by_day.dataframe(by_day_frame(days, labels), hide_index=True)
why.table(
    reasons_frame(days, cover.reasons), hide_index=True, border="horizontal"
)  # wraps sentences

with st.expander("Move or unpublish a PD day"):
    movable = [d for d in days if d.status.value in ("draft", "published")]
    pick = st.selectbox(
        "PD day",
        movable,
        format_func=lambda d: f"{labels[d.person_id]} · {d.date:%a %d %b} ({d.status.value})",
        key="pd_move_pick",
    )
    if pick is not None:
        new_date = st.date_input(
            "Move to", value=pick.date, format="YYYY-MM-DD", key=f"pd_move_to_{pick.id}"
        )
        with db() as session:
            problems = (
                check_move(session, actor=me, pd_day_id=pick.id, new_date=new_date)
                if new_date != pick.date
                else []
            )
        for problem in problems:
            st.error(plain(problem))
        m1, m2 = st.columns(2)
        if m1.button("Move", disabled=bool(problems) or new_date == pick.date, key="pd_move"):
            with db() as session:
                move(
                    session,
                    actor=me,
                    pd_day_id=pick.id,
                    new_date=new_date,
                    expected_version=pick.version,
                )
            st.rerun()
        if pick.status.value == "published" and m2.button(
            "Unpublish (back to draft)", key="pd_unpublish"
        ):
            with db() as session:
                unpublish(session, actor=me, pd_day_id=pick.id)
            st.rerun()

p1, p2, p3 = st.columns(3)
confirm = p1.checkbox(
    f"Publish {len(drafts)} draft day{'' if len(drafts) == 1 else 's'} to the agents",
    key="pd_publish_confirm",
    disabled=not drafts,
)
if p1.button("Publish", type="primary", disabled=not (drafts and confirm), key="pd_publish"):
    with db() as session:
        count = publish(session, actor=me, settings=settings)
    st.toast(f"Published {count} PD days.")
    st.rerun()
p2.download_button("Download CSV", pd_days_csv(days), "pd-days.csv", "text/csv")
p3.download_button(
    "Download calendar (.ics)",
    pd_days_ics(days, name="Team PD days"),
    "pd-days.ics",
    "text/calendar",
)
