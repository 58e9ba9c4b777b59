"""Settings, the single "today", and signed session cookies."""

import datetime as dt

import pytest

from core.people.cookies import sign_token, unsign_token
from core.platform.clock import today
from core.platform.config import Settings, get_settings


def test_today_honours_headway_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADWAY_TODAY", "2027-01-04")
    get_settings.cache_clear()
    assert today() == dt.date(2027, 1, 4)


def test_headway_now_pins_the_time_of_day_as_well_as_the_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HEADWAY_TODAY alone keeps the wall clock's hour: a result that depends on the hour (what
    reminders are due) changed with the time the suite ran (issue 25, item 15)."""
    from core.platform.clock import now_local

    monkeypatch.delenv("HEADWAY_TODAY")
    monkeypatch.setenv("HEADWAY_NOW", "2027-01-04T06:30")
    monkeypatch.setenv("HEADWAY_TIMEZONE", "Europe/London")
    get_settings.cache_clear()
    assert today() == dt.date(2027, 1, 4)
    moment = now_local()
    assert (moment.date(), moment.hour, moment.minute) == (dt.date(2027, 1, 4), 6, 30)
    assert moment.utcoffset() == dt.timedelta(0)  # London in January, the organisation's zone
    monkeypatch.setenv("HEADWAY_TODAY", "2027-01-05")  # given too, it still decides the date
    get_settings.cache_clear()
    assert now_local() == dt.datetime(2027, 1, 5, 6, 30, tzinfo=moment.tzinfo)


@pytest.mark.parametrize("value", ["tomorrow", "2027-13-01T09:00", "0001-01-01T09:00"])
def test_a_headway_now_that_is_not_a_plausible_moment_is_refused_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from core.platform.config import SettingsError

    monkeypatch.setenv("HEADWAY_NOW", value)
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="^HEADWAY_NOW="):
        get_settings()


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
