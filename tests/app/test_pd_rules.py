"""The planner's blackout dates and peak-day floors as a lead meets them (Streamlit AppTest): a
floor above the team's size refused, every rule listed, changed and removed."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from core.models import Person, Team
from core.platform.db import make_engine
from tests.app.conftest import read, submit, texts

PLANNER = "pages/pd_planner.py"


def _lead_team(url: str) -> Team:
    with Session(make_engine(url)) as session:
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        return session.exec(select(Team).where(Team.lead_id == lead.id)).first()


def _field(at: AppTest, kind: str, label: str):  # type: ignore[no-untyped-def]
    return next(w for w in getattr(at, kind) if w.label == label)


def test_a_lead_is_refused_a_floor_above_the_team_then_lists_changes_and_removes_floors(
    app_as, demo_url: str
) -> None:
    team = _lead_team(demo_url)
    at = app_as("lead@example.com", PLANNER)
    assert "No blackout date or floor of its own on any day yet." in [c.value for c in at.caption]
    _field(at, "selectbox", "For").set_value(team.id)
    _field(at, "number_input", "Peak floor (agents on the phones)").set_value(99)
    submit(at, "pd_constraints", "Set the team's floor on this date")
    [refusal] = [read(e.value) for e in at.error]
    assert refusal.startswith("A floor of 99 on Friday 1 January 2027 is more than team ")
    assert "active agents: no plan could keep it." in refusal
    assert "No blackout date or floor of its own on any day yet." in [c.value for c in at.caption]

    _field(at, "number_input", "Peak floor (agents on the phones)").set_value(team.min_staffed + 1)
    submit(at, "pd_constraints", "Set the team's floor on this date")
    listed = (
        f"Fri 1 Jan 2027 · floor {team.min_staffed + 1} · {team.name} (default {team.min_staffed})"
    )
    assert listed in texts(at), texts(at)
    _field(at, "selectbox", "Change or remove").select_index(0).run()
    submit(
        at,
        f"pd_rule_floor_{team.id}_2027-01-01",
        f"Remove (back to the default of {team.min_staffed})",
    )
    assert f"Team {team.name}'s floor on Friday 1 January 2027 is its default again" in texts(at)
    assert listed not in texts(at)


def test_a_lead_renames_and_removes_a_blackout_date(app_as, demo_url: str) -> None:
    team = _lead_team(demo_url)
    at = app_as("lead@example.com", PLANNER)
    _field(at, "selectbox", "For").set_value(team.id)
    _field(at, "text_input", "Reason (for a blackout)").input("Product launch")
    submit(at, "pd_constraints", "Add blackout date")
    assert f"Fri 1 Jan 2027 · blackout · {team.name}: Product launch" in texts(at)
    rules = _field(at, "selectbox", "Change or remove")
    [picked] = [i for i, o in enumerate(rules.options) if "blackout" in o]
    rules.select_index(picked).run()
    form = next(
        k.removeprefix("FormSubmitter:").rsplit("__", 1)[0]
        for k in (b.key for b in at.button)
        if k and k.startswith("FormSubmitter:pd_rule_blackout_")
    )
    _field(at, "text_input", "Reason").input("Launch moved")
    submit(at, form, "Save the blackout date")
    assert f"Fri 1 Jan 2027 · blackout · {team.name}: Launch moved" in texts(at)
    submit(at, form, "Remove the blackout date")
    assert "Removed: PD days may go on Fri 1 Jan again." in texts(at)
    assert "No blackout date or floor of its own on any day yet." in [c.value for c in at.caption]


def test_the_coverage_follows_a_staffing_target_saved_on_the_planner(app_as) -> None:
    at = app_as("lead@example.com", PLANNER)
    before = texts(at)
    _field(at, "text_input", "Service level (% / seconds)").set_value("95/10")
    _field(at, "text_input", "Shrinkage (%)").set_value("45")
    at = at.button(key="FormSubmitter:pd_target_form-Save target").click().run()
    after = texts(at)
    assert "Saved: the coverage, the floors and the next plan follow it." in after
    # The coverage drawn at the top of the page already counts with the new target: the
    # demo's forecast days need more agents at 95 % in 10 s and 45 % shrinkage.
    summary = [line for line in after.splitlines() if "Tightest day" in line]
    old = [line for line in before.splitlines() if "Tightest day" in line]
    assert summary and old and summary != old, (old, summary)
