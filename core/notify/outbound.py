"""Sending over HTTP to chat webhooks and other systems' endpoints: exactly once, with retries.

Each message is an `OutboundDelivery` row. A deliverer claims it (pending → sending, one
conditional UPDATE that only one process can win, counting the attempt and stamping the claim),
posts it, records the attempt, and marks it sent, or pending again after a backoff (1, 2, 4…
minutes, at most `MAX_ATTEMPTS` tries), or failed. A deliverer that dies between the claim and the
mark leaves the delivery `sending`: each run first marks failed every delivery claimed more than
`STUCK_AFTER` ago, with a reason the admin sees — it may have gone out, so it is not sent again
(never doubled, never lost silently), as the mailer does with e-mail.

A target that fails is skipped for the rest of the run, so one broken webhook delays nobody
else's messages; e-mail is another job altogether (`core.notify.mailer`).

Only http(s) addresses on public networks are posted to (unless HEADWAY_WEBHOOKS_ALLOW_LOCAL),
checked on every send against every address the name resolves to and against the address
connected to (DNS rebinding); redirects are not followed
and no proxy from the environment is used, so a webhook cannot be pointed inside the network.
URLs are secrets: no log line and no error text carries one.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, insert, select, update
from sqlmodel import Session, col

from core.models import (
    DeliveryState,
    Notification,
    OutboundAttempt,
    OutboundDelivery,
    OutboundTarget,
    Person,
    TargetKind,
)
from core.notify import chat, webhooks
from core.notify.notifications import link_to, split_link
from core.platform.clock import utcnow
from core.platform.config import get_settings
from core.platform.errors import InvalidInput

log = logging.getLogger("headway.outbound")

MAX_ATTEMPTS = 6
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=2)
TIMEOUT_SECONDS = 5.0
# Longer than any one post can take (connect and read each time out after TIMEOUT_SECONDS).
STUCK_AFTER = dt.timedelta(minutes=5)
STUCK_REASON = (
    "sending stopped part-way (the deliverer stopped); not retried, as it may have gone out"
)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 2, 4, 8… minutes, at most 2 h."""
    return min(FIRST_WAIT * (1 << max(attempts - 1, 0)), LONGEST_WAIT)


# --- addresses ---------------------------------------------------------------------------------


class UnsafeAddress(InvalidInput):
    """An address Headway does not post to (not http(s), or inside the network)."""


def check_url(url: str) -> str:
    """`url` stripped, if Headway may post to it: http(s), a host, no credentials, and (unless
    HEADWAY_WEBHOOKS_ALLOW_LOCAL) not a loopback or private address written as such. Names are
    resolved and checked again at each send. The sentence never repeats the URL (a secret)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeAddress("That address is not a URL (it has a bad port or host).") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress("A webhook address starts with https:// (or http://) and a host name.")
    if parts.username or parts.password:
        raise UnsafeAddress("A webhook address may not carry a user name or password.")
    if len(url) > 1000:
        raise UnsafeAddress("That address is longer than 1,000 characters.")
    if not get_settings().webhooks_allow_local:
        host = parts.hostname
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise UnsafeAddress(_LOCAL)
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None  # a name: resolved and checked at each send
        if literal is not None:
            _require_public(literal)
    del port  # read only to refuse a bad one
    return url


_LOCAL = (
    "Headway posts only to public addresses, not to this machine or the private network "
    "(HEADWAY_WEBHOOKS_ALLOW_LOCAL=1 allows them)."
)


def _require_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    mapped = getattr(address, "ipv4_mapped", None)
    if not (mapped or address).is_global:
        raise UnsafeAddress(_LOCAL)


def _check_resolved(url: str) -> None:
    """Every address the URL's host resolves to must be public (unless allowed)."""
    check_url(url)
    if get_settings().webhooks_allow_local:
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    for info in infos:
        _require_public(ipaddress.ip_address(info[4][0]))


# --- posting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    ok: bool
    said: str  # "HTTP 200", "HTTP 500", "timed out after 5 s", … (never the URL)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx is then an HTTPError: a redirect is a failure, never followed


def _connect_checked(
    address: tuple[str, int], timeout: float | None = None, source: tuple[str, int] | None = None
) -> socket.socket:
    """A connection whose far end is checked once connected (before TLS, before a byte is
    sent): a name that resolved to a public address for the check and to a private one for the
    connection (DNS rebinding) is refused here."""
    sock = socket.create_connection(address, timeout, source)
    try:
        if not get_settings().webhooks_allow_local:
            _require_public(ipaddress.ip_address(sock.getpeername()[0]))
    except BaseException:
        sock.close()
        raise
    return sock


class _CheckedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_checked


class _CheckedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_checked


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPS, req)


_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _NoRedirects(), _HTTPHandler(), _HTTPSHandler()
)


def post_json(url: str, body: bytes, headers: dict[str, str] | None = None) -> Outcome:
    """POST `body` (JSON) to `url` with a short timeout; any 2xx answer is success."""
    try:
        _check_resolved(url)
    except InvalidInput as exc:
        return Outcome(False, str(exc))
    except OSError as exc:
        return Outcome(False, f"the host name cannot be resolved ({_reason(exc)})")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Headway", **(headers or {})},
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        moved = " (redirects are not followed)" if 300 <= exc.code < 400 else ""
        return Outcome(False, f"HTTP {exc.code}{moved}")
    except TimeoutError:
        return Outcome(False, f"no answer within {TIMEOUT_SECONDS:g} s")
    except UnsafeAddress as exc:  # the far end, once connected, is inside the network
        return Outcome(False, str(exc))
    except (OSError, ValueError) as exc:
        return Outcome(False, f"cannot connect ({_reason(exc)})")
    return Outcome(200 <= status < 300, f"HTTP {status}")


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__
    if isinstance(reason, BaseException):
        reason = getattr(reason, "strerror", None) or type(reason).__name__
    return str(reason)[:120]


# --- composing ---------------------------------------------------------------------------------


def compose(session: Session, delivery: OutboundDelivery, target: OutboundTarget) -> bytes:
    """The exact bytes to post: the stored event (a webhook), or the chat message made now from
    its notification (so an erasure's renaming since is honoured): its title and link only, as
    a channel has more readers than the inbox (the body holds coaching words and reasons)."""
    if target.kind is TargetKind.WEBHOOK:
        return delivery.body.encode()
    note = session.get(Notification, delivery.notification_id)
    if note is None:
        raise LookupError("its notification was removed")
    person = session.get(Person, note.person_id) if note.person_id is not None else None
    page, query = split_link(note.link)
    base = get_settings().base_url.rstrip("/")
    message = chat.ChatMessage(
        for_whom=person.name if person else "",
        title=note.title,
        body="",
        url=f"{base}/{link_to(page, **query)}" if page else base,
    )
    return json.dumps(chat.body_for(target.kind, message)).encode()


def _headers(
    target: OutboundTarget, delivery: OutboundDelivery, body: bytes, now: dt.datetime
) -> dict[str, str]:
    if target.kind is not TargetKind.WEBHOOK:
        return {}
    return webhooks.signed_headers(target.secret, body, at=now, event_id=delivery.event_id or "")


# --- the deliverer -----------------------------------------------------------------------------


def fail_stuck(engine: Engine, *, now: dt.datetime | None = None) -> int:
    """Mark failed every delivery claimed more than STUCK_AFTER ago and never marked (its
    deliverer died). Returns how many."""
    cutoff = (now or utcnow()) - STUCK_AFTER
    with engine.begin() as connection:
        stuck = connection.execute(
            update(OutboundDelivery)
            .where(
                col(OutboundDelivery.state) == DeliveryState.SENDING,
                col(OutboundDelivery.claimed_at) < cutoff,
            )
            .values(state=DeliveryState.FAILED, last_error=STUCK_REASON)
        ).rowcount
    if stuck:
        log.warning("%d outbound message(s) stuck in sending marked failed", stuck)
    return int(stuck or 0)


def deliver_due(engine: Engine, *, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Post every delivery due by `now` (the wall clock unless given); returns how many went."""
    now = now or utcnow()
    fail_stuck(engine, now=now)
    with engine.connect() as connection:
        due = connection.execute(
            select(col(OutboundDelivery.id), col(OutboundDelivery.target_id))
            .where(
                col(OutboundDelivery.state) == DeliveryState.PENDING,
                col(OutboundDelivery.next_try_at) <= now,
            )
            .order_by(col(OutboundDelivery.next_try_at), col(OutboundDelivery.id))
            .limit(limit)
        ).all()
    sent = 0
    failing: set[int] = set()  # targets that failed in this run: the rest of theirs wait
    for delivery_id, target_id in due:
        if target_id in failing:
            continue
        outcome = deliver_one(engine, delivery_id or 0, now=now)
        if outcome is None:
            continue
        if outcome.ok:
            sent += 1
        else:
            failing.add(target_id)
    return sent


def _claim(engine: Engine, delivery_id: int, now: dt.datetime) -> bool:
    with engine.begin() as connection:
        claimed = connection.execute(
            update(OutboundDelivery)
            .where(
                col(OutboundDelivery.id) == delivery_id,
                col(OutboundDelivery.state) == DeliveryState.PENDING,
                col(OutboundDelivery.next_try_at) <= now,
            )
            .values(
                state=DeliveryState.SENDING,
                claimed_at=now,
                attempts=col(OutboundDelivery.attempts) + 1,
            )
        ).rowcount
    return bool(claimed)


def deliver_one(engine: Engine, delivery_id: int, *, now: dt.datetime) -> Outcome | None:
    """Claim, post and mark one delivery; None when another deliverer has it (or it is not
    due)."""
    if not _claim(engine, delivery_id, now):
        return None
    with Session(engine) as session:
        delivery = session.get(OutboundDelivery, delivery_id)
        assert delivery is not None
        target = session.get(OutboundTarget, delivery.target_id)
        assert target is not None
        attempts = delivery.attempts
        try:
            if target.removed_at is not None:
                raise LookupError("its target was removed")
            body = compose(session, delivery, target)
            url, headers = target.url, _headers(target, delivery, body, now)
        except Exception as exc:  # this message only: the others still go
            log.warning("outbound message %s cannot be composed: %s", delivery_id, exc)
            outcome, url = Outcome(False, f"cannot be composed: {exc}"[:300]), ""
    if url:
        outcome = post_json(url, body, headers)
    if outcome.ok:
        state, next_try, error = DeliveryState.SENT, now, ""
    elif url and attempts < MAX_ATTEMPTS:
        state, next_try, error = DeliveryState.PENDING, now + backoff(attempts), outcome.said
    else:
        state, next_try = DeliveryState.FAILED, now
        error = outcome.said + (f" (gave up after {attempts} attempts)" if url else "")
    with engine.begin() as connection:
        connection.execute(
            insert(OutboundAttempt).values(
                delivery_id=delivery_id, at=now, ok=outcome.ok, outcome=outcome.said[:300]
            )
        )
        connection.execute(
            update(OutboundDelivery)
            .where(col(OutboundDelivery.id) == delivery_id)
            .values(
                state=state,
                next_try_at=next_try,
                last_error=error[:500],
                sent_at=now if outcome.ok else None,
            )
        )
    if not outcome.ok:
        log.warning(
            "outbound message %s to target %s not delivered (attempt %d): %s",
            delivery_id,
            target.id,
            attempts,
            outcome.said,
        )
    return outcome
