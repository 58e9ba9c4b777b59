"""Drafts of long texts (kept per person, bounded by the texts' own limits) and the refusals of
over-long texts (how many characters, the limit, how many to remove; never cut silently), on
SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import Session, select

from core.coaching.notes import NoteInput, add_follow_up, write_note
from core.learning.drafts import discard_draft, load_draft, save_draft
from core.learning.pledges import draft_pledge
from core.learning.shares import ShareInput, write_share
from core.models import Evaluation, FormDraft
from core.platform.db import make_engine
from core.platform.errors import InvalidInput
from core.quality.evaluations import DEFAULT_FORM, record_evaluation, save_scorecard
from tests.conftest import TODAY, actor_of, make_person, make_team

NOTE = NoteInput(focus_metric="fcr", to_try="Ask what else is open before closing")


def test_a_draft_comes_back_to_its_author_with_what_was_typed(session: Session, org: dict) -> None:
    me = actor_of(session, org["red_agent"])
    save_draft(session, actor=me, name="learning_share", fields={"title": "Hold music"})
    save_draft(
        session,
        actor=me,
        name="learning_share",
        fields={"title": "Hold music", "learned": "Callers hang up less — «quieter» music"},
    )
    draft = load_draft(session, actor=me, name="learning_share")
    assert draft is not None
    assert draft.fields == {
        "title": "Hold music",
        "learned": "Callers hang up less — «quieter» music",
    }
    assert draft.updated_at.tzinfo is not None
    assert session.exec(select(FormDraft)).all().__len__() == 1  # updated in place


def test_a_person_reads_and_writes_only_their_own_drafts(session: Session, org: dict) -> None:
    lead = actor_of(session, org["red_lead"])
    other_lead = actor_of(session, org["blue_lead"])
    name = f"coaching_note:agent={org['red_agent'].id}"
    save_draft(session, actor=lead, name=name, fields={"to_try": "Summarise before closing"})
    assert load_draft(session, actor=other_lead, name=name) is None
    save_draft(session, actor=other_lead, name=name, fields={"to_try": "Something else"})
    discard_draft(session, actor=other_lead, name=name)
    mine = load_draft(session, actor=lead, name=name)
    assert mine is not None and mine.fields == {"to_try": "Summarise before closing"}


def test_a_draft_is_bounded_by_the_limits_of_the_texts_it_becomes(
    session: Session, org: dict
) -> None:
    me = actor_of(session, org["red_agent"])
    save_draft(session, actor=me, name="learning_share", fields={"learned": "x" * 4000})
    with pytest.raises(InvalidInput) as refused:
        save_draft(session, actor=me, name="learning_share", fields={"learned": "y" * 4512})
    assert str(refused.value) == (
        "“What I learned” is 4,512 characters; the limit is 4,000 — shorten it by 512."
    )
    kept = load_draft(session, actor=me, name="learning_share")
    assert kept is not None and kept.fields == {"learned": "x" * 4000}  # the last one that fit
    with pytest.raises(InvalidInput, match="has no field password"):
        save_draft(session, actor=me, name="learning_share", fields={"password": "x"})
    with pytest.raises(InvalidInput, match="drafts are kept for: coaching_note, learning_share"):
        save_draft(session, actor=me, name="anything:else", fields={"x": "y"})
    with pytest.raises(InvalidInput, match="at most 120 characters"):
        save_draft(session, actor=me, name="pledge:" + "x" * 120, fields={"commitments": "y"})


def test_an_empty_form_keeps_no_draft(session: Session, org: dict) -> None:
    me = actor_of(session, org["red_agent"])
    save_draft(session, actor=me, name="pledge", fields={"commitments": "I will listen"})
    save_draft(session, actor=me, name="pledge", fields={"commitments": "  \n "})
    assert load_draft(session, actor=me, name="pledge") is None


def test_discarding_a_draft_forgets_it(session: Session, org: dict) -> None:
    me = actor_of(session, org["red_agent"])
    save_draft(session, actor=me, name="pledge", fields={"commitments": "I will listen"})
    discard_draft(session, actor=me, name="pledge")
    discard_draft(session, actor=me, name="pledge")  # nothing left: no error
    assert load_draft(session, actor=me, name="pledge") is None


def test_an_over_long_note_text_is_refused_with_how_much_to_remove(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    agent_id = org["red_agent"].id
    with pytest.raises(InvalidInput) as refused:
        write_note(
            session,
            actor=lead,
            agent_id=agent_id,
            data=dataclasses.replace(NOTE, went_well="w" * 4512),
        )
    assert str(refused.value) == (
        "“What went well” is 4,512 characters; the limit is 4,000 — shorten it by 512."
    )
    # The section's column holds 120 characters: refused, not left to the database.
    with pytest.raises(InvalidInput, match="“Focus scorecard section” is 121 characters"):
        write_note(
            session,
            actor=lead,
            agent_id=agent_id,
            data=dataclasses.replace(NOTE, focus_section="s" * 121),
        )
    with pytest.raises(InvalidInput) as both:
        write_note(
            session,
            actor=lead,
            agent_id=agent_id,
            data=dataclasses.replace(NOTE, to_try="t" * 4001, actions="a" * 4010),
        )
    assert str(both.value) == "2 texts are too long; nothing was saved:"
    assert both.value.problems == [
        "“What to try” is 4,001 characters; the limit is 4,000 — shorten it by 1.",
        "“Agreed actions” is 4,010 characters; the limit is 4,000 — shorten it by 10.",
    ]
    note_id = write_note(
        session, actor=lead, agent_id=agent_id, data=dataclasses.replace(NOTE, actions="a" * 4000)
    )
    with pytest.raises(InvalidInput, match="“How did it go\\?” is 4,100 characters"):
        add_follow_up(session, actor=lead, note_id=note_id, outcome="o" * 4100, next_date=TODAY)


def test_an_over_long_share_or_tag_says_what_to_shorten(session: Session, org: dict) -> None:
    me = actor_of(session, org["red_agent"])
    with pytest.raises(InvalidInput, match="“What worked” is 4,200 characters; the limit is 4,000"):
        write_share(session, actor=me, data=ShareInput("Title", worked="w" * 4200))
    with pytest.raises(InvalidInput, match="at most 40 characters; shorten .* \\(by 5\\)"):
        write_share(session, actor=me, data=ShareInput("Title", worked="w", tags=("t" * 45,)))


def test_a_pledge_with_too_many_or_too_long_commitments_says_which(
    session: Session, org: dict
) -> None:
    me = actor_of(session, org["red_agent"])
    mentor = org["red_agent2"].id
    with pytest.raises(InvalidInput) as many:
        draft_pledge(
            session,
            actor=me,
            mentor_id=mentor,
            commitments=[f"I will do thing {n}" for n in range(14)],
            start_date=TODAY,
        )
    assert str(many.value) == (
        "A pledge has at most 12 commitments; this one has 14 — remove 2 or join some of them."
    )
    with pytest.raises(InvalidInput) as long:
        draft_pledge(
            session,
            actor=me,
            mentor_id=mentor,
            commitments=["I will listen", "I will " + "x" * 405],
            start_date=TODAY,
        )
    assert str(long.value) == (
        "“Commitment 2, I will xxxxxxxxxxxxxxxxx…” is 412 characters; the limit is 300 — "
        "shorten it by 112."
    )


def test_evaluation_comments_are_refused_when_too_long_never_cut(
    session: Session, org: dict
) -> None:
    lead = actor_of(session, org["red_lead"])
    card = save_scorecard(
        session, actor=actor_of(session, org["manager"]), family="Voice", definition=DEFAULT_FORM
    )
    evaluate = lambda comments: record_evaluation(  # noqa: E731
        session,
        actor=lead,
        agent_id=org["red_agent"].id,
        scorecard_id=card.id,
        answers=[["yes", 5], [5, "yes"], ["yes", "yes"]],
        date=TODAY - dt.timedelta(days=1),
        comments=comments,
    )
    with pytest.raises(InvalidInput, match="“Comments for the agent” is 4,001 characters"):
        evaluate("c" * 4001)
    evaluate("c" * 4000)
    assert [len(e.comments) for e in session.exec(select(Evaluation)).all()] == [4000]


def test_two_runs_that_both_find_no_draft_both_keep_theirs_and_the_later_one_stays(
    committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person leaves one box while the page still reruns for the one before: two runs each
    find no draft and each save one. Neither fails; the later text is the draft."""
    engine = make_engine(committed_url)
    with Session(engine) as setup:
        me = actor_of(setup, make_person(setup, team=make_team(setup)))
        setup.commit()
    with Session(engine) as first, Session(engine) as second:
        # The second run looked before the first one's draft was committed: it found none.
        monkeypatch.setattr(second, "get", lambda *args, **kwargs: None)
        save_draft(first, actor=me, name="learning_share", fields={"title": "Warm"})
        first.commit()
        save_draft(second, actor=me, name="learning_share", fields={"title": "Warm transfers"})
        second.commit()
    with Session(engine) as session:
        draft = load_draft(session, actor=me, name="learning_share")
        assert draft is not None and draft.fields == {"title": "Warm transfers"}
        assert len(session.exec(select(FormDraft)).all()) == 1
    engine.dispose()
