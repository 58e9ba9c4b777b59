"""AppTest fixtures: one seeded SQLite demo database per module, and logged-in app runs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from core.models import Person
from core.people.auth import open_session
from core.platform.config import get_settings
from core.platform.db import make_engine, migrate
from seed.demo import seed_demo
from tests.conftest import ROOT, TODAY

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("appdb") / "demo.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        seed_demo(session, agents=30, years=1, random_seed=5, today=TODAY)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def app_as(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """app_as("agent@example.com", page="pages/x.py") → a run AppTest logged in as that person."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    get_settings.cache_clear()
    # As in the served app (streamlit_app.py): pages/ is a folder of scripts that
    # st.navigation runs, never Streamlit's legacy multipage folder, so every page runs inside
    # the entry script's login gate and error handler. (AppTest resets the flag before each
    # run and PagesManager would set it again because a pages/ folder exists.)
    original_init = PagesManager.__init__

    def navigation_only(self: PagesManager, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", navigation_only)
    engine = make_engine(demo_url)

    def run(email: str | None, page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        if email is not None:
            with Session(engine) as session:
                person = session.exec(select(Person).where(Person.email == email)).one()
                assert person.id is not None
                at.session_state["auth_token"] = open_session(session, person_id=person.id)
                session.commit()
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    yield run
    engine.dispose()


def texts(at: AppTest) -> str:
    """Everything a person reads on the page (titles, headers, text, captions, alerts)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "text",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(read(str(e.value)) for e in getattr(at, kind))
    parts.extend(read(str(m.label)) for m in at.metric)
    return "\n".join(parts)


def read(markdown: str) -> str:
    """Markdown source as a reader sees its words: names and titles arrive escaped (ui.text.plain),
    with a backslash before punctuation and an invisible joiner inside bare addresses."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def submit(at: AppTest, form: str, label: str) -> AppTest:
    """Click the submit button `label` of the form named `form` and run. A saved form moves to a
    new key (ui.forms.SaveOnceForm), so the button is found under the form's current one."""
    try:
        generation = at.session_state["forms_record"].generations.get(form, 0)
    except KeyError:
        generation = 0
    try:
        button = at.button(key=f"FormSubmitter:{form}__{generation}-{label}")
    except KeyError:  # a form that keeps a draft is not an st.form: its button is a plain one
        button = at.button(key=f"{form}__{generation}-{label}")
    return button.click().run()


def choose_mentor(at: AppTest) -> None:
    """Pick the first mentor offered: the agent's team lead."""
    [box] = [s for s in at.selectbox if s.label == "My mentor"]
    box.select_index(0)
