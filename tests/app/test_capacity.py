"""What one rerun costs the server: the login is checked once per rerun (and again at the next),
and the team-growth numbers, figures and a manager's falling trends are computed once for every
viewer allowed to see the same teams, while each viewer's right to the teams is checked on every
rerun, never served from the cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

import core.growth.checkins as checkins
import core.growth.teams as ga
import ui.state
from core.models import AuthSession, Person, Team
from core.platform.errors import AccessDenied
from tests.app.conftest import texts
from tests.conftest import TODAY
from ui import analytics


def _counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[object]:
    calls: list[object] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_login_is_checked_once_per_rerun_and_again_at_the_next(
    app_as: Callable[..., AppTest], demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_as("agent@example.com")
    checks = _counting(monkeypatch, ui.state, "resume_session")
    at.run()  # the app's gate, then My day's actor(): one lookup
    assert not at.exception
    assert len(checks) == 1
    at.switch_page("pages/learning.py").run()
    assert len(checks) == 2
    # Ended elsewhere (log out everywhere): the very next rerun notices.
    from core.platform.db import make_engine

    engine = make_engine(demo_url)
    with Session(engine) as session:
        for row in session.exec(select(AuthSession)).all():
            row.revoked_at = dt.datetime.now(dt.UTC)
            session.add(row)
        session.commit()
    engine.dispose()
    at.run()
    assert "auth_token" not in at.session_state
    assert len(checks) == 3


def _team_of_lead(demo_url: str) -> tuple[int, int, int, int]:
    """(lead id, the lead's team, another team, the manager's id)."""
    from core.platform.db import make_engine

    engine = make_engine(demo_url)
    with Session(engine) as session:
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        manager = session.exec(select(Person).where(Person.email == "manager@example.com")).one()
        own = session.exec(select(Team.id).where(Team.lead_id == lead.id)).first()
        other = session.exec(select(Team.id).where(Team.lead_id != lead.id)).first()
    engine.dispose()
    assert lead.id and manager.id and own and other
    return lead.id, own, other, manager.id


def test_team_growth_is_computed_once_for_every_viewer_allowed_to_see_the_teams(
    app_as: Callable[..., AppTest], demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_as(None)  # points the app (and ui.state's engine) at the demo database
    analytics.clear_caches()
    computed = _counting(monkeypatch, ga, "team_growth")
    lead, own, other, manager = _team_of_lead(demo_url)
    version = analytics.data_version()
    window = (TODAY - dt.timedelta(days=180), TODAY)
    first = analytics.load_bundle(version, manager, *window, (own,), "qa_score")
    second = analytics.load_bundle(version, lead, *window, (own,), "qa_score")
    assert len(computed) == 1  # the lead got the manager's computation
    assert second.trends.equals(first.trends)
    # The manager's cached numbers of another team are not the lead's to see.
    analytics.load_bundle(version, manager, *window, (other,), "qa_score")
    with pytest.raises(AccessDenied):
        analytics.load_bundle(version, lead, *window, (other,), "qa_score")
    with pytest.raises(AccessDenied):
        analytics.falling(lead, (other,), TODAY)
    # A write to what the page shows (a new data version) is computed afresh.
    analytics.load_bundle(version + 1, lead, *window, (own,), "qa_score")
    assert len(computed) == 3


def test_the_page_draws_the_same_figures_from_the_shared_cache(
    app_as: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    analytics.clear_caches()
    built = _counting(monkeypatch, analytics, "trend_figure")
    lead = app_as("lead@example.com", page="pages/team_growth.py")
    assert not lead.exception
    charts = lead.get("plotly_chart")
    assert charts, "the trends are drawn"
    manager = app_as("manager@example.com", page="pages/team_growth.py")
    assert not manager.exception
    lead.run()
    assert len(built) == 2  # the lead's team and the manager's four: each built once
    assert [c.proto.spec for c in lead.get("plotly_chart")] == [c.proto.spec for c in charts]


def test_a_managers_falling_trends_are_kept_across_reruns(
    app_as: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    analytics.clear_caches()
    tested = _counting(monkeypatch, checkins, "_growth_trends")
    at = app_as("manager@example.com")
    assert not at.exception
    assert "teams" in texts(at)
    at.run()
    at.run()
    assert len(tested) == 1


def test_figures_are_built_once_and_sent_without_plotly_checking_them_again(
    app_as: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`st.plotly_chart` rebuilds a Figure from a dictionary to check it (0.1 s for a page of
    small charts) and deep-copies a Figure: a Prebuilt one is sent as Plotly made it."""
    import plotly.graph_objects as go
    import plotly.tools

    from ui import widgets

    widgets.built.cache_clear()
    analytics.clear_caches()
    pages = {
        "agent@example.com": "pages/home.py",  # the agent's QA trend, per agent
        "manager@example.com": "pages/team_growth.py",  # shared by the viewers of the teams
    }
    apps = {email: app_as(email, page=page) for email, page in pages.items()}
    sent = {email: [c.proto.spec for c in at.get("plotly_chart")] for email, at in apps.items()}
    assert all(sent.values()), "every page draws its charts"
    made = _counting(monkeypatch, go.Figure, "__init__")
    for at in apps.values():
        at.run()
        assert not at.exception
    assert made == []  # neither the page nor Streamlit's check built a Figure
    assert {e: [c.proto.spec for c in at.get("plotly_chart")] for e, at in apps.items()} == sent
    figure = widgets.trend_figure([(TODAY, 81.0, 3)], "qa_score")
    spec = widgets.Prebuilt(figure.to_dict())
    assert plotly.tools.return_figure_from_figure_or_data(spec, True) == figure.to_dict()
