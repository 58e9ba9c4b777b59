"""The 1:1 sign-off on the Growth page as the agent reads it: "We agreed on:" once, whoever signed
in the order they signed ("you" for the reader), and the confirmation of the second signature."""

from __future__ import annotations

from sqlmodel import Session, select

from core.coaching.conversation import propose_agreement
from core.coaching.notes import NoteInput, write_note
from core.models import Person
from core.people.access import load_actor
from core.platform.db import make_engine
from tests.app.conftest import submit, texts


def _proposed_by_the_lead(url: str, text: str) -> tuple[int, int]:
    """A note on Alex by Lee Lead, and Lee's signed proposal of what they agreed on."""
    engine = make_engine(url)
    with Session(engine) as session:
        people = {
            p.email: p
            for p in session.exec(
                select(Person).where(
                    Person.email.in_(["lead@example.com", "agent@example.com"])  # type: ignore[attr-defined]
                )
            ).all()
        }
        lead = load_actor(session, people["lead@example.com"].id or 0)
        note = write_note(
            session,
            actor=lead,
            agent_id=people["agent@example.com"].id or 0,
            data=NoteInput(focus_metric="fcr", to_try="Recap before closing"),
        )
        agreement = propose_agreement(session, actor=lead, note_id=note, text=text)
        session.commit()
    engine.dispose()
    return note, agreement.id


def test_the_agent_signs_a_1_1_and_reads_it_signed_by_both(app_as, demo_url: str) -> None:
    _, agreement = _proposed_by_the_lead(demo_url, "We agreed on: a recap on every call")
    at = app_as("agent@example.com", "pages/growth.py")
    assert not at.exception
    shown = texts(at)
    assert "We agreed on: a recap on every call" in shown
    assert "We agreed on: We agreed on" not in shown
    submit(at, f"sign_{agreement}", "Sign: we agreed on this")
    shown = texts(at)
    assert "Signed: this 1:1 is signed off by both of you." in shown
    [line] = [m.value for m in at.markdown if m.value.startswith("Signed by Lee Lead on")]
    assert line.endswith(".") and " and you on " in line, line
