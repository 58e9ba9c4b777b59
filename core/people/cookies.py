"""Signed cookie values: the session token's and the device id's, each with an expiry and an
HMAC under the server's secret (neither passes for the other)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from core.platform.clock import utcnow
from core.platform.config import get_settings, signing_secret

DEVICE_COOKIE_DAYS = 365


def _signature(payload: str) -> str:
    key = signing_secret().encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def new_device() -> str:
    """A fresh device id for a browser that has none."""
    return secrets.token_urlsafe(16)


def sign_device(device: str) -> str:
    """The device cookie's value: id, expiry and an HMAC over both, apart from session cookies
    (the signed text starts with "device:", so neither cookie passes for the other)."""
    expires = int((utcnow() + dt.timedelta(days=DEVICE_COOKIE_DAYS)).timestamp())
    payload = f"{device}.{expires}"
    return f"{payload}.{_signature('device:' + payload)}"


def unsign_device(value: str | None) -> str | None:
    """The device id inside a device cookie, or None if absent, forged or expired."""
    try:
        device, expires, signature = (value or "").rsplit(".", 2)
        expiry = int(expires)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature(f"device:{device}.{expires}")):
        return None
    return device if expiry >= utcnow().timestamp() and device else None


def sign_token(token: str) -> str:
    """The cookie value: token, expiry (epoch seconds) and an HMAC over both."""
    expires = int((utcnow() + dt.timedelta(hours=get_settings().session_hours)).timestamp())
    payload = f"{token}.{expires}"
    return f"{payload}.{_signature(payload)}"


def unsign_token(value: str) -> str | None:
    """The token inside a cookie value, or None if the signature is wrong or it has expired."""
    try:
        token, expires, signature = value.rsplit(".", 2)
        expiry = int(expires)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature(f"{token}.{expires}")):
        return None
    if expiry < utcnow().timestamp():
        return None
    return token
