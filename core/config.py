"""Settings read from the environment (see the settings table of the CLI contract)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import DomainError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    database_url: str = Field(default="sqlite:///data/headway.db", alias="DATABASE_URL")
    timezone: str = Field(default="UTC", alias="HEADWAY_TIMEZONE")
    today: dt.date | None = Field(default=None, alias="HEADWAY_TODAY")
    scheduler: Literal["embedded", "worker"] = Field(default="embedded", alias="HEADWAY_SCHEDULER")
    secret: str = Field(default="headway-development-secret-change-me", alias="HEADWAY_SECRET")
    session_hours: int = Field(default=12, alias="HEADWAY_SESSION_HOURS")
    idle_minutes: int = Field(default=30, alias="HEADWAY_IDLE_MINUTES")
    # When reminders are due (local time): the contract's default schedule.
    reminders_at: dt.time = Field(default=dt.time(7, 0), alias="HEADWAY_REMINDERS_AT")
    digest_at: dt.time = Field(default=dt.time(7, 30), alias="HEADWAY_DIGEST_AT")
    working_days_text: str = Field(default="mon-fri", alias="HEADWAY_WORKING_DAYS")
    # Public holidays the organisation closes on: a `holidays` country code, e.g. GB-ENG.
    holidays_code: str = Field(default="", alias="HEADWAY_HOLIDAYS")
    # E-mail is optional: smtp://user:password@host:587?starttls=1, or smtps://host:465.
    smtp_url: str = Field(default="", alias="SMTP_URL")
    mail_from: str = Field(default="Headway <headway@localhost>", alias="HEADWAY_MAIL_FROM")
    base_url: str = Field(default="http://localhost:8501", alias="HEADWAY_BASE_URL")
    # Single sign-on (OpenID Connect) is on when the issuer and the client are given.
    oidc_issuer: str = Field(default="", alias="HEADWAY_OIDC_ISSUER")
    oidc_metadata_url: str = Field(default="", alias="HEADWAY_OIDC_METADATA_URL")
    oidc_client_id: str = Field(default="", alias="HEADWAY_OIDC_CLIENT_ID")
    oidc_client_secret: str = Field(default="", alias="HEADWAY_OIDC_CLIENT_SECRET")
    oidc_redirect_uri: str = Field(default="", alias="HEADWAY_OIDC_REDIRECT_URI")
    oidc_label: str = Field(default="single sign-on", alias="HEADWAY_OIDC_LABEL")

    @field_validator("today", mode="before")
    @classmethod
    def _empty_today_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("working_days_text")
    @classmethod
    def _readable_weekdays(cls, value: str) -> str:
        _weekdays(value)
        return value

    @field_validator("holidays_code")
    @classmethod
    def _known_holidays(cls, value: str) -> str:
        value = value.strip().upper()
        if value:
            public_holidays(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"HEADWAY_TIMEZONE {value!r} is not an IANA time zone") from exc
        return value

    @model_validator(mode="after")
    def _complete_single_sign_on(self) -> Settings:
        given = {
            "HEADWAY_OIDC_ISSUER or HEADWAY_OIDC_METADATA_URL": bool(
                self.oidc_issuer or self.oidc_metadata_url
            ),
            "HEADWAY_OIDC_CLIENT_ID": bool(self.oidc_client_id),
            "HEADWAY_OIDC_CLIENT_SECRET": bool(self.oidc_client_secret),
        }
        if any(given.values()) and not all(given.values()):
            missing = " and ".join(name for name, present in given.items() if not present)
            raise ValueError(f"single sign-on also needs {missing}")
        if self.oidc_enabled and not self.oidc_callback_url.endswith("/oauth2callback"):
            raise ValueError(
                f"HEADWAY_OIDC_REDIRECT_URI={self.oidc_redirect_uri!r} must end with /oauth2callback"
            )
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_client_id)

    @property
    def oidc_discovery_url(self) -> str:
        """Where the provider describes itself (its OpenID Connect discovery document)."""
        return self.oidc_metadata_url or (
            self.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
        )

    @property
    def oidc_callback_url(self) -> str:
        """The redirect URI registered at the provider: HEADWAY_BASE_URL/oauth2callback unless
        given."""
        return self.oidc_redirect_uri or self.base_url.rstrip("/") + "/oauth2callback"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def working_days(self) -> frozenset[int]:
        return _weekdays(self.working_days_text)


def _weekdays(value: str) -> frozenset[int]:
    """Weekday numbers (Monday = 0) from "mon-fri", "mon-sat" or "mon,wed,fri". A range runs
    forwards within one week: "fri-mon" is refused rather than read as no day at all."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    days: set[int] = set()
    for part in value.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in names or (last and last not in names):
            raise ValueError(
                f"HEADWAY_WORKING_DAYS={value!r} is not a list of weekdays: "
                "use day names such as mon-fri, mon-sat or mon,tue,thu"
            )
        if last and names.index(last) < names.index(first):
            raise ValueError(
                f"HEADWAY_WORKING_DAYS={value!r}: the range {part} wraps past Sunday; "
                f"write {first}-sun,mon{'' if last == 'mon' else '-' + last} instead"
            )
        days.update(range(names.index(first), names.index(last or first) + 1))
    return frozenset(days)


@lru_cache(maxsize=8)
def public_holidays(code: str) -> Any:
    """The `holidays` calendar for a code such as "GB-ENG" (country, optional subdivision)."""
    import holidays

    country, _, subdivision = code.partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError:
        raise ValueError(
            f"HEADWAY_HOLIDAYS={code!r} is not a country of the holidays package "
            "(use a code such as GB-ENG, US-CA or DE-BY, or leave it empty)"
        ) from None


class SettingsError(DomainError):
    """A setting the organisation gave cannot be used; the message names the variable."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        # One sentence per bad variable, never pydantic's report.
        raise SettingsError(
            " ".join(str(error["msg"]).removeprefix("Value error, ") for error in exc.errors())
        ) from None
