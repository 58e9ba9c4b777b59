"""Learning shares (search, visibility, kudos, hiding) and pledges (signatures, mind checks,
privacy of check-in notes), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from core.calendar import organisation_calendar
from core.errors import AccessDenied, InvalidInput
from core.learning import (
    ShareInput,
    delete_share,
    edit_share,
    hide_share,
    search_shares,
    toggle_kudos,
    write_share,
)
from core.models import MindAnswer, PledgeStatus, Visibility
from core.pledges import TEMPLATES, check_in, check_ins, draft_pledge, participation, sign, streak
from tests.conftest import TODAY, actor_of


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
    with pytest.raises(InvalidInput):
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
        session, actor=agent, mentor_id=mentor.id, commitments=list(TEMPLATES[:2]), start_date=TODAY
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
        session, actor=agent, mentor_id=mentor.id, commitments=["I will listen"], start_date=TODAY
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
