"""Customer voice: capture, grouping, merging, themes carried and answered, who is told, and the
contact-volume import — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.models import (
    Assignment,
    AssignmentStatus,
    ContactReason,
    ContactVolume,
    Department,
    Insight,
    InsightContact,
    InsightKind,
    Notification,
    NotificationKind,
    Person,
    Team,
    Term,
    Theme,
    ThemeEvent,
    ThemeStatus,
)
from core.people.access import Actor
from core.platform.config import get_settings
from core.platform.errors import AccessDenied, InvalidInput, StaleEdit
from core.voice import insights, reads, reasons, scoreboard, themes, volumes
from tests.conftest import TODAY, actor_of, make_person

Org = dict[str, Person | Team]


def _actor(session: Session, org: Org, who: str) -> Actor:
    person = org[who]
    assert isinstance(person, Person)
    return actor_of(session, person)


@pytest.fixture
def voice(session: Session, org: Org) -> dict[str, int]:
    """Billing (host: a blue agent with an account) with a red agent as this term's ambassador,
    Sales without one; two reasons."""
    admin = _actor(session, org, "admin")
    host = make_person(session, team=org["blue"])  # type: ignore[arg-type]
    billing = Department(name="Billing", host_contact_name=host.name, host_contact_email=host.email)
    sales = Department(name="Sales")
    session.add_all([billing, sales])
    term = Term(name="2026-Q4", start=dt.date(2026, 10, 5), end=dt.date(2026, 12, 18))
    session.add(term)
    session.flush()
    ambassador = org["red_agent2"]
    session.add(
        Assignment(
            term_id=term.id,
            person_id=ambassador.id,
            department_id=billing.id,
            status=AssignmentStatus.PUBLISHED,
        )
    )
    refund = reasons.add_reason(session, actor=admin, name="Refund status")
    login = reasons.add_reason(session, actor=admin, name="Login problems")
    session.flush()
    return {
        "billing": billing.id or 0,
        "sales": sales.id or 0,
        "refund": refund.id,
        "login": login.id,
        "host": host.id or 0,
    }


def _log(session: Session, who: Actor, v: dict[str, int], text: str, **kw: object) -> int:
    data = insights.InsightInput(
        text,
        kw.get("reason", v["refund"]),
        kw.get("department", v["billing"]),  # type: ignore[arg-type]
    )
    return insights.log_insight(session, actor=who, data=data).id


def test_an_insight_is_saved_with_customer_personal_data_masked_and_the_agent_told(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    agent = _actor(session, org, "red_agent")
    logged = insights.log_insight(
        session,
        actor=agent,
        data=insights.InsightInput(
            "Wants the refund status; call back on 07700 900123 or jo@example.com",
            voice["refund"],
            voice["billing"],
            InsightKind.QUESTION,
            "C-1234",
        ),
    )
    insight = session.get(Insight, logged.id)
    assert insight is not None
    assert insight.text == "Wants the refund status; call back on [phone] or [e-mail]"
    assert insight.contact_ref == "C-1234"
    assert "an e-mail address and a phone number" in logged.masked
    assert session.exec(select(InsightContact).where(InsightContact.insight_id == logged.id)).one()


@pytest.mark.parametrize(
    ("text", "reason", "department", "says"),
    [
        ("   ", "refund", "billing", "Write what the customer wanted"),
        ("Refund late", None, "billing", "Choose a contact reason"),
        ("Refund late", "refund", None, "Choose the department"),
    ],
)
def test_bad_insights_get_one_sentence_and_save_nothing(
    session: Session,
    org: Org,
    voice: dict[str, int],
    text: str,
    reason: str | None,
    department: str | None,
    says: str,
) -> None:
    agent = _actor(session, org, "red_agent")
    data = insights.InsightInput(
        text, voice[reason] if reason else 9999, voice[department] if department else None
    )
    with pytest.raises(InvalidInput, match=says):
        insights.log_insight(session, actor=agent, data=data)
    assert session.exec(select(Insight)).all() == []


def test_a_proposed_reason_waits_for_the_lead_and_cannot_be_chosen_until_accepted(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    agent, lead = _actor(session, org, "red_agent"), _actor(session, org, "red_lead")
    proposed = reasons.propose_reason(session, actor=agent, name="Parcel   lost")
    assert proposed.name == "Parcel lost"
    told = session.exec(
        select(Notification).where(Notification.kind == NotificationKind.VOICE_REASON)
    ).one()
    assert told.person_id == lead.id
    with pytest.raises(InvalidInput, match="Choose a contact reason"):
        _log(session, agent, voice, "Where is my parcel", reason=proposed.id)
    with pytest.raises(AccessDenied):
        reasons.decide_reason(session, actor=agent, reason_id=proposed.id, accept=True)
    reasons.decide_reason(session, actor=lead, reason_id=proposed.id, accept=True)
    assert _log(session, agent, voice, "Where is my parcel", reason=proposed.id)


def test_a_click_too_many_on_i_heard_this_too_is_taken_back_and_nothing_else_is(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    red, red2 = (_actor(session, org, w) for w in ("red_agent", "red_agent2"))
    first = _log(session, red, voice, "Cannot see where my refund is")
    with pytest.raises(InvalidInput, match="no “I heard this too” counted today"):
        insights.take_back(session, actor=red, insight_id=first)  # the author's logging stays
    with pytest.raises(InvalidInput, match="no “I heard this too” counted today"):
        insights.take_back(session, actor=red2, insight_id=first)  # nothing of theirs on it
    insights.hear_too(session, actor=red2, insight_id=first)
    assert insights.hear_too(session, actor=red2, insight_id=first) == 3  # a double click
    assert insights.take_back(session, actor=red2, insight_id=first) == 2
    insight = session.get(Insight, first)
    assert insight is not None and (insight.contacts, insight.agents) == (2, 2)
    assert insights.take_back(session, actor=red2, insight_id=first) == 1
    assert (insight.contacts, insight.agents) == (1, 1)
    with pytest.raises(InvalidInput):
        insights.take_back(session, actor=red2, insight_id=first)
    # The author's own second contact can be taken back; their logging cannot.
    assert insights.hear_too(session, actor=red, insight_id=first) == 2
    assert insights.take_back(session, actor=red, insight_id=first) == 1
    with pytest.raises(InvalidInput):
        insights.take_back(session, actor=red, insight_id=first)


def test_yesterdays_i_heard_this_too_is_not_taken_back(
    session: Session, org: Org, voice: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    red, red2 = (_actor(session, org, w) for w in ("red_agent", "red_agent2"))
    first = _log(session, red, voice, "Cannot see where my refund is")
    insights.hear_too(session, actor=red2, insight_id=first)
    monkeypatch.setenv("HEADWAY_TODAY", (TODAY + dt.timedelta(days=1)).isoformat())
    monkeypatch.setenv("HEADWAY_NOW", f"{TODAY + dt.timedelta(days=1)}T09:00")
    get_settings.cache_clear()
    with pytest.raises(InvalidInput, match="counted today"):
        insights.take_back(session, actor=red2, insight_id=first)


def test_hearing_it_too_counts_a_contact_and_the_lead_sees_contacts_and_agents_not_names(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    red, red2, blue = (_actor(session, org, w) for w in ("red_agent", "red_agent2", "blue_agent"))
    first = _log(session, red, voice, "Cannot see where my refund is")
    similar = reads.similar_insights(session, actor=red2, reason_id=voice["refund"])
    assert [s.id for s in similar] == [first] and not similar[0].mine
    assert insights.hear_too(session, actor=red2, insight_id=first) == 2
    insights.hear_too(session, actor=red2, insight_id=first)
    _log(session, blue, voice, "Refund not arrived after two weeks")
    lead = _actor(session, org, "red_lead")
    overview = reads.insight_overview(session, actor=lead)
    assert [(i.id, i.contacts, i.agents) for i in overview.insights] == [(first, 3, 2)]
    assert [(g.reason, g.department, g.contacts) for g in overview.groups] == [
        ("Refund status", "Billing", 3)
    ]
    manager = _actor(session, org, "manager")
    everyone = reads.insight_overview(session, actor=manager, order="most heard")
    assert [i.contacts for i in everyone.insights] == [3, 1]
    assert sum(n for _, n in everyone.weekly) == 4
    found = reads.insight_overview(session, actor=manager, words="arrived weeks")
    assert [i.text for i in found.insights] == ["Refund not arrived after two weeks"]
    with pytest.raises(AccessDenied):
        reads.insight_overview(session, actor=red)
    with pytest.raises(AccessDenied):
        reads.insight_overview(session, actor=_actor(session, org, "admin"))


def test_merging_two_insights_adds_their_counts_and_loses_nothing(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    red, blue = _actor(session, org, "red_agent"), _actor(session, org, "blue_agent")
    keep = _log(session, red, voice, "Refund status not shown in the app")
    merge = _log(session, blue, voice, "App does not show refund progress")
    insights.hear_too(session, actor=red, insight_id=merge)
    manager = _actor(session, org, "manager")
    assert (
        insights.merge_insights(
            session, actor=manager, keep_id=keep, merge_id=merge, keep_version=1, merge_version=1
        )
        == 3
    )
    merged = session.get(Insight, merge)
    assert merged is not None and merged.merged_into_id == keep
    assert merged.text == "App does not show refund progress"
    [row] = reads.insight_overview(session, actor=manager).insights
    assert (row.id, row.contacts, row.agents) == (keep, 3, 2)
    with pytest.raises(StaleEdit):
        insights.merge_insights(
            session, actor=manager, keep_id=keep, merge_id=merge, keep_version=1, merge_version=2
        )
    # "I heard this too" on the merged one lands on the one it was merged into
    assert insights.hear_too(session, actor=blue, insight_id=merge) == 4


def test_insights_about_different_reasons_or_departments_are_never_merged(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    red, blue = _actor(session, org, "red_agent"), _actor(session, org, "blue_agent")
    refund = _log(session, red, voice, "Refund status not shown in the app")
    login = _log(session, blue, voice, "Cannot log in after the update", reason=voice["login"])
    sales = _log(session, blue, voice, "Refund promised by sales", department=voice["sales"])
    manager = _actor(session, org, "manager")
    for other, says in ((login, "Login problems · Billing"), (sales, "Refund status · Sales")):
        with pytest.raises(InvalidInput) as refused:
            insights.merge_insights(
                session,
                actor=manager,
                keep_id=refund,
                merge_id=other,
                keep_version=1,
                merge_version=1,
            )
        assert f"#{refund} (Refund status · Billing)" in str(refused.value)
        assert f"#{other} ({says})" in str(refused.value)
        assert session.get(Insight, other).merged_into_id is None  # type: ignore[union-attr]
    rows = reads.insight_overview(session, actor=manager).insights
    assert sorted(r.contacts for r in rows) == [1, 1, 1]


def _theme(session: Session, org: Org, voice: dict[str, int]) -> tuple[int, int]:
    red, red2 = _actor(session, org, "red_agent"), _actor(session, org, "red_agent2")
    first = _log(session, red, voice, "Customers cannot see their refund status")
    insights.hear_too(session, actor=_actor(session, org, "blue_agent"), insight_id=first)
    lead = _actor(session, org, "red_lead")
    theme = insights.promote_to_theme(
        session, actor=lead, insight_id=first, title="Refund status not visible", expected_version=1
    )
    del red2
    return first, theme


def test_the_ambassador_takes_a_theme_and_records_changed_and_everyone_who_heard_it_is_told(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    _, theme_id = _theme(session, org, voice)
    ambassador = _actor(session, org, "red_agent2")
    announced = session.exec(
        select(Notification).where(Notification.kind == NotificationKind.VOICE_THEME)
    ).all()
    assert {n.person_id for n in announced} == {ambassador.id, voice["host"]}
    [carried] = themes.themes_to_carry(session, actor=ambassador)
    assert carried.may_take and not carried.may_answer
    with pytest.raises(AccessDenied):
        themes.take_theme(
            session, actor=_actor(session, org, "red_lead"), theme_id=theme_id, expected_version=1
        )
    said = themes.take_theme(session, actor=ambassador, theme_id=theme_id, expected_version=1)
    assert said == f"Taken to Billing on 23 November 2026 by {ambassador.name}."
    said = themes.answer_theme(
        session,
        actor=ambassador,
        theme_id=theme_id,
        answer=ThemeStatus.CHANGED,
        words="The refund tracker now shows each step",
        day=TODAY,
        expected_version=2,
    )
    assert said == (
        "Billing changed it, in effect from 23 November 2026: "
        "“The refund tracker now shows each step”"
    )
    told = session.exec(
        select(Notification).where(Notification.kind == NotificationKind.VOICE_OUTCOME)
    ).all()
    red, blue = org["red_agent"], org["blue_agent"]
    assert sorted((n.person_id, n.title.split("— ")[1]) for n in told) == sorted(
        [(red.id, "taken"), (blue.id, "taken"), (red.id, "changed"), (blue.id, "changed")]
    )
    [mine] = reads.my_insights(session, actor=_actor(session, org, "blue_agent"))
    assert mine.theme_status is ThemeStatus.CHANGED and "refund tracker" in mine.outcome
    history = themes.theme_history(
        session, actor=_actor(session, org, "red_agent"), theme_id=theme_id
    )
    assert [(e.step.value, e.by) for e in history] == [
        ("created", org["red_lead"].name),  # type: ignore[union-attr]
        ("taken", ambassador.name),
        ("answered", ambassador.name),
    ]


def test_answers_follow_the_rules_and_a_closed_theme_keeps_its_answer(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    _, theme_id = _theme(session, org, voice)
    ambassador = _actor(session, org, "red_agent2")
    host = actor_of(session, session.get(Person, voice["host"]))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Take “Refund status not visible” to Billing first"):
        themes.answer_theme(
            session,
            actor=ambassador,
            theme_id=theme_id,
            answer=ThemeStatus.WONT_CHANGE,
            words="No",
            expected_version=1,
        )
    themes.take_theme(session, actor=ambassador, theme_id=theme_id, expected_version=1)
    with pytest.raises(InvalidInput, match="before “Refund status not visible” became a theme"):
        themes.answer_theme(
            session,
            actor=host,
            theme_id=theme_id,
            answer=ThemeStatus.CHANGED,
            words="Done",
            day=TODAY - dt.timedelta(days=10),
            expected_version=2,
        )
    with pytest.raises(InvalidInput, match="Say by when"):
        themes.answer_theme(
            session,
            actor=host,
            theme_id=theme_id,
            answer=ThemeStatus.WILL_CHANGE,
            words="Tracker",
            expected_version=2,
        )
    themes.answer_theme(
        session,
        actor=host,
        theme_id=theme_id,
        answer=ThemeStatus.WILL_CHANGE,
        words="A tracker in the app",
        day=TODAY + dt.timedelta(days=30),
        expected_version=2,
    )
    with pytest.raises(StaleEdit):
        themes.answer_theme(
            session,
            actor=ambassador,
            theme_id=theme_id,
            answer=ThemeStatus.WONT_CHANGE,
            words="Budget",
            expected_version=2,
        )
    themes.answer_theme(
        session,
        actor=ambassador,
        theme_id=theme_id,
        answer=ThemeStatus.WONT_CHANGE,
        words="No budget this year",
        expected_version=3,
    )
    with pytest.raises(InvalidInput, match="is closed"):
        themes.answer_theme(
            session,
            actor=host,
            theme_id=theme_id,
            answer=ThemeStatus.CHANGED,
            words="Done",
            day=TODAY,
            expected_version=4,
        )
    events = session.exec(select(ThemeEvent).where(ThemeEvent.theme_id == theme_id)).all()
    assert [e.words for e in events if e.words] == ["A tracker in the app", "No budget this year"]
    theme = session.get(Theme, theme_id)
    assert theme is not None and theme.status is ThemeStatus.WONT_CHANGE


def test_a_lead_carries_a_theme_where_no_ambassador_is_placed(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    agent, lead = _actor(session, org, "red_agent"), _actor(session, org, "red_lead")
    first = _log(session, agent, voice, "Sales call back too late", department=voice["sales"])
    theme_id = insights.promote_to_theme(
        session, actor=lead, insight_id=first, title="Slow sales call-backs", expected_version=1
    )
    assert [t.id for t in themes.themes_to_carry(session, actor=lead)] == [theme_id]
    assert themes.themes_to_carry(session, actor=_actor(session, org, "red_agent2")) == []
    themes.take_theme(session, actor=lead, theme_id=theme_id, expected_version=1)


def test_contact_volumes_import_all_or_nothing_and_twice_adds_nothing(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    lead = _actor(session, org, "red_lead")
    good = b"date,reason,contacts,queue\n2026-11-02,Refund status,40,web\n2026-11-02,login problems,12,web\n"
    done = volumes.import_contacts(session, data=good, actor=lead)
    assert (done.added, done.already_present, done.ignored_columns) == (2, 0, ["queue"])
    again = volumes.import_contacts(session, data=good, actor=lead)
    assert (again.added, again.already_present) == (0, 2)
    bad = (
        b"date,reason,contacts\n2026-11-03,Refund status,-4\n2026-11-03,Parcels,3\n"
        b"2026-11-02,Refund status,41\n2026-11-04,Refund status,5\n"
    )
    with pytest.raises(InvalidInput) as refused:
        volumes.import_contacts(session, data=bad, actor=lead)
    assert refused.value.problems == [
        "line 2: contacts -4 is negative (a day's count is 0 or more)",
        "line 3: unknown reason 'Parcels' (an admin adds it to the contact reasons first)",
        "line 4: 2026-11-02 already has 40 contacts for this reason, not 41 (stored figures are "
        "not overwritten)",
    ]
    assert len(session.exec(select(ContactVolume)).all()) == 2
    with pytest.raises(AccessDenied):
        volumes.import_contacts(session, data=good, actor=_actor(session, org, "red_agent"))
    assert volumes.daily_contacts(session)["Refund status"] == {dt.date(2026, 11, 2): 40}


def test_personal_data_export_and_erasure_cover_insights(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    import io
    import json
    import zipfile

    from core.people import data_export, personal_data

    agent = _actor(session, org, "red_agent")
    alone = insights.log_insight(
        session,
        actor=agent,
        data=insights.InsightInput(
            "Only I heard this", voice["refund"], voice["billing"], contact_ref="C-9"
        ),
    ).id
    shared = _log(session, agent, voice, "Others heard this too")
    insights.hear_too(session, actor=_actor(session, org, "blue_agent"), insight_id=shared)
    admin = _actor(session, org, "admin")
    archive = zipfile.ZipFile(
        io.BytesIO(data_export.export_person(session, actor=admin, person_id=agent.id))
    )
    exported = json.loads(archive.read("customer_voice.json"))
    assert {i["text"] for i in exported["insights_logged"]} == {
        "Only I heard this",
        "Others heard this too",
    }
    assert len(exported["contacts_counted"]) == 2
    person = session.get(Person, agent.id)
    assert person is not None
    personal_data.erase_person(session, actor=admin, person_id=agent.id, confirm_name=person.name)
    kept = {i.id: (i.text, i.contact_ref) for i in session.exec(select(Insight)).all()}
    assert kept == {alone: ("(removed)", ""), shared: ("Others heard this too", "")}


def test_the_command_line_imports_contact_volumes_all_or_nothing(
    committed_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.cli import main
    from core.platform.db import make_engine

    engine = make_engine(committed_url)
    with Session(engine) as session:
        session.add(ContactReason(name="Refund status"))
        session.commit()
    good = tmp_path / "contacts.csv"
    good.write_text("date,reason,contacts,queue\n2026-11-02,Refund status,40,web\n")
    assert main(["import", "contacts", str(good)]) == 0
    assert "added 1, already present 0" in capsys.readouterr().out
    assert main(["import", "contacts", str(good)]) == 0
    assert "added 0, already present 1" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("date,reason,contacts\n2026-11-03,Refund status,-1\n")
    assert main(["import", "contacts", str(bad)]) == 1
    assert "line 2: contacts -1 is negative" in capsys.readouterr().err
    with Session(engine) as session:
        assert len(session.exec(select(ContactVolume)).all()) == 1
    engine.dispose()


def test_a_changed_theme_reads_its_planted_effect_in_plain_words_and_on_the_scoreboard(
    session: Session, org: Org, voice: dict[str, int]
) -> None:
    import numpy as np

    from core.voice import impact

    _, theme_id = _theme(session, org, voice)
    theme = session.get(Theme, theme_id)
    assert theme is not None
    theme.created_on = TODAY - dt.timedelta(days=200)  # made a theme months ago
    session.add(theme)
    ambassador = _actor(session, org, "red_agent2")
    themes.take_theme(session, actor=ambassador, theme_id=theme_id, expected_version=1)
    change = TODAY - dt.timedelta(days=91)
    themes.answer_theme(
        session,
        actor=ambassador,
        theme_id=theme_id,
        answer=ThemeStatus.CHANGED,
        words="A refund tracker",
        day=change,
        expected_version=2,
    )
    admin = _actor(session, org, "admin")
    others = [reasons.add_reason(session, actor=admin, name=f"Other {n}").id for n in range(4)]
    rng = np.random.default_rng(3)
    for d in range(365):
        day = TODAY - dt.timedelta(days=364 - d)
        shared = (1.2 if day.weekday() < 5 else 0.5) * (1.4 if 150 < d < 160 else 1.0)
        for reason in [voice["refund"], voice["login"], *others]:
            planted = 0.7 if reason == voice["refund"] and day >= change else 1.0
            count = int(rng.poisson(60 * shared * planted))
            session.add(ContactVolume(reason_id=reason, day=day, contacts=count))
    session.flush()
    manager = _actor(session, org, "manager")
    measured = impact.theme_effect(session, actor=manager, theme_id=theme_id)
    assert measured.effect.verdict == "fewer"
    assert measured.effect.low_pct is not None and measured.effect.high_pct is not None
    assert measured.effect.low_pct <= -30 <= measured.effect.high_pct
    assert measured.sentence.startswith("about ")
    assert "fewer contacts about refund status since" in measured.sentence
    assert measured.weekly and measured.weekly[-1].expected is not None
    assert measured.case is not None and measured.case.contacts_low > 0
    [row] = scoreboard.voice_scoreboard(
        session, actor=manager, avoided=impact.contacts_avoided(session)
    )
    assert (row.department, row.carried, row.answered, row.changed) == ("Billing", 1, 1, 1)
    assert row.contacts_avoided == pytest.approx(measured.case.contacts)
    with pytest.raises(InvalidInput, match="has no change to measure yet"):
        other = _log(session, _actor(session, org, "red_agent"), voice, "Another one")
        open_theme = insights.promote_to_theme(
            session, actor=manager, insight_id=other, title="Other", expected_version=1
        )
        impact.theme_effect(session, actor=manager, theme_id=open_theme)


def test_a_department_whose_changes_showed_no_clear_effect_reads_so_not_zero() -> None:
    def row(avoided: float | None) -> tuple[object, ...]:
        return scoreboard.DepartmentScore(3, "Engineering", 1, 0, 0, 1, 1, 12.0, avoided).row()

    assert row(None)[-1] == ""  # nothing measured yet
    assert row(0.0)[-1] == "no clear change"
    assert row(0.4)[-1] == "no clear change"
    assert row(212.6)[-1] == 213
