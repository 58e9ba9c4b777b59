"""Calibration sessions and fair sampling in the app: the demo's revealed session names its
poorly agreed item; a manager creates a session, a lead scores blind, the manager reveals."""

from __future__ import annotations

from sqlmodel import Session, select

from core.models import CalibrationSession, Person
from core.platform.clock import today
from core.platform.db import make_engine
from core.quality.sampling import default_period
from tests.app.conftest import read, submit, texts

PAGE = "pages/calibration.py"


def _id(url: str, email: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
    engine.dispose()
    return person.id or 0


def test_the_demo_session_shows_every_score_and_names_the_poorly_agreed_item(app_as) -> None:
    at = app_as("manager@example.com", PAGE)
    assert not at.exception
    shown = texts(at)
    assert "How well you agree" in shown
    assert "“Acknowledged the customer's situation”: evaluators agreed within one point on" in shown
    # sentences first; the statistics one click away, alpha with its one-line meaning
    assert list(at.dataframe[1].value.columns) == [
        "Question",
        "How alike the answers were",
        "Worth discussing",
    ]
    assert "Evaluators gave the same answer on" in " ".join(at.dataframe[1].value.iloc[:, 1])
    [how] = [e for e in at.expander if e.label == "How we worked this out"]
    assert "1 = full agreement, 0 = no better than chance, below 0 = systematic disagreement" in (
        " ".join(str(m.value) for m in how.markdown)
    )
    figures = at.dataframe[2].value
    assert "Krippendorff's alpha" in figures.columns
    assert "everyone gave the same answer" in set(figures["Krippendorff's alpha"])
    assert not any("not defined" in str(v) for v in figures["Krippendorff's alpha"])
    assert "Poor agreement" not in shown and "Overall score alpha" not in shown
    assert "Lee Lead" in set(at.dataframe[3].value.columns)  # the first call, side by side


def test_a_session_from_invite_to_reveal_keeps_scores_blind_until_then(
    app_as, demo_url: str
) -> None:
    manager = app_as("manager@example.com", PAGE)
    [title] = [t for t in manager.text_input if t.label == "Title"]
    title.input("Blind test")
    [calls] = [t for t in manager.text_area if t.label.startswith("Interactions")]
    calls.input("CALL-1 https://recordings.example.com/1\nCALL-2 javascript:alert(1)")
    [invite] = manager.multiselect
    invite.select(_id(demo_url, "lead@example.com")).select(_id(demo_url, "manager@example.com"))
    submit(manager, "calib_new", "Create and invite")
    assert any("must be a web address" in e.value for e in manager.error)  # nothing created
    [calls] = [t for t in manager.text_area if t.label.startswith("Interactions")]
    calls.input("CALL-1 https://recordings.example.com/1\nCALL-2")
    submit(manager, "calib_new", "Create and invite")
    assert not manager.exception and not manager.error
    engine = make_engine(demo_url)
    with Session(engine) as session:
        created = session.exec(
            select(CalibrationSession).where(CalibrationSession.title == "Blind test")
        ).one()
    engine.dispose()

    lead = app_as("lead@example.com", PAGE, session=str(created.id))
    assert "Blind test" in texts(lead)
    submit(lead, "calib_score", "Save my score (final)")  # nothing chosen: refused
    assert "has no answer yet" in " ".join(e.value for e in lead.error)
    for radio in lead.radio:  # nothing is chosen for the scorer
        if radio.key and radio.key.startswith("calib_score"):
            assert radio.value is None
            radio.set_value(radio.options[0] if radio.options[0] != "na" else radio.options[1])
    submit(lead, "calib_score", "Save my score (final)")
    assert "Nobody sees it before the reveal" in texts(lead)
    assert "You scored CALL-1" in texts(lead)

    manager = app_as("manager@example.com", PAGE, session=str(created.id))
    shown = texts(manager)
    assert "Lee Lead 1 of 2" in shown and "How well you agree" not in shown
    assert "Scored so far: " in shown
    assert "You scored" not in shown  # the manager sees no one's score
    # not everyone has finished: the reveal names who, and waits for a confirmation
    anyway = manager.checkbox(key=f"calib_reveal_anyway_{created.id}")
    assert anyway.label == "Reveal anyway: nobody can score after the reveal"
    assert [w.value for w in manager.warning if w.value.startswith("Not everyone")] == [
        "Not everyone has scored: Lee Lead has scored 1 of 2 calls; Morgan Manager has scored "
        "0 of 2 calls; after the reveal nobody can score."
    ]
    submit(manager, f"calib_reveal_{created.id}", "Reveal every score")
    assert "Confirm to reveal anyway" in " ".join(e.value for e in manager.error)
    assert "How well you agree" not in texts(manager)
    manager.checkbox(key=f"calib_reveal_anyway_{created.id}").check()
    submit(manager, f"calib_reveal_{created.id}", "Reveal every score")
    assert "How well you agree" in texts(manager)
    shown = texts(manager)
    assert "Scored so far" not in shown
    assert "Scored before the reveal (final: nobody can score any more): Lee Lead 1 of 2" in shown
    assert "Revealed 1 score: every score is side by side below." in texts(manager)
    assert manager.selectbox(key="calib_session").value == created.id


def test_a_new_session_is_shown_at_once_and_a_reveal_at_once(app_as, demo_url: str) -> None:
    """The picker keeps its choice across reruns: after Create the new session is the one
    chosen and shown (not the one chosen before), and after Reveal the revealed view shows in
    the same run, with the reveal's confirmation."""
    manager = app_as("manager@example.com", PAGE)
    before = manager.selectbox(key="calib_session").value
    [title] = [t for t in manager.text_input if t.label == "Title"]
    title.input("Shown at once")
    [calls] = [t for t in manager.text_area if t.label.startswith("Interactions")]
    calls.input("CALL-5\nCALL-6")
    [invite] = manager.multiselect
    invite.select(_id(demo_url, "lead@example.com")).select(_id(demo_url, "manager@example.com"))
    submit(manager, "calib_new", "Create and invite")
    engine = make_engine(demo_url)
    with Session(engine) as session:
        created = session.exec(
            select(CalibrationSession.id).where(CalibrationSession.title == "Shown at once")
        ).one()
    engine.dispose()
    assert created != before
    assert manager.selectbox(key="calib_session").value == created
    assert manager.query_params["session"] == str(created)
    shown = texts(manager)
    assert "Shown at once" in [s.value for s in manager.subheader]
    assert "Created: the evaluators are invited" in shown
    manager.run()  # and it stays chosen on the next rerun
    assert manager.selectbox(key="calib_session").value == created

    lead = app_as("lead@example.com", PAGE, session=str(created))
    for radio in lead.radio:
        if radio.key and radio.key.startswith("calib_score"):
            radio.set_value(radio.options[0] if radio.options[0] != "na" else radio.options[1])
    submit(lead, "calib_score", "Save my score (final)")
    manager.run()
    manager.checkbox(key=f"calib_reveal_anyway_{created}").check()
    submit(manager, f"calib_reveal_{created}", "Reveal every score")
    assert manager.selectbox(key="calib_session").value == created
    assert "How well you agree" in texts(manager)
    label = manager.selectbox(key="calib_session").options[0]
    assert label.startswith("Shown at once — revealed"), label


def test_a_lead_is_told_in_one_line_that_a_manager_creates_sessions(app_as) -> None:
    lead = app_as("lead@example.com", PAGE)
    assert not lead.exception
    assert not [e for e in lead.expander if e.label == "New calibration session"]
    lines = [
        read(m.value) for m in lead.markdown if "A manager creates calibration sessions" in m.value
    ]
    assert lines == [
        "A manager creates calibration sessions and invites evaluators; you find the ones you "
        "are invited to here and in your inbox."
    ]
    assert lead.selectbox(key="calib_session").options  # said although sessions exist
    manager = app_as("manager@example.com", PAGE)
    assert "A manager creates calibration sessions" not in texts(manager)


def _draw_number(at):  # type: ignore[no-untyped-def]
    [box] = [n for n in at.number_input if n.label.startswith("Draw number")]
    return box


def test_a_lead_draws_a_fair_sample_with_a_draw_number_that_stays_for_the_period(app_as) -> None:
    at = app_as("lead@example.com", "pages/sampling.py")
    assert not at.exception
    start, end = default_period(today())
    [period] = at.date_input
    assert tuple(period.value) == (start, end)  # this month so far, said on the page
    assert "The period starts as this month so far" in texts(at)
    number = _draw_number(at)
    assert number.label == "Draw number — the same number gives the same draw"
    assert number.value == int(f"{start:%Y%m%d}")
    assert "seed" not in texts(at).lower()
    first = at.dataframe[0].value
    again = app_as("lead@example.com", "pages/sampling.py")  # reopened: the same draw
    assert _draw_number(again).value == number.value
    assert again.dataframe[0].value.equals(first)

    _draw_number(at).set_value(1234).run()
    shown = texts(at)
    assert "Draw number 1234:" in shown
    frame = at.dataframe[0].value
    assert not frame.equals(first)
    counts = frame["Agent"].value_counts()
    assert set(counts) == {4}
    # the demo's evaluations have channels: each draw names one (never an empty column)
    assert set(frame["Channel"]) <= {"phone", "chat", "email", "any channel"}
    assert {"phone", "chat"} <= set(frame["Channel"])
