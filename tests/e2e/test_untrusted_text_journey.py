"""In a real browser, a share title and a mentor's nudge that look like markdown are read as the
words they are: no request leaves for the image or link they name, and no link is drawn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, delete, select

from core.models import LearningShare, Notification, NotificationKind, Person, Visibility
from core.notify.notifications import notify
from core.platform.db import make_engine
from tests.e2e.conftest import log_in, settle

pytestmark = pytest.mark.browser

EVIL = "![x](http://evil.test/p.png) [Log in again here](http://evil.test) <b>x</b> **bold**"


@pytest.fixture
def untrusted_text(app_env: dict[str, str], app_url: str) -> Iterator[None]:
    """A share of agent2's (visible to their team), a nudge to them and a name of theirs that
    look like markdown, all undone afterwards."""
    engine = make_engine(app_env["DATABASE_URL"])
    with Session(engine) as session:
        agent = session.exec(select(Person).where(Person.email == "agent2@example.com")).one()
        assert agent.id is not None
        own_name = agent.name
        agent.name = f"Sam {EVIL}"  # the menu carries the person's name
        session.add(agent)
        share = LearningShare(
            author_id=agent.id, title=EVIL, learned=EVIL, visibility=Visibility.TEAM
        )
        session.add(share)
        notify(
            session,
            person_id=agent.id,
            kind=NotificationKind.MENTOR_NUDGE,
            subject="pledge:untrusted-e2e",
            title="A nudge from your mentor",
            body=EVIL,
            link="pledge",
        )
        session.commit()
    yield
    with Session(engine) as session:
        agent = session.exec(select(Person).where(Person.email == "agent2@example.com")).one()
        agent.name = own_name
        session.add(agent)
        session.exec(delete(LearningShare).where(col(LearningShare.title) == EVIL))  # type: ignore[call-overload]
        session.exec(delete(Notification).where(col(Notification.body) == EVIL))  # type: ignore[call-overload]
        session.commit()
    engine.dispose()


@pytest.mark.parametrize("path", ["inbox", "learning"])
def test_markdown_typed_by_someone_loads_nothing_and_reads_literally(
    page, app_url: str, untrusted_text: None, path: str
) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{app_url}/{path}")
    settle(page)
    log_in(page, "agent2@example.com")
    settle(page)
    page.get_by_text(EVIL, exact=False).first.wait_for()
    links = page.locator("a[href*='evil.test']")
    assert links.count() == 0, [
        links.nth(i).evaluate("e => e.parentElement.parentElement.outerHTML")
        for i in range(links.count())
    ]
    assert page.locator("img[src*='evil.test']").count() == 0
    assert [url for url in asked if "evil.test" in url] == []
    menu = page.locator("[data-testid='stTopNavSection']").first.inner_text().strip()
    assert menu.replace("\u2060", "") == f"Sam {EVIL}"  # the name in the menu, as written
