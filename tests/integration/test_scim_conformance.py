"""SCIM conformance, checked by a tester the project did not write: scim2-tester
(https://scim2-tester.readthedocs.io) runs its checks — discovery, create, read, query, replace,
patch add/replace/remove, delete, unknown URLs — against Headway's `/scim/v2` served by a real
uvicorn server over HTTP, authenticated with a service token that has `scim:write`.

Every check must end in a conforming status (success, compliant, acceptable, or skipped by the
tester itself), except the departures listed in `KNOWN`, each with the reason Headway departs
(docs/scim.md, "Conformance", keeps the same list and the figures this test prints).
"""

from __future__ import annotations

import datetime as dt
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Annotated, Any

import httpx2
import pytest
import uvicorn
from pydantic import Field
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import Group, Required, ScimProvider, Uniqueness
from scim2_tester import Status, check_server
from starlette.applications import Starlette

from core.connect.scim import PROVIDER, ScimUser
from core.connect.tokens import create_token
from core.models import Role, TokenKind
from core.platform.db import make_engine, session_scope
from tests.conftest import TODAY, actor_of, make_person, make_team
from ui import api as api_module
from ui.scim import scim_routes


class ExampleUser(ScimUser):
    """Headway's User as the tester's client describes it: the same attributes, with what a
    userName looks like in Headway (an e-mail address; the tester otherwise makes up UUIDs).
    A client's own description wins over discovery (scim2-tester's `check_server`)."""

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = Field(
        None, examples=[f"tester.{n}@example.com" for n in range(100_000)]
    )


CONFORMING = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE, Status.SKIPPED}

# The checks that do not conform, by (resource type, check, attribute), each with why: Headway's
# own rules, which docs/scim.md ("Conformance") states for the identity provider's admin.
ONE_NAME = "Headway keeps one name: name.givenName and familyName are read from it"
ONE_ADDRESS = "Headway keeps one address, the userName, given back as the primary work e-mail"
ALWAYS = "everyone in Headway has a name, an address and an active state: removing is refused"
DISPLAY = "a member's display is their name in Headway"
KNOWN: dict[tuple[str | None, str, str | None], str] = {
    ("User", "check_add_attribute", "name"): ONE_NAME,
    ("User", "check_replace_attribute", "name"): ONE_NAME,
    ("User", "check_add_attribute", "emails"): ONE_ADDRESS,
    ("User", "check_replace_attribute", "emails"): ONE_ADDRESS,
    ("User", "check_remove_attribute", "name"): ALWAYS,
    ("User", "check_remove_attribute", "displayName"): ALWAYS,
    ("User", "check_remove_attribute", "active"): ALWAYS,
    ("User", "check_remove_attribute", "emails"): ALWAYS,
    ("Group", "check_add_attribute", "members"): DISPLAY,
    ("Group", "check_replace_attribute", "members"): DISPLAY,
    ("Group", "object_deletion", None): "Headway keeps its teams: deleting a group is refused",
}


@pytest.fixture
def server(committed_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    engine = make_engine(committed_url)
    with session_scope(engine) as session:
        make_team(session, name="Red")
        admin = make_person(session, role=Role.ADMIN)
        token = create_token(
            session,
            actor=actor_of(session, admin),
            name="Conformance tester",
            kind=TokenKind.SERVICE,
            scopes=["scim:write"],
            expires_on=TODAY + dt.timedelta(days=30),
        ).text
    engine.dispose()
    # The tester sends its requests as fast as it can: the API's rate limit (its own tests
    # check it) would answer 429. Its buckets here refill a thousand times faster.
    monkeypatch.setattr(
        api_module, "buckets", api_module._Buckets(clock=lambda: time.monotonic() * 1000)
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        Starlette(routes=scim_routes()), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 240  # beside a CPU hog, starting is slow
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}/scim/v2", "token": token}
    running.should_exit = True
    thread.join(timeout=30)


def test_scim2_tester_finds_headway_conforming_but_for_its_known_departures(
    server: dict[str, Any],
) -> None:
    with httpx2.Client(
        base_url=server["url"],
        headers={"Authorization": f"Bearer {server['token']}"},
        timeout=60,
    ) as http:
        random.seed(26)  # the tester draws its values with `random`: the same draws each run
        provider = ScimProvider(models=[ExampleUser, Group], config=PROVIDER.config)
        results = check_server(SyncSCIMClient(http, provider=provider))
    counts = Counter(r.status.name for r in results)
    print(f"\nscim2-tester: {len(results)} checks: {dict(sorted(counts.items()))}")
    departures = {}
    for result in results:
        urn = result.data.get("urn") if isinstance(result.data, dict) else None
        print(f"  {result.status.name:<10} {result.resource_type or '-':<6} {result.title} {urn}")
        if result.status not in CONFORMING:
            print(f"      {result.reason}")
            departures[(result.resource_type, result.title, urn)] = result.reason
    assert counts[Status.SUCCESS.name] > 0
    assert {k: v for k, v in departures.items() if k not in KNOWN} == {}
    assert [k for k in KNOWN if k not in departures] == []
