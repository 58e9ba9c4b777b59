"""Chat and webhooks page: an admin sets the organisation's Slack webhook and sends a test
message that a real local server receives, registers an endpoint and sees its secret once, and
removes a connection only after saying yes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import texts
from tests.receiver import Receiver, running_receiver

PAGE = "pages/admin_connections.py"


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("HEADWAY_WEBHOOKS_ALLOW_LOCAL", "1")
    with running_receiver() as server:
        yield server


def _click(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def test_an_admin_sets_a_chat_webhook_tests_it_registers_an_endpoint_and_removes_one(
    app_as, receiver: Receiver
) -> None:
    at = app_as("admin@example.com", PAGE)
    assert not at.exception
    assert "No chat webhook yet" in texts(at)
    at.text_input[0].input(receiver.url("/slack"))
    at = _click(at, "Set chat webhook")
    assert not at.exception
    assert "The organisation's Slack webhook is set." in texts(at)
    chats = at.dataframe[0].value
    assert chats["Where"].tolist() == ["The organisation"]
    assert chats["Host"].tolist() == ["127.0.0.1"]
    assert receiver.url("/slack") not in texts(at)  # the address is a secret

    at = _click(at, "Send a test message")
    assert "The test message went to Slack — The organisation (127.0.0.1): HTTP 200." in texts(at)
    [test] = receiver.to("/slack")
    assert "A test message from Headway" in test.json()["text"]

    at.text_input[1].input("BI warehouse")
    at.text_input[2].input(receiver.url("/bi"))
    at.multiselect[1].set_value(["dispute.decided"])
    at = _click(at, "Register endpoint")
    assert not at.exception
    [secret] = [c.value for c in at.code]
    assert secret.startswith("whsec_")
    at.run()
    assert [c.value for c in at.code] == [], "the secret is shown once"
    assert at.dataframe[1].value["Where"].tolist() == ["BI warehouse"]

    remove = next(b for b in at.button if b.label == "Remove")
    assert remove.disabled, "removing asks first"
    at.checkbox[0].check().run()
    at = _click(at, "Remove")
    assert "Slack — The organisation (127.0.0.1) is removed: nothing more is sent to it." in texts(
        at
    )
    assert "No chat webhook yet" in texts(at)


def test_a_private_address_is_refused_with_one_sentence(app_as) -> None:
    at = app_as("admin@example.com", PAGE)
    at.text_input[0].input("http://10.1.2.3/hook")
    at = _click(at, "Set chat webhook")
    assert not at.exception
    assert "Headway posts only to public addresses" in texts(at)
    assert "No chat webhook yet" in texts(at)
