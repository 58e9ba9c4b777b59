"""The planner's side panel: leave import, blackout dates and peak-day floors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import streamlit as st

from core.metrics.imports import import_leave
from core.pd.constraints import (
    BlackoutRead,
    FloorRead,
    PlanningRules,
    add_blackout,
    edit_blackout,
    planning_rules,
    remove_blackout,
    remove_floor,
    set_floor,
)
from core.people.access import Actor
from ui.forms import SaveOnceForm, show_done_of_gone_forms
from ui.state import db
from ui.text import plain


def render_planning_inputs(me: Actor, teams: Mapping[int, str], default_day: dt.date) -> None:
    """Expanders that change what the planner must respect; each change reruns the page."""
    with st.expander("Import leave from CSV"):
        st.markdown(
            "Columns: agent_email, start, end, kind (annual leave, sick, training, other). "
            "Nothing is added unless every line is valid."
        )
        upload = st.file_uploader("Leave CSV", type=["csv"], key="pd_leave_csv")
        if upload is not None and st.button("Import leave", key="pd_leave_import"):
            with db() as session:
                added = import_leave(session, data=upload.getvalue(), actor=me)
            st.success(f"Added {added} leave record(s). Re-plan to take them into account.")
    with st.expander(
        "Blackout dates and peak-day floors", key="pd_constraints_open", on_change="rerun"
    ):
        _add_form(me, teams, default_day)
        with db() as session:
            rules = planning_rules(session, actor=me, team_ids=list(teams), since=default_day)
        _change_form(me, rules)


def _add_form(me: Actor, teams: Mapping[int, str], default_day: dt.date) -> None:
    with SaveOnceForm("pd_constraints") as constraints:
        c1, c2, c3 = st.columns(3)
        day = c1.date_input("Date", value=default_day, format="YYYY-MM-DD")
        scope = c2.selectbox(
            "For",
            [None, *teams],
            format_func=lambda t: "Whole organisation" if t is None else teams[t],
        )
        floor = c3.number_input(
            "Peak floor (agents on the phones)",
            min_value=0,
            value=0,
            step=1,
            help="The team's floor on this date instead of its default; 0 goes back to the "
            "default. It cannot be more than the team's active agents.",
        )
        reason = st.text_input("Reason (for a blackout)", placeholder="e.g. product release")
        b1, b2 = st.columns(2)
        blackout = b1.form_submit_button("Add blackout date")
        peak = b2.form_submit_button("Set the team's floor on this date")
        done = "Saved: the coverage chart shows it, and the next plan respects it."
        if blackout:
            constraints.save(
                add_blackout, actor=me, date=day, team_id=scope, reason=reason, done=done
            )
        elif peak and scope is None:
            st.error("Choose a team to set its floor on a date.")
        elif peak:
            constraints.save(
                set_floor,
                actor=me,
                team_id=scope,
                date=day,
                min_staffed=int(floor),
                done=lambda said: f"{said} The next plan respects it.",
            )


def _rule_label(rule: BlackoutRead | FloorRead) -> str:
    if isinstance(rule, BlackoutRead):
        why = f": {rule.reason}" if rule.reason else ""
        return f"{rule.date:%a %-d %b %Y} · blackout · {rule.where}{why}"
    warn = f" — more than its {rule.size} agents" if rule.above_size else ""
    return (
        f"{rule.date:%a %-d %b %Y} · floor {rule.min_staffed} · {rule.team} "
        f"(default {rule.default}){warn}"
    )


def _form_name(rule: BlackoutRead | FloorRead | None) -> str:
    """The change form of one rule (its confirmation outlives the rule: see _change_form)."""
    if isinstance(rule, BlackoutRead):
        return f"pd_rule_blackout_{rule.id}"
    return f"pd_rule_floor_{rule.team_id}_{rule.date}" if rule is not None else ""


def _change_form(me: Actor, rules: PlanningRules) -> None:
    """Every blackout date and floor from the period on, each to change or remove."""
    listed: list[BlackoutRead | FloorRead] = sorted(
        [*rules.blackouts, *rules.floors], key=lambda r: (r.date, isinstance(r, FloorRead))
    )
    st.markdown("**Set so far** (from the period's first day)")
    pick = st.session_state.get("pd_rule_pick")
    show_done_of_gone_forms(
        "pd_rule_",
        drawn=_form_name(pick) if listed and any(pick == r for r in listed) else None,
    )
    if not listed:
        st.caption("No blackout date or floor of its own on any day yet.")
        return
    st.text("\n".join(_rule_label(r) for r in listed))  # reasons as typed
    for floor in rules.floors:
        if floor.above_size:
            st.warning(
                f"{plain(floor.team)}'s floor of {floor.min_staffed} on {floor.date:%a %-d %b} is more "
                f"than its {floor.size} active agents: no plan can keep it. Lower or remove it."
            )
    pick = st.selectbox(
        "Change or remove",
        listed,
        format_func=_rule_label,
        key="pd_rule_pick",
    )
    if pick is None:
        return
    if isinstance(pick, BlackoutRead):
        if not pick.changeable:
            st.caption("An organisation-wide blackout date: only managers change it.")
            return
        with SaveOnceForm(_form_name(pick)) as form:
            c1, c2 = st.columns([1, 2])
            day = c1.date_input("Date", value=pick.date, format="YYYY-MM-DD")
            reason = c2.text_input("Reason", value=pick.reason)
            b1, b2 = st.columns(2)
            if b1.form_submit_button("Save the blackout date"):
                form.save(
                    edit_blackout,
                    actor=me,
                    blackout_id=pick.id,
                    date=day,
                    reason=reason,
                    done="Saved.",
                )
            if b2.form_submit_button("Remove the blackout date"):
                form.save(
                    remove_blackout,
                    actor=me,
                    blackout_id=pick.id,
                    done=f"Removed: PD days may go on {pick.date:%a %-d %b} again.",
                )
        return
    with SaveOnceForm(_form_name(pick)) as form:
        value = st.number_input(
            f"{pick.team}'s floor on {pick.date:%a %-d %b}",
            min_value=0,
            value=pick.min_staffed,
            step=1,
        )
        b1, b2 = st.columns(2)
        if b1.form_submit_button("Save the floor"):
            form.save(
                set_floor,
                actor=me,
                team_id=pick.team_id,
                date=pick.date,
                min_staffed=int(value),
                done=str,
            )
        if b2.form_submit_button(f"Remove (back to the default of {pick.default})"):
            form.save(remove_floor, actor=me, team_id=pick.team_id, date=pick.date, done=str)
