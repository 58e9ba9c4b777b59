"""Settings read from the environment (see the settings table of the CLI contract)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.platform.errors import DomainError

# Whole-number settings: variable, unit, bounds and what a typical value means.
_WHOLE = {
    "retention_months": (
        *("HEADWAY_RETENTION_MONTHS", "months", 1, 1200),
        "24 keeps two years of coaching notes and evaluations",
    ),
    "dispute_days": (
        *("HEADWAY_DISPUTE_DAYS", "days", 1, 365),
        "14 lets an agent dispute an evaluation for two weeks",
    ),
    "concurrent_runs": (
        *("HEADWAY_CONCURRENT_RUNS", "page runs", 1, 64),
        "2, the default, is the fastest measured on two cores",
    ),
}


# The OpenID Connect `prompt` values an operator may choose ("" sends no prompt at all).
OIDC_PROMPTS = ("select_account", "login", "consent", "none", "")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    database_url: str = Field(default="sqlite:///data/headway.db", alias="DATABASE_URL")
    timezone: str = Field(default="UTC", alias="HEADWAY_TIMEZONE")
    today: dt.date | None = Field(default=None, alias="HEADWAY_TODAY")
    # Pins the moment (`YYYY-MM-DDTHH:MM`, the organisation's local time): the time of day as
    # well as the date, for tests and demos whose result depends on the hour (reminders are due
    # from HEADWAY_REMINDERS_AT). HEADWAY_TODAY, when also given, still decides the date.
    now: dt.datetime | None = Field(default=None, alias="HEADWAY_NOW")
    scheduler: Literal["embedded", "worker"] = Field(default="embedded", alias="HEADWAY_SCHEDULER")
    # Unset: only a loopback server may start, with a random key kept beside the data.
    secret: str = Field(default="", alias="HEADWAY_SECRET")
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
    # Chat and outbound webhooks go only to public addresses unless this allows this machine's
    # and the private network's (tests, a receiver beside Headway): docs/webhooks.md.
    webhooks_allow_local: bool = Field(default=False, alias="HEADWAY_WEBHOOKS_ALLOW_LOCAL")
    # Coaching notes and evaluations older than this are removed by the daily retention job.
    retention_months: int = Field(default=24, alias="HEADWAY_RETENTION_MONTHS")
    # How long an agent may dispute an evaluation: days after the evaluation's date.
    dispute_days: int = Field(default=14, alias="HEADWAY_DISPUTE_DAYS")
    # How many page scripts one server process runs at once (the others wait their turn):
    # scripts share one interpreter lock, and past a couple at once they slow each other down
    # more than they gain (README, "Capacity").
    concurrent_runs: int = Field(default=2, alias="HEADWAY_CONCURRENT_RUNS")
    # Single sign-on (OpenID Connect) is on when the issuer and the client are given.
    oidc_issuer: str = Field(default="", alias="HEADWAY_OIDC_ISSUER")
    oidc_metadata_url: str = Field(default="", alias="HEADWAY_OIDC_METADATA_URL")
    oidc_client_id: str = Field(default="", alias="HEADWAY_OIDC_CLIENT_ID")
    oidc_client_secret: str = Field(default="", alias="HEADWAY_OIDC_CLIENT_SECRET")
    oidc_redirect_uri: str = Field(default="", alias="HEADWAY_OIDC_REDIRECT_URI")
    oidc_label: str = Field(default="single sign-on", alias="HEADWAY_OIDC_LABEL")
    # The `prompt` sent with a sign-in (docs/sso.md: which providers accept which); empty: none.
    oidc_prompt: str = Field(default="select_account", alias="HEADWAY_OIDC_PROMPT")

    @field_validator("today", mode="before")
    @classmethod
    def _empty_today_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("today")
    @classmethod
    def _plausible_today(cls, value: dt.date | None) -> dt.date | None:
        from core.platform.parsing import date_out_of_window

        outside = value and date_out_of_window(value)
        if outside:
            raise ValueError(f"HEADWAY_TODAY={value} is out of range: {outside}")
        return value

    @field_validator("now", mode="before")
    @classmethod
    def _readable_now(cls, value: object) -> object:
        if value in ("", None):
            return None
        try:
            return dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(
                f"HEADWAY_NOW={value!r} is not a moment: write it as YYYY-MM-DDTHH:MM "
                "(the organisation's local time), e.g. 2026-12-07T09:30"
            ) from None

    @field_validator("now")
    @classmethod
    def _plausible_now(cls, value: dt.datetime | None) -> dt.datetime | None:
        from core.platform.parsing import date_out_of_window

        outside = value and date_out_of_window(value.date())
        if outside:
            raise ValueError(f"HEADWAY_NOW={value:%Y-%m-%dT%H:%M} is out of range: {outside}")
        return value

    @field_validator("secret")
    @classmethod
    def _not_a_published_key(cls, value: str) -> str:
        if value.strip() in PUBLISHED_KEYS:
            raise ValueError(
                "HEADWAY_SECRET is a key published in Headway's source: set it to a long random "
                "value (python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value.strip()

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

    @field_validator("retention_months", "dispute_days", "concurrent_runs", mode="before")
    @classmethod
    def _whole_number(cls, value: object, info: ValidationInfo) -> object:
        name, unit, low, high, example = _WHOLE[info.field_name or ""]
        text = str(value).strip()
        if not text.isdigit() or not low <= int(text) <= high:
            raise ValueError(
                f"{name}={value!r} is not a number of {unit}: use a whole number from {low} to "
                f"{high} ({example})"
            )
        return int(text)

    @field_validator("oidc_prompt")
    @classmethod
    def _known_prompt(cls, value: str) -> str:
        prompt = value.strip().lower()
        if prompt not in OIDC_PROMPTS:
            raise ValueError(
                f"HEADWAY_OIDC_PROMPT={value!r} is not a prompt Headway can send: use "
                "select_account (the default), login, consent or none, or leave it empty to send "
                "no prompt"
            )
        return prompt

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


# Keys that anyone can read (older releases shipped the first as the default): never sign with one.
PUBLISHED_KEYS = frozenset({"headway-development-secret-change-me"})


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to `address` is reachable from this machine only. No address
    means all interfaces (Streamlit's default)."""
    host = (address or "").strip().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 8  # 32 random hexadecimal digits (128 bits) practically always hold more
MIN_SECRET_BITS = 80  # an estimate from its characters' frequencies (Shannon)
NEW_SECRET_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def secret_bits(secret: str) -> float:
    """A generous estimate of a key's entropy: its length times the Shannon entropy of its
    characters' frequencies. A random key of 32+ characters scores well above MIN_SECRET_BITS;
    one character repeated scores 0, a short alphabet or a repeated phrase little."""
    if not secret:
        return 0.0
    counts = [secret.count(c) for c in set(secret)]
    return -sum(n * math.log2(n / len(secret)) for n in counts)


def secret_weakness(secret: str) -> str | None:
    """Why `secret` is too weak to sign the cookies of a server on the network, or None."""
    if len(secret) < MIN_SECRET_LENGTH:
        n = len(secret)
        return f"is {n} character{'' if n == 1 else 's'} long (at least {MIN_SECRET_LENGTH} are needed)"
    periodic = secret in (secret + secret)[1:-1]  # "abcabc…": one short run repeated
    if periodic or len(set(secret)) < MIN_SECRET_DISTINCT or secret_bits(secret) < MIN_SECRET_BITS:
        return "is too regular to be hard to guess (few different characters, or a run repeated)"
    return None


def require_secret_to_serve(address: str | None, settings: Settings) -> None:
    """Refuse to serve beyond this machine with a key nobody chose, or one too weak: a session
    cookie signed with a guessable key could be forged."""
    if is_loopback(address):
        return
    where = f"on {address}" if address else "on all network addresses"
    if not settings.secret:
        raise SettingsError(
            f"Headway will not serve {where} without HEADWAY_SECRET: set it to a long random "
            "value (the same on every server), or serve on 127.0.0.1 only."
        )
    if weakness := secret_weakness(settings.secret):
        raise SettingsError(
            f"Headway will not serve {where} with this HEADWAY_SECRET, which {weakness}: set it "
            f"to a long random value such as the output of {NEW_SECRET_COMMAND}."
        )


def signing_secret(settings: Settings | None = None) -> str:
    """The key that signs session cookies: HEADWAY_SECRET, else a random key generated on this
    machine (kept beside the SQLite database so a restart keeps people logged in; per process
    when the database is not a local file)."""
    settings = settings or get_settings()
    return settings.secret or _local_secret(_secret_file(settings.database_url))


def _secret_file(database_url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    database = url.database or ""
    if not url.drivername.startswith("sqlite") or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + ".secret")


@lru_cache(maxsize=8)
def _local_secret(path: Path | None) -> str:
    if path is None:
        return secrets.token_urlsafe(32)
    if not path.exists():
        # Written whole under a temporary name, then linked into place: a process starting at
        # the same moment reads either no file or the complete key, and only one key wins.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise SettingsError(
            f"{path} does not hold a usable key: delete it (a new one is generated) "
            "or set HEADWAY_SECRET."
        )
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        # One sentence per bad variable, never pydantic's report.
        raise SettingsError(
            " ".join(str(error["msg"]).removeprefix("Value error, ") for error in exc.errors())
        ) from None
