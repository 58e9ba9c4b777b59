"""The admin's audit-trail page and the People page's personal-data tab (Streamlit AppTest)."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from core.models import AuditEvent, Person
from core.platform.db import make_engine
from tests.app.conftest import submit, texts

AUDIT, PEOPLE = "pages/audit.py", "pages/admin_people.py"


def _box(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(s for s in at.selectbox if s.label.startswith(label))


def test_the_audit_page_finds_who_read_notes_and_evaluations_and_records_the_search(
    app_as,
) -> None:
    app_as("agent@example.com", "pages/growth.py")  # the agent reads their notes and scores
    at = app_as("admin@example.com", AUDIT)
    assert "press Search" in texts(at)
    _box(at, "Action").select("read")
    at.button[0].click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert set(table["Who"]) == {"Alex Agent"} and set(table["About"]) == {"Alex Agent"}
    # Growth shows the notes and evaluations with their comments and disputes (the demo's Alex
    # has both).
    assert {r.split(" #")[0] for r in table["Record"]} == {
        "coaching note",
        "evaluation",
        "comment",
        "dispute",
    }
    assert f"{len(table)} events, newest first." in texts(at)
    assert len(at.get("download_button")) == 1  # the CSV, made (and recorded) when clicked
    # The search is itself in the trail: search for searches.
    _box(at, "Action").select("Any action")
    _box(at, "Record type").select("audit_trail")
    at.button[0].click().run()
    assert list(at.dataframe[0].value["Detail"]) == [
        "searched: action read, from 2026-10-24",
    ]


def test_an_empty_search_says_what_to_widen(app_as) -> None:
    at = app_as("admin@example.com", AUDIT)
    _box(at, "Action").select("retention_applied")
    at.button[0].click().run()
    assert "No event matches this search: widen the dates" in texts(at)


def test_the_people_page_erases_a_person_after_the_typed_name_and_refuses_a_lead(
    app_as, demo_url: str
) -> None:
    at = app_as("admin@example.com", PEOPLE)
    at.selectbox(key="people_data_pick").select("Lee Lead").run()
    assert "still leads" in texts(at) and "choose another lead for the team first" in texts(at)

    at.selectbox(key="people_data_pick").select("Sam Second").run()
    assert "Erasing is for a person who has left" in texts(at)
    confirm = next(t for t in at.text_input if t.label.startswith("Type the person's name"))
    confirm.input("Sam Secnod")
    at = submit(at, "people_erase_" + _id_of(demo_url, "Sam Second"), "Erase for good")
    assert "Type Sam Second's name exactly as shown to confirm" in texts(at)

    confirm = next(t for t in at.text_input if t.label.startswith("Type the person's name"))
    confirm.input("Sam Second")
    at = submit(at, "people_erase_" + _id_of(demo_url, "Sam Second"), "Erase for good")
    assert not at.exception, at.exception
    assert "Erased: the person is now Former agent #" in texts(at)
    engine = make_engine(demo_url)
    with Session(engine) as session:
        assert not session.exec(select(Person).where(Person.name == "Sam Second")).all()
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "person_erased")).all()
    engine.dispose()


def _id_of(url: str, name: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.name == name)).one()
    engine.dispose()
    return str(person.id)
