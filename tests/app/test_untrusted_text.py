"""Text people wrote is shown as text on every kind of surface: a share title, a mentor's nudge,
a person's or a team's name that looks like markdown loads no image, shows no link and no HTML.

Streamlit reads markdown in markdown/alerts/headers and in the labels of expanders, tabs,
buttons, radios and checkboxes, so there the text must arrive escaped (ui.text.plain); st.text,
input values, select options and table cells show it as it is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from core.models import LearningShare, NotificationKind, Person, Team, Visibility
from core.notify.notifications import notify
from core.platform.db import make_engine
from ui.text import plain

EVIL = "![x](http://evil.test/p.png) [Log in again here](http://evil.test) <b>x</b> **bold**"
# Elements that never read markdown in what they show (their labels are Headway's own).
AS_TEXT = {"text", "selectbox", "multiselect", "text_input", "text_area", "arrow_data_frame"}
# Plotly reads no markdown (its own small HTML subset is a separate matter, not checked here).
NOT_MARKDOWN = AS_TEXT | {"plotly_chart"}


@pytest.fixture(scope="module", autouse=True)
def _untrusted_text(demo_url: str) -> None:
    """The agent's name, the lead's team, a share title and a mentor's nudge all look like
    markdown (as any agent can type them)."""
    engine = make_engine(demo_url)
    with Session(engine) as session:
        agent = session.exec(select(Person).where(Person.email == "agent@example.com")).one()
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        team = session.get(Team, lead.team_id)
        assert agent.id is not None and team is not None
        agent.name = "Ana " + EVIL
        team.name = "Team " + EVIL[:70]
        session.add_all([agent, team])
        session.add(
            LearningShare(
                author_id=agent.id,
                title=EVIL,
                learned=EVIL,
                visibility=Visibility.ORGANISATION,
                tags="",
            )
        )
        notify(
            session,
            person_id=agent.id,
            kind=NotificationKind.MENTOR_NUDGE,
            subject="pledge:untrusted",
            title=f"A nudge from {EVIL[:60]}, your mentor",
            body=EVIL,
            link="pledge",
        )
        session.commit()
    engine.dispose()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _shown(at: AppTest) -> list[tuple[str, str]]:
    """(element type, string) for every string of every element on the page."""
    found: list[tuple[str, str]] = []
    stack: list[Any] = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            found += [(str(node.type), s) for s in _strings(MessageToDict(proto))]
    return found


def assert_shown_as_text(at: AppTest, *, expect: str = "evil.test") -> None:
    assert not at.exception, at.exception
    shown = _shown(at)
    marked = [(kind, s) for kind, s in shown if "evil" in s]
    assert marked, f"the page shows none of the seeded text ({expect})"
    for kind, s in marked:
        if kind in NOT_MARKDOWN:
            continue
        # markdown: only the escaped form, which CommonMark shows character for character
        assert "](http" not in s and "<b>" not in s and "![" not in s, (kind, s)
        assert plain("evil.test") in s, (kind, s)


@pytest.mark.parametrize(
    "email,page",
    [
        ("agent@example.com", "pages/learning.py"),  # a share's title and body
        ("manager@example.com", "pages/learning.py"),  # ... and its author's name, to others
        ("agent@example.com", "pages/inbox.py"),  # a mentor's nudge
        ("agent@example.com", "pages/account.py"),  # my own name
        ("lead@example.com", "pages/growth.py"),  # an agent's name in a header
        ("lead@example.com", "pages/home.py"),  # a team's name in a header and labels
        ("lead@example.com", "pages/team.py"),  # names in a table
        ("manager@example.com", "pages/home.py"),  # team names in expander and link labels
    ],
)
def test_untrusted_text_is_shown_as_text(app_as, email: str, page: str) -> None:
    assert_shown_as_text(app_as(email, page))


def test_the_nudge_body_reads_exactly_as_the_mentor_typed_it(app_as) -> None:
    at = app_as("agent@example.com", "pages/inbox.py")
    assert any(t.value == EVIL for t in at.text)
    [title] = [m.value for m in at.markdown if "nudge" in m.value]
    assert f"**{plain(f'A nudge from {EVIL[:60]}, your mentor')}**" in title


def test_plain_escapes_every_markdown_and_streamlit_marker_and_breaks_bare_links() -> None:
    escaped = plain("![x](http://e.t) <b> :red[x] $x$ www.e.t a_b me@e.t")
    joiner = "\u2060"
    assert escaped == (
        r"\!\[x\]\(http\:"
        + joiner
        + r"\/\/e\.t\) \<b\> \:red\[x\] \$x\$ www"
        + joiner
        + r"\.e\.t a\_b me"
        + joiner
        + r"\@e\.t"
    )
