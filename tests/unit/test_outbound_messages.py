"""Chat bodies and webhook addresses without a database: what people wrote goes out as text,
only public http(s) addresses are accepted, the backoff doubles up to its cap, the signature is
the documented HMAC."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from core.models import TargetKind
from core.notify import chat, outbound, webhooks
from core.platform.config import get_settings
from core.platform.errors import InvalidInput

MESSAGE = chat.ChatMessage(
    "Eve <@U123>", "Call *now* & <!here> [x](https://evil.test)", "", "https://h.example/x"
)


def test_a_slack_message_escapes_the_three_control_characters_and_turns_formatting_off() -> None:
    body = chat.body_for(TargetKind.SLACK, MESSAGE)
    assert body == {
        "text": "For Eve &lt;@U123&gt;: Call *now* &amp; &lt;!here&gt; [x](https://evil.test)\n"
        "Open in Headway: https://h.example/x",
        "mrkdwn": False,
    }


def test_a_teams_card_carries_the_words_as_text_runs_never_read_as_markdown() -> None:
    message = chat.body_for(TargetKind.TEAMS, MESSAGE)
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    [heading] = card["body"]  # no body: a chat message is the title and the link
    assert heading["type"] == "RichTextBlock"
    assert heading["inlines"] == [
        {
            "type": "TextRun",
            "text": "For Eve <@U123>: Call *now* & <!here> [x](https://evil.test)",
            "weight": "Bolder",
        }
    ]
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in Headway", "url": "https://h.example/x"}
    ]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/x",
        "hooks.example.com/x",
        "https://user:pw@hooks.example.com/x",
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://10.0.0.8/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://printer.local/x",
    ],
)
def test_an_address_that_is_not_public_http_is_refused_without_repeating_it(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        outbound.check_url(url)
    assert url not in str(refused.value)


def test_a_public_https_address_is_accepted_and_local_ones_when_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slack = "https://hooks.slack.com/services/T0/B0/abc"
    assert outbound.check_url(f"  {slack} ") == slack
    monkeypatch.setenv("HEADWAY_WEBHOOKS_ALLOW_LOCAL", "1")
    get_settings.cache_clear()
    assert outbound.check_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"


def test_the_wait_doubles_from_a_minute_up_to_two_hours() -> None:
    waits = [outbound.backoff(n) for n in range(1, 10)]
    assert waits[:5] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert waits[-1] == dt.timedelta(hours=2)


def test_the_signature_is_the_hmac_of_the_timestamp_a_dot_and_the_body() -> None:
    at = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    headers = webhooks.signed_headers("whsec_k", b'{"a":1}', at=at, event_id="e1")
    t = int(at.timestamp())
    mac = hmac.new(b"whsec_k", f"{t}.".encode() + b'{"a":1}', hashlib.sha256).hexdigest()
    assert headers == {"Headway-Signature": f"t={t},v1={mac}", "Headway-Event-Id": "e1"}


def test_an_unknown_event_type_is_a_bug_not_a_silent_nothing() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        webhooks.emit_many(None, "note.deleted", [{}])  # type: ignore[arg-type]
