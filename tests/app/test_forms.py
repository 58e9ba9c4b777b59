"""Forms never lose work (Streamlit AppTest): drafts of long texts come back in a new browser
session (what a reload is), go once the form is saved or discarded; an over-long text is
refused with how much to remove, the form keeping it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import submit, texts
from tests.app.test_pages import choose_mentor

LEARNING = "pages/learning.py"
COACHING = "pages/coaching.py"
PLEDGE = "pages/pledge.py"
SHARE = "learn_new"


def _box(at: AppTest, form: str, field: str):  # type: ignore[no-untyped-def]
    """The text box `field` of the draft-keeping form `form` (in its current generation)."""
    generation = at.session_state["forms_record"].generations.get(form, 0)
    key = f"{form}__{generation}:{field}"
    try:
        return at.text_area(key=key)
    except KeyError:
        return at.text_input(key=key)


def test_a_share_typed_and_left_comes_back_after_a_reload_and_goes_once_shared(app_as) -> None:
    at = app_as("agent2@example.com", LEARNING)
    _box(at, SHARE, "title").input("Hold music").run()
    _box(at, SHARE, "learned").input("Quieter music, fewer hang-ups").run()
    assert "Draft kept at" in texts(at)

    reloaded = app_as("agent2@example.com", LEARNING)  # a new browser session: a reload
    assert _box(reloaded, SHARE, "title").value == "Hold music"
    assert _box(reloaded, SHARE, "learned").value == "Quieter music, fewer hang-ups"
    assert "it will be here if you reload" in texts(reloaded)

    submit(reloaded, "learn_new", "Share")
    assert any("Shared" in s.value for s in reloaded.success), texts(reloaded)
    again = app_as("agent2@example.com", LEARNING)
    assert _box(again, SHARE, "title").value == "" and _box(again, SHARE, "learned").value == ""
    assert "Draft kept" not in texts(again)


def test_a_draft_is_its_authors_only(app_as) -> None:
    at = app_as("agent@example.com", LEARNING)
    _box(at, SHARE, "worked").input("Naming the next step before hanging up").run()
    other = app_as("agent2@example.com", LEARNING)
    assert _box(other, SHARE, "worked").value == ""
    at.button(key="learn_new__0:discard").click().run()  # and it can be thrown away
    assert _box(at, SHARE, "worked").value == ""
    assert _box(app_as("agent@example.com", LEARNING), SHARE, "worked").value == ""


def test_an_over_long_text_is_refused_with_how_much_to_remove_and_kept(app_as) -> None:
    at = app_as("agent2@example.com", LEARNING)
    long = "Customers calm down when I summarise. " * 119
    assert len(long.strip()) == 4521
    _box(at, SHARE, "title").input("Summaries").run()
    _box(at, SHARE, "learned").input(long).run()
    sentence = "“What I learned” is 4,521 characters; the limit is 4,000 — shorten it by 521."
    assert sentence in [w.value for w in at.warning]  # right under the box, before Share
    submit(at, "learn_new", "Share")
    assert sentence in [e.value for e in at.error]
    assert _box(at, SHARE, "learned").value == long  # nothing emptied, nothing cut
    assert "too long to keep as a draft" in texts(at)
    # The draft a reload brings back is the last one that fitted: the title.
    reloaded = app_as("agent2@example.com", LEARNING)
    assert _box(reloaded, SHARE, "title").value == "Summaries"
    reloaded.button(key="learn_new__0:discard").click().run()


def test_a_coaching_note_draft_comes_back_for_the_same_agent(app_as) -> None:
    at = app_as("lead@example.com", COACHING)
    agent = at.selectbox(key="coach_agent").value
    note = f"coach_new_{agent}"
    _box(at, note, "to_try").input("Summarise the customer's question first").run()
    reloaded = app_as("lead@example.com", COACHING)
    reloaded.selectbox(key="coach_agent").set_value(agent).run()
    assert _box(reloaded, note, "to_try").value == "Summarise the customer's question first"
    reloaded.selectbox(key=f"{note}__0:metric").set_value("fcr").run()
    submit(reloaded, note, "Save note")
    assert any("Saved" in s.value for s in reloaded.success), texts(reloaded)
    again = app_as("lead@example.com", COACHING)
    again.selectbox(key="coach_agent").set_value(agent).run()
    assert _box(again, note, "to_try").value == ""


def _agent_without_pledge() -> str:
    from sqlmodel import Session, col, select

    from core.models import Person, Pledge
    from core.platform.config import get_settings
    from core.platform.db import make_engine

    with Session(make_engine(get_settings().database_url)) as session:
        return session.exec(
            select(Person.email).where(
                Person.role == "agent", col(Person.id).not_in(select(Pledge.agent_id))
            )
        ).first()


def test_a_pledges_own_commitments_come_back_after_a_reload(app_as) -> None:
    app_as(None)  # points the settings at the demo database
    agent = _agent_without_pledge()
    at = app_as(agent, PLEDGE)
    _box(at, "pledge_new", "commitments").input("I will smile on the phone").run()
    reloaded = app_as(agent, PLEDGE)
    assert _box(reloaded, "pledge_new", "commitments").value == "I will smile on the phone"
    choose_mentor(reloaded)
    submit(reloaded, "pledge_new", "Save draft")  # the pledge itself, unsigned
    assert any(t.value == "4. I will smile on the phone" for t in reloaded.text), texts(reloaded)
    assert "Draft kept" not in texts(app_as(agent, PLEDGE))


def test_a_choice_between_two_people_with_the_same_name_stays_put() -> None:
    """Streamlit keeps a selectbox's choice by how it reads: without telling namesakes apart,
    the coach writing about the second Benjamin Davis was moved to the first one's (empty) note
    form at the next click."""

    def script() -> None:
        import streamlit as st

        from ui.widgets import choose

        picked = choose("Agent", {16: "Benjamin Davis", 19: "Benjamin Davis", 7: "Ann"}, key="a")
        st.text(f"picked {picked}")

    at = AppTest.from_function(script).run()
    at.selectbox(key="a").set_value(19).run()
    at.run()
    assert at.text[0].value == "picked 19"
    assert at.selectbox(key="a").options == [
        "Benjamin Davis (1)",
        "Benjamin Davis (2)",
        "Ann",
    ]


def test_a_busy_database_says_so_in_one_sentence_and_keeps_what_was_typed(
    app_as, monkeypatch
) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    import core.learning.shares
    from core.platform.db import BUSY

    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError(
            "INSERT INTO learning_share", {}, sqlite3.OperationalError("database is locked")
        )

    at = app_as("agent2@example.com", LEARNING)
    _box(at, SHARE, "title").input("Callbacks").run()
    _box(at, SHARE, "learned").input("Offer a time, not a window").run()
    monkeypatch.setattr(core.learning.shares, "write_share", locked)
    submit(at, "learn_new", "Share")
    assert BUSY in [e.value for e in at.error]
    assert not at.exception
    assert _box(at, SHARE, "title").value == "Callbacks"
    assert _box(at, SHARE, "learned").value == "Offer a time, not a window"
    at.button(key="learn_new__0:discard").click().run()


def _place(node, target, path=()):  # type: ignore[no-untyped-def]
    """Where `target` stands in the page's element tree: its index in each block down to it."""
    for index, child in getattr(node, "children", {}).items():
        if child is target:
            return (*path, index)
        if (found := _place(child, target, (*path, index))) is not None:
            return found
    return None


def test_a_box_keeps_its_place_when_the_login_cookie_request_goes(app_as, demo_url: str) -> None:
    """The browser draws a box afresh, losing what is being typed in it, when the box moves in
    the page. Right after a login the page carries the request that stores the cookie; it goes
    on a later run, and the boxes stay where they were (a save's confirmation and an over-long
    text's warning keep their places the same way, ui/forms.py)."""
    from sqlmodel import Session, select

    from core.models import AuthSession
    from core.people.auth import _token_hash
    from core.platform.clock import utcnow
    from core.platform.db import make_engine
    from ui.state import COOKIE_PENDING_KEY, TOKEN_KEY

    at = app_as("agent2@example.com")
    at.session_state[COOKIE_PENDING_KEY] = at.session_state[TOKEN_KEY]
    at.switch_page(LEARNING).run()
    before = _place(at.main, _box(at, SHARE, "tags"))
    engine = make_engine(demo_url)
    with Session(engine) as session:  # the browser's request reached the server
        row = session.exec(
            select(AuthSession).where(
                AuthSession.token_hash == _token_hash(at.session_state[TOKEN_KEY])
            )
        ).one()
        row.cookie_set_at = utcnow()
        session.add(row)
        session.commit()
    engine.dispose()
    at.run()
    assert COOKIE_PENDING_KEY not in at.session_state
    assert before is not None and _place(at.main, _box(at, SHARE, "tags")) == before
