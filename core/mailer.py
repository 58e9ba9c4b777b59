"""Optional e-mail over SMTP for notifications (SMTP_URL), sent at most once each.

A notification that wants e-mail is stored `pending`; a deliverer claims it (pending → sending,
one conditional UPDATE that only one process can win), sends it, and marks it sent or failed.
A crash between the claim and the send leaves it `sending`: an e-mail may be lost, never doubled.
"""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from core.config import Settings, get_settings
from core.errors import InvalidInput
from core.models import EmailState, Notification
from core.notifications import KINDS, link_to, split_link


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


def compose(note: Notification, settings: Settings) -> EmailMessage:
    page, query = split_link(note.link)
    url = f"{settings.base_url.rstrip('/')}/{link_to(page, **query, n=note.id)}"
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = note.recipient_email
    message["Subject"] = note.title
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


def send_pending(engine: Engine, *, limit: int = 200) -> int:
    """Send queued e-mails (when SMTP_URL is set); returns how many were sent."""
    settings = get_settings()
    if not settings.smtp_url:
        return 0
    server = parse_smtp_url(settings.smtp_url)
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
                    .values(email_state=EmailState.SENDING)
                ).rowcount
            if not claimed:  # another deliverer took it
                continue
            with Session(engine) as session:
                note = session.get(Notification, note_id)
                assert note is not None
                message = compose(note, settings)
            state, error = EmailState.SENT, ""
            try:
                smtp = smtp or _connect(server)
                smtp.send_message(message)
                sent += 1
            except (OSError, smtplib.SMTPException) as exc:
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
