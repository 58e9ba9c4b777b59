"""Settings, the single "today", and signed session cookies."""

import datetime as dt

import pytest

from core.people.auth import sign_token, unsign_token
from core.platform.clock import today
from core.platform.config import Settings, get_settings


def test_today_honours_headway_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADWAY_TODAY", "2027-01-04")
    get_settings.cache_clear()
    assert today() == dt.date(2027, 1, 4)


def test_an_unknown_time_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADWAY_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="not an IANA time zone"):
        Settings()


def test_a_signed_token_round_trips_and_a_tampered_one_does_not() -> None:
    value = sign_token("abc")
    assert unsign_token(value) == "abc"
    token, expires, signature = value.rsplit(".", 2)
    assert unsign_token(f"other.{expires}.{signature}") is None
    assert unsign_token(f"{token}.{int(expires) + 1}.{signature}") is None
    assert unsign_token("garbage") is None


def test_a_token_signed_with_another_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    value = sign_token("abc")
    monkeypatch.setenv("HEADWAY_SECRET", "another-secret")
    get_settings.cache_clear()
    assert unsign_token(value) is None
