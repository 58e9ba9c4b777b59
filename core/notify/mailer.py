"""Optional e-mail over SMTP for notifications (SMTP_URL), sent at most once each.

A notification that wants e-mail is stored `pending`; a deliverer claims it (pending → sending,
one conditional UPDATE that only one process can win, stamping the claim time in `email_error`),
sends it, and marks it sent or failed. One e-mail that cannot be composed or sent is marked
failed with its reason (and logged); the batch goes on with the next.

A deliverer that dies between the claim and the mark leaves the e-mail `sending`. Each run first
marks failed every e-mail claimed more than `STUCK_AFTER` ago: it may have gone out before the
crash, so it is not sent again — an e-mail may be lost, never doubled.

Header values come from people (a name in a title): every control character is made a space
before it reaches a header, so a name like "Eve\r\nBcc: x@evil.test" can add no header; bidi
controls (right-to-left override…) are dropped, so a subject reads in the order it was written;
a recipient must be exactly one address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import smtplib
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Engine, not_, or_, select, update
from sqlmodel import Session, col

from core.models import EmailState, Notification
from core.notify.notifications import KINDS, link_to, split_link
from core.platform.clock import utcnow
from core.platform.config import Settings, get_settings
from core.platform.errors import InvalidInput

log = logging.getLogger("headway.mailer")

# Longer than any one send can take (each SMTP step times out after 30 s).
STUCK_AFTER = dt.timedelta(minutes=15)
_CLAIMED = "claimed at "
_ONE_ADDRESS = re.compile(r'[^\s\x00-\x1f\x7f@,;:<>()\[\]\\"]+@[^\s\x00-\x1f\x7f@,;:<>()\[\]\\"]+')


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    ssl: bool
    starttls: bool
    username: str
    password: str


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://[user:password@]host[:port][?starttls=1] or smtps://… (TLS from the start)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InvalidInput(
            f"SMTP_URL must look like smtp://user:password@host:587?starttls=1, not {url!r}."
        )
    ssl = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    return SmtpServer(
        parts.hostname,
        parts.port or (465 if ssl else 25),
        ssl,
        query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


# Bidirectional controls (embeddings, overrides, isolates, marks): in a subject they reorder
# what the reader sees ("…‮fdp.exe" reads as "…exe.pdf") and a subject needs none of them.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def header_text(value: str, limit: int = 200) -> str:
    """`value` safe for a header: control characters (CR, LF, NUL, tab, Unicode line and
    paragraph separators) become spaces, bidirectional controls are dropped, runs of spaces
    become one, at most `limit` characters."""
    spaced = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in value
        if ch not in BIDI_CONTROLS
    )
    return " ".join(spaced.split())[:limit]


def one_address(value: str) -> str:
    """`value` if it is exactly one plain e-mail address, else InvalidInput saying so."""
    if not _ONE_ADDRESS.fullmatch(value):
        raise InvalidInput(f"the recipient {header_text(value, 80)!r} is not one e-mail address")
    return value


def compose(note: Notification, settings: Settings) -> EmailMessage:
    page, query = split_link(note.link)
    url = f"{settings.base_url.rstrip('/')}/{link_to(page, **query, n=note.id)}"
    message = EmailMessage()
    message["From"] = header_text(settings.mail_from)
    message["To"] = one_address(note.recipient_email)
    message["Subject"] = header_text(note.title)
    footer = (
        f"You receive this because “{KINDS[note.kind].label}” is switched on for e-mail. "
        f"Change it in your inbox preferences: {settings.base_url.rstrip('/')}/inbox"
        if note.person_id is not None
        else "You receive this as the department's contact for Headway's support ambassadors."
    )
    message.set_content(
        "\n\n".join(part for part in (note.body, f"Open in Headway: {url}", "—", footer) if part)
    )
    return message


def _claim_stamp(moment: dt.datetime) -> str:
    """Fixed-width UTC text, so that stamps compare as text in SQL as they do as times."""
    return _CLAIMED + moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fail_stuck(engine: Engine, *, now: dt.datetime | None = None) -> int:
    """Mark failed every e-mail claimed more than STUCK_AFTER ago and never marked (its
    deliverer died); one claimed before claims were stamped counts as stuck too. Returns how
    many."""
    cutoff = _claim_stamp((now or utcnow()) - STUCK_AFTER)
    reason = (
        "sending stopped part-way (the deliverer stopped); not retried, as it may have gone out"
    )
    with engine.begin() as connection:
        stuck = connection.execute(
            update(Notification)
            .where(
                col(Notification.email_state) == EmailState.SENDING,
                or_(
                    not_(col(Notification.email_error).startswith(_CLAIMED)),
                    col(Notification.email_error) < cutoff,
                ),
            )
            .values(email_state=EmailState.FAILED, email_error=reason)
        ).rowcount
    if stuck:
        log.warning("%d e-mail(s) stuck in sending for over %s marked failed", stuck, STUCK_AFTER)
    return int(stuck or 0)


def send_pending(engine: Engine, *, limit: int = 200) -> int:
    """Send queued e-mails (when SMTP_URL is set); returns how many were sent."""
    settings = get_settings()
    if not settings.smtp_url:
        return 0
    server = parse_smtp_url(settings.smtp_url)
    fail_stuck(engine)
    with engine.connect() as connection:
        ids = list(
            connection.execute(
                select(col(Notification.id))
                .where(col(Notification.email_state) == EmailState.PENDING)
                .order_by(col(Notification.id))
                .limit(limit)
            ).scalars()
        )
    sent = 0
    smtp: smtplib.SMTP | None = None
    try:
        for note_id in ids:
            with engine.begin() as connection:
                claimed = connection.execute(
                    update(Notification)
                    .where(
                        col(Notification.id) == note_id,
                        col(Notification.email_state) == EmailState.PENDING,
                    )
                    .values(email_state=EmailState.SENDING, email_error=_claim_stamp(utcnow()))
                ).rowcount
            if not claimed:  # another deliverer took it
                continue
            state, error = EmailState.SENT, ""
            try:
                with Session(engine) as session:
                    note = session.get(Notification, note_id)
                    assert note is not None
                    message = compose(note, settings)
            except Exception as exc:  # this e-mail only: the others still go
                log.warning("e-mail %s cannot be composed", note_id, exc_info=exc)
                state, error = EmailState.FAILED, f"cannot be composed: {exc}"[:500]
            else:
                try:
                    smtp = smtp or _connect(server)
                    smtp.send_message(message)
                    sent += 1
                except (OSError, smtplib.SMTPException, ValueError) as exc:
                    log.warning("e-mail %s not sent: %s", note_id, exc)
                    state, error, smtp = EmailState.FAILED, str(exc)[:500], None
            with engine.begin() as connection:
                connection.execute(
                    update(Notification)
                    .where(col(Notification.id) == note_id)
                    .values(email_state=state, email_error=error)
                )
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return sent


def _connect(server: SmtpServer) -> smtplib.SMTP:
    smtp = (
        smtplib.SMTP_SSL(server.host, server.port, timeout=30)
        if server.ssl
        else smtplib.SMTP(server.host, server.port, timeout=30)
    )
    if server.starttls:
        smtp.starttls()
    if server.username:
        smtp.login(server.username, server.password)
    return smtp
