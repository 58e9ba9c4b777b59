"""Characters people paste that are not what they seem: a NUL is refused with a sentence on both
databases (a form) and by its line (an import), never stored on SQLite and never a crash on
PostgreSQL; e-mail subjects drop bidirectional controls; tables offer no raw CSV of their own."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from streamlit import config as streamlit_config

from core.models import Notification, NotificationKind, Person, Role
from core.notify.mailer import compose, header_text
from core.people.org import PersonInput, create_person
from core.people.people_import import import_people
from core.platform.config import Settings
from core.platform.errors import InvalidInput
from tests.conftest import actor_of

ROOT = Path(__file__).resolve().parents[2]


def test_a_nul_typed_into_a_form_is_refused_in_one_sentence_and_nothing_is_stored(
    session: Session, org: dict
) -> None:
    before = session.exec(select(func.count()).select_from(Person)).one()
    with pytest.raises(InvalidInput) as refusal, session.begin_nested():
        create_person(
            session,
            actor=actor_of(session, org["admin"]),
            data=PersonInput("Ana\x00 Silva", "ana.nul@example.com", Role.AGENT, org["red"].id),
        )
    assert str(refusal.value) == (
        "“Name” holds a NUL character (an invisible control character, often pasted from another "
        "program), which cannot be stored: remove it and try again."
    )
    assert session.exec(select(func.count()).select_from(Person)).one() == before


def test_a_nul_in_an_imported_file_names_its_line_and_nothing_is_imported(
    session: Session, org: dict
) -> None:
    before = session.exec(select(func.count()).select_from(Person)).one()
    data = (
        b"name,email,role,team\n"
        b"Ana Silva,ana@example.com,agent,Red\n"
        b"Bo\x00 Li,bo@example.com,agent,Red\n"
    )
    with pytest.raises(InvalidInput) as refusal:
        import_people(session, actor=actor_of(session, org["admin"]), data=data)
    assert refusal.value.problems == [
        "line 3: the “name” field holds a NUL character (an invisible control character, often "
        "left by another program), which cannot be stored: remove it and try again"
    ]
    assert session.exec(select(func.count()).select_from(Person)).one() == before


def test_an_e_mail_subject_keeps_no_right_to_left_override_or_other_bidi_control() -> None:
    title = "Invoice \u202eexe.fdp\u202c from \u2067Ana\u2069 \u200fok\u200e"
    assert header_text(title) == "Invoice exe.fdp from Ana ok"
    note = Notification(
        person_id=1,
        recipient_email="ana@example.com",
        kind=NotificationKind.COMMENT,
        subject="comment:1",
        due_date=dt.date(2026, 12, 7),
        title=title,
        body="",
        link="growth",
    )
    message = compose(note, Settings(HEADWAY_BASE_URL="https://headway.example.org"))
    assert not any(ch in str(message["Subject"]) for ch in "\u202e\u202c\u2067\u2069\u200f\u200e")


def test_tables_offer_no_csv_download_or_copy_of_their_own() -> None:
    """Streamlit's table toolbar writes cells raw (=HYPERLINK(…) stays a formula); Headway's
    own downloads go through core/platform/csvio.py, so the toolbar's export is switched off."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["disableDataExport"] is True
    assert streamlit_config.get_option("client.disableDataExport") in (True, False)  # known option
