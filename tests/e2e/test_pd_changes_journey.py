"""Browser journey: a closure lands on a published PD day. The agent is told who moves it; the
lead's planner names the day on its main view and "Plan PD days" moves just that day; the agent's
inbox then has the new date and their calendar file moves the event (same UID, higher SEQUENCE).
On a server of its own: it publishes PD days the other journeys expect not to exist."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlmodel import select

from core.models import PdDay, PdStatus, Person
from core.pd.closures import add_closure
from core.pd.planning import PlanSettings, plan_period, publish
from core.people.access import Purpose, load_actor, teams_for
from core.platform.db import make_engine, session_scope
from core.platform.seasons import quarter_of
from tests.conftest import TODAY
from tests.e2e.conftest import another_page, log_in, own_app, settle

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HEADWAY_SCREENSHOTS")  # a folder: keep what the lead saw, to look at


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


@pytest.fixture(scope="module")
def closed_pd_day(app_url: str, app_env: dict[str, str]) -> Iterator[dict[str, object]]:
    """Its own server, where Lee Lead's teams have the next quarter's PD days published and an
    admin has then closed the organisation on Alex Agent's first one."""
    with own_app(app_url, app_env, "pd-changes") as (url, database_url):
        engine = make_engine(database_url)
        with session_scope(engine) as session:

            def person(email: str) -> Person:
                return session.exec(select(Person).where(Person.email == email)).one()

            lead = load_actor(session, person("lead@example.com").id)
            teams = teams_for(session, actor=lead, purpose=Purpose.PLAN)
            start, end = quarter_of(quarter_of(TODAY)[1] + dt.timedelta(days=1))
            settings = PlanSettings(start, end, tuple(teams), 2, 14)  # the planner's defaults
            plan_period(session, actor=lead, settings=settings, time_limit=20)
            publish(session, actor=lead, settings=settings)
            alex = person("agent@example.com")
            day = session.exec(
                select(PdDay)
                .where(PdDay.person_id == alex.id, PdDay.status == PdStatus.PUBLISHED)
                .where(PdDay.date >= start)  # the planner's period (the seed has earlier ones)
                .order_by(PdDay.date)
            ).first()
            assert day is not None
            admin = load_actor(session, person("admin@example.com").id)
            add_closure(session, actor=admin, date=day.date, reason="Office move")
            session.flush()
            found = {"url": url, "id": day.id, "date": day.date, "version": day.version}
        engine.dispose()
        yield found


def test_a_closure_on_a_published_day_is_moved_by_the_plan_and_the_agent_is_told(
    page, closed_pd_day: dict[str, object], axe_check
) -> None:
    url, old = str(closed_pd_day["url"]), closed_pd_day["date"]
    assert isinstance(old, dt.date)
    agent = another_page(page)
    agent.goto(f"{url}/inbox")
    settle(agent)
    log_in(agent, "agent@example.com")
    agent.get_by_text(f"Your PD day on {old:%A %-d %B} falls on a closure day").first.wait_for()
    # Told who moves it, by name, and that there is nothing to do.
    agent.get_by_text("Lee Lead, your team lead, will move it").first.wait_for()

    page.goto(f"{url}/pd_planner")
    settle(page)
    log_in(page, "lead@example.com")
    # The main view names the day, before anyone presses Plan.
    page.get_by_text("1 published PD day cannot stay").wait_for()
    page.get_by_text(
        re.compile(f"Alex Agent.s published PD day on {old:%a %d %b}")
    ).first.wait_for()
    shoot(page, "pd-planner-conflict.png")
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    page.get_by_role("button", name="Plan PD days").click()
    page.get_by_text("Moved just the days that could not stay").wait_for(timeout=90_000)
    moved = page.get_by_text(
        re.compile(f"Alex Agent.s PD day moved from {old:%a %-d %b} to")
    ).inner_text()
    shoot(page, "pd-planner-moved.png")
    assert "1 published PD day cannot stay" not in page.content()
    page.get_by_role("heading", name="Review: 0 draft").wait_for()  # every other day kept

    agent.reload()
    settle(agent)
    notice = agent.get_by_text(f"Your PD day on {old:%A %-d %B} moved to").first
    notice.wait_for()
    said = notice.inner_text().rsplit(" moved to ", 1)[1].strip()  # "Friday 15 January"
    # The notice names no year: the nearest one to the old date whose weekday it says (a move
    # may cross new year).
    new = min(
        (
            day
            for year in (old.year - 1, old.year, old.year + 1)
            for day in [dt.datetime.strptime(f"{said} {year}", "%A %d %B %Y").date()]
            if f"{day:%A %-d %B}" == said
        ),
        key=lambda day: abs(day - old),
    )
    assert f"to {new:%a %-d %b}" in moved

    agent.goto(f"{url}/my_pd_days")
    settle(agent)
    with agent.expect_download() as download:
        agent.get_by_role("button", name="Add my PD days to my calendar (.ics)").click()
    events = {
        str(e["uid"]): e
        for e in Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    }
    event = events[f"pd-day-{closed_pd_day['id']}@headway"]  # the same event, moved
    assert event["dtstart"].dt == new
    assert int(event["sequence"]) > int(str(closed_pd_day["version"]))
    agent.context.close()
