"""API tokens page: an admin makes a service token and sees it once; an agent only personal read
tokens; a token's uses are listed; revoking asks first."""

from __future__ import annotations

from sqlmodel import Session

from core.connect.tokens import authenticate
from core.platform.config import get_settings
from core.platform.db import make_engine
from tests.app.conftest import texts

PAGE = "pages/api_tokens.py"


def _make(at, name: str, scopes: list[str]):  # type: ignore[no-untyped-def]
    at.text_input[0].input(name)
    at.multiselect[0].set_value(scopes)
    [make] = [b for b in at.button if b.label == "Make token"]
    return make.click().run()


def test_an_admin_makes_a_service_token_sees_it_once_and_its_uses_then_revokes_it(
    app_as,
) -> None:
    at = app_as("admin@example.com", PAGE)
    assert any("No tokens yet" in i.value for i in at.info)
    at = _make(at, "QA tool nightly", ["metrics:write"])
    assert not at.exception
    [shown] = [c.value for c in at.code]
    assert shown.startswith("hw_")
    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        authenticate(session, text=shown, scope="metrics:write", request="POST /api/v1/x")
        session.commit()
    engine.dispose()
    at.run()
    assert [c.value for c in at.code] == [], "the token is shown once"
    assert "**Recent uses of “QA tool nightly”** (1 in all)" in texts(at)
    assert at.dataframe[1].value["Request"].tolist() == ["metrics:write POST /api/v1/x"]
    assert at.button(key=next(b.key for b in at.button if b.label == "Revoke token")).disabled
    at.checkbox[0].check().run()
    at.button(key=next(b.key for b in at.button if b.label == "Revoke token")).click().run()
    assert any("is revoked" in s.value for s in at.success)
    assert "revoked" in at.dataframe[0].value["State"].tolist()


def test_an_agent_is_offered_read_scopes_and_personal_tokens_only(app_as) -> None:
    at = app_as("agent@example.com", PAGE)
    # growth:read answers team leads and managers only: an agent is not offered it
    assert [o.split(" — ")[0] for o in at.multiselect[0].options] == ["people:read"]
    assert list(at.selectbox[0].options) == ["Personal: reads what I may see"]
    at = _make(at, "", ["people:read"])
    assert any("The token was not made." in e.value for e in at.error)
    problems = at.dataframe[0].value["Problem"].tolist()
    assert problems == ["Give the token a name that says which system uses it."]
