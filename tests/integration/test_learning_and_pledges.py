"""Learning shares (search, visibility, kudos, hiding) and pledges (signatures, mind checks,
privacy of check-in notes), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from core.learning.pledges import (
    TEMPLATES,
    CheckRead,
    check_day,
    check_in,
    check_ins,
    draft_pledge,
    mentor_choices,
    participation,
    pledge_today,
    sign,
    streak,
)
from core.learning.shares import (
    ShareInput,
    delete_share,
    edit_share,
    hide_share,
    pd_day_to_link,
    pd_day_to_share,
    search_shares,
    toggle_kudos,
    write_share,
)
from core.models import MindAnswer, PdDay, PledgeStatus, Visibility
from core.platform.calendar import WorkCalendar, organisation_calendar
from core.platform.config import get_settings
from core.platform.errors import AccessDenied, InvalidInput
from tests.conftest import TODAY, actor_of

LAST_WEEK = TODAY - dt.timedelta(days=7)


def share(
    session: Session, who, title: str, learned: str, visibility: Visibility = Visibility.TEAM
) -> int:
    return write_share(
        session,
        actor=who,
        data=ShareInput(title, learned=learned, tags=("billing",), visibility=visibility),
    )


def test_search_stems_words_and_needs_every_word(session: Session, org: dict) -> None:
    me = actor_of(session, org["red_agent"])
    share(session, me, "Escalations", "Calm escalations by summarising the refund policy first")
    share(session, me, "Chat openers", "Shorter openings improved chat satisfaction")
    titles = lambda words: [s.title for s in search_shares(session, actor=me, words=words).shares]  # noqa: E731
    assert titles("escalation") == ["Escalations"]  # stemming: escalation ~ escalations
    assert titles("refund summarised") == ["Escalations"]  # every word, stemmed
    assert titles("refund chat") == []
    assert titles('"); DROP TABLE person; --') == []  # user text is never query syntax


def test_team_shares_stay_in_the_team_and_organisation_shares_reach_everyone(
    session: Session, org: dict
) -> None:
    author = actor_of(session, org["red_agent"])
    share(session, author, "Team tip", "Use the macro for refunds")
    share(session, author, "Org tip", "Use the macro for refunds", Visibility.ORGANISATION)

    def seen(who: str) -> set[str]:
        return {
            s.title
            for s in search_shares(session, actor=actor_of(session, org[who]), words="macro").shares
        }

    assert seen("red_agent2") == {"Team tip", "Org tip"}
    assert seen("blue_agent") == {"Org tip"}
    assert seen("manager") == {"Team tip", "Org tip"}


def test_kudos_is_one_per_reader_and_a_second_click_takes_it_back(
    session: Session, org: dict
) -> None:
    share_id = share(
        session,
        actor_of(session, org["red_agent"]),
        "Tip",
        "Something useful",
        Visibility.ORGANISATION,
    )
    reader = actor_of(session, org["blue_agent"])
    assert toggle_kudos(session, actor=reader, share_id=share_id) is True
    assert search_shares(session, actor=reader).shares[0].kudos == 1
    assert toggle_kudos(session, actor=reader, share_id=share_id) is False
    assert search_shares(session, actor=reader).shares[0].kudos == 0
    with pytest.raises(AccessDenied, match="other people"):
        toggle_kudos(session, actor=actor_of(session, org["red_agent"]), share_id=share_id)


def test_only_the_author_edits_or_deletes_and_the_lead_hides_with_a_reason(
    session: Session, org: dict
) -> None:
    author = actor_of(session, org["red_agent"])
    share_id = share(session, author, "Tip", "<script>alert(1)</script>")
    with pytest.raises(AccessDenied):
        edit_share(
            session,
            actor=actor_of(session, org["red_agent2"]),
            share_id=share_id,
            data=ShareInput("x", learned="y"),
        )
    with pytest.raises(AccessDenied):
        hide_share(
            session, actor=actor_of(session, org["blue_lead"]), share_id=share_id, reason="no"
        )
    hide_share(
        session,
        actor=actor_of(session, org["red_lead"]),
        share_id=share_id,
        reason="Contains a customer's name",
    )
    assert search_shares(session, actor=actor_of(session, org["red_agent2"])).shares == []
    [mine] = search_shares(session, actor=author).shares
    assert (
        mine.hidden_reason == "Contains a customer's name"
        and mine.learned == "<script>alert(1)</script>"
    )
    delete_share(session, actor=author, share_id=share_id)
    assert search_shares(session, actor=author).total == 0


def test_an_empty_share_or_an_over_long_title_is_refused(session: Session, org: dict) -> None:
    me = actor_of(session, org["red_agent"])
    with pytest.raises(InvalidInput, match="at least one of"):
        write_share(session, actor=me, data=ShareInput("Title only"))
    with pytest.raises(InvalidInput) as refused:
        write_share(session, actor=me, data=ShareInput("x" * 121, learned="y"))
    assert str(refused.value) == "“Title” is 121 characters; the limit is 120 — shorten it by 1."


def test_a_pledge_is_active_only_once_both_signed_and_then_takes_one_check_in_a_day(
    session: Session, org: dict
) -> None:
    agent, mentor = actor_of(session, org["red_agent"]), actor_of(session, org["blue_agent"])
    pledge_id = draft_pledge(
        session,
        actor=agent,
        mentor_id=mentor.id,
        commitments=list(TEMPLATES[:2]),
        start_date=LAST_WEEK,
    )
    with pytest.raises(InvalidInput, match="not active yet"):
        check_in(session, actor=agent, answer=MindAnswer.KEPT)
    with pytest.raises(InvalidInput, match="agent signs first"):
        sign(session, actor=mentor, pledge_id=pledge_id)
    assert sign(session, actor=agent, pledge_id=pledge_id) is PledgeStatus.AWAITING_MENTOR
    with pytest.raises(InvalidInput, match="not active yet"):
        check_in(session, actor=agent, answer=MindAnswer.KEPT)
    assert sign(session, actor=mentor, pledge_id=pledge_id) is PledgeStatus.ACTIVE
    check_in(
        session, actor=agent, answer=MindAnswer.PARTLY, note="Snapped at a colleague", commitment=1
    )
    check_in(
        session, actor=agent, answer=MindAnswer.KEPT, note="Apologised"
    )  # editable the same day
    [today_check] = check_ins(session, actor=agent, agent_id=agent.id)
    assert (
        today_check.answer is MindAnswer.KEPT
        and streak([today_check], until=TODAY, calendar=organisation_calendar(session)) == 1
    )


@pytest.mark.parametrize(
    "reader,allowed",
    [
        ("red_agent", True),
        ("blue_agent", True),
        ("red_lead", False),
        ("manager", False),
        ("admin", False),
        ("red_agent2", False),
    ],
)
def test_check_in_notes_are_private_to_the_agent_and_their_mentor(
    session: Session, org: dict, reader: str, allowed: bool
) -> None:
    agent, mentor = actor_of(session, org["red_agent"]), actor_of(session, org["blue_agent"])
    pledge_id = draft_pledge(
        session,
        actor=agent,
        mentor_id=mentor.id,
        commitments=["I will listen"],
        start_date=LAST_WEEK,
    )
    sign(session, actor=agent, pledge_id=pledge_id)
    sign(session, actor=mentor, pledge_id=pledge_id)
    check_in(session, actor=agent, answer=MindAnswer.SLIPPED, note="Private")
    who = actor_of(session, org[reader])
    if allowed:
        assert check_ins(session, actor=who, agent_id=agent.id)[0].note == "Private"
    else:
        with pytest.raises(AccessDenied):
            check_ins(session, actor=who, agent_id=agent.id)
    if reader in ("red_lead", "manager"):
        [row] = participation(
            session, actor=who, team_ids=[org["red"].id], names={org["red"].id: "Red"}
        )
        assert (row.with_live_pledge, row.agents) == (1, 2) and row.check_in_rate is not None


# --- the mind check's first day, the streak, the mentor -----------------------------------------

FRIDAY, SATURDAY = TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=2)
WEEKDAYS = WorkCalendar()  # Monday to Friday, no holidays


def test_the_first_mind_check_is_the_next_working_day_and_looks_back_on_the_first() -> None:
    assert check_day(FRIDAY, day=FRIDAY, calendar=WEEKDAYS).about is None  # no yesterday yet
    monday = check_day(FRIDAY, day=TODAY, calendar=WEEKDAYS)
    assert (monday.about, monday.first_check) == (FRIDAY, TODAY)
    # A pledge starting on a Saturday begins on Monday; its first check is on Tuesday.
    weekend = check_day(SATURDAY, day=TODAY, calendar=WEEKDAYS)
    assert (weekend.about, weekend.first_day, weekend.first_check) == (
        None,
        TODAY,
        TODAY + dt.timedelta(days=1),
    )
    # A renewed pledge carries on: its checks never pause.
    assert check_day(TODAY, day=TODAY, calendar=WEEKDAYS, renewed=True).about == FRIDAY


def test_on_a_pledges_first_day_the_check_is_refused_with_the_day_it_opens(
    session: Session, org: dict
) -> None:
    agent, mentor = actor_of(session, org["red_agent"]), actor_of(session, org["red_lead"])
    pledge_id = draft_pledge(
        session, actor=agent, mentor_id=mentor.id, commitments=["I will listen"], start_date=TODAY
    )
    sign(session, actor=agent, pledge_id=pledge_id)
    sign(session, actor=mentor, pledge_id=pledge_id)
    with pytest.raises(InvalidInput, match="first mind check is on Tuesday 24 November"):
        check_in(session, actor=agent, answer=MindAnswer.KEPT)
    today = pledge_today(session, actor=agent, day=TODAY)
    assert today.check is not None and today.check.about is None and not today.checked_today


def checks(*answers: str) -> list[CheckRead]:
    """Checks on the working days up to TODAY (Monday), the last answer today's."""
    days = [TODAY - dt.timedelta(days=d) for d in (9, 8, 7, 4, 3, 2, 1, 0)]
    days = [d for d in days if WEEKDAYS.is_working_day(d)][-len(answers) :]
    return [CheckRead(d, d, MindAnswer(a), None, None) for d, a in zip(days, answers, strict=True)]


def test_the_streak_counts_days_kept_fully_or_partly_and_a_slip_starts_it_again() -> None:
    assert streak(checks("kept", "partly", "kept"), until=TODAY, calendar=WEEKDAYS) == 3
    assert streak(checks("kept", "slipped", "kept", "kept"), until=TODAY, calendar=WEEKDAYS) == 2
    assert streak(checks("kept", "kept", "slipped"), until=TODAY, calendar=WEEKDAYS) == 0
    # Today not checked yet: the count runs to the working day before (Friday).
    friday = [CheckRead(FRIDAY, FRIDAY, MindAnswer.KEPT, None, None)]
    assert streak(friday, until=TODAY, calendar=WEEKDAYS) == 1


def test_no_mentor_is_chosen_for_the_agent_admins_are_not_offered_and_the_lead_comes_first(
    session: Session, org: dict
) -> None:
    agent = actor_of(session, org["red_agent"])
    choices = mentor_choices(session, actor=agent)
    ids = [i for i, _ in choices]
    assert ids[0] == org["red_lead"].id and "(your team lead)" in choices[0][1]
    assert ids[1] == org["red_agent2"].id  # then the own team
    assert org["admin"].id not in ids and agent.id not in ids
    assert org["manager"].id in ids and org["blue_agent"].id in ids
    with pytest.raises(InvalidInput, match="Choose your mentor"):
        draft_pledge(session, actor=agent, mentor_id=None, commitments=["x"], start_date=TODAY)
    with pytest.raises(InvalidInput, match="Admins look after Headway"):
        draft_pledge(
            session, actor=agent, mentor_id=org["admin"].id, commitments=["x"], start_date=TODAY
        )


# --- "How was your PD day?" goes once the agent shared about it ---------------------------------


def move_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setenv("HEADWAY_TODAY", day.isoformat())
    get_settings.cache_clear()


def test_a_share_written_on_the_pd_day_itself_is_linked_and_the_next_day_nothing_is_asked(
    session: Session, org: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = actor_of(session, org["red_agent"])
    pd_day = PdDay(person_id=me.id, date=TODAY, status="published", purpose="practise")
    session.add(pd_day)
    session.flush()
    assert pd_day_to_share(session, actor=me) is None  # the day is not over: nothing asked yet
    to_link = pd_day_to_link(session, actor=me)
    assert to_link is not None and to_link.id == pd_day.id
    write_share(
        session, actor=me, data=ShareInput("Shadowing QA", learned="Listen", pd_day_id=to_link.id)
    )
    move_today(monkeypatch, TODAY + dt.timedelta(days=1))
    assert pd_day_to_share(session, actor=me) is None
    assert pd_day_to_link(session, actor=me) is None


def test_the_prompt_asks_about_yesterdays_pd_day_until_a_share_is_linked_to_it(
    session: Session, org: dict
) -> None:
    me = actor_of(session, org["red_agent"])
    pd_day = PdDay(person_id=me.id, date=FRIDAY, status="published", purpose="practise")
    session.add(pd_day)
    session.flush()
    asked = pd_day_to_share(session, actor=me)
    assert asked is not None and asked.id == pd_day.id
    share(session, me, "Unrelated", "A share about something else")  # not linked: still asked
    assert pd_day_to_share(session, actor=me) is not None
    linked = pd_day_to_link(session, actor=me)
    assert linked is not None and linked.id == pd_day.id
    write_share(session, actor=me, data=ShareInput("Friday", learned="x", pd_day_id=linked.id))
    assert pd_day_to_share(session, actor=me) is None
