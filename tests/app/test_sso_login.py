"""The login page offers single sign-on only when it is configured."""

from __future__ import annotations

import pytest

from core.platform.config import get_settings


def test_without_single_sign_on_the_login_page_has_only_the_password_form(app_as) -> None:
    at = app_as(None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]


def test_with_single_sign_on_the_login_page_offers_it_above_the_password_form(
    app_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWAY_OIDC_ISSUER", "https://id.example.com")
    monkeypatch.setenv("HEADWAY_OIDC_CLIENT_ID", "headway")
    monkeypatch.setenv("HEADWAY_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("HEADWAY_OIDC_LABEL", "Contoso ID")
    get_settings.cache_clear()
    at = app_as(None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with Contoso ID", "Log in"]
    assert [t.label for t in at.text_input] == ["Email", "Password"]
    assert "Or log in with your Headway email and password." in [m.value for m in at.markdown]
