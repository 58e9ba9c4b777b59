"""Page scripts run at most HEADWAY_CONCURRENT_RUNS at a time per server process; long work gives
its place back; a page that switches to another takes no second place."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from pydantic import ValidationError

from core.platform.config import Settings, get_settings
from ui import admission


@pytest.fixture
def places(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    def use(n: int) -> None:
        monkeypatch.setenv("HEADWAY_CONCURRENT_RUNS", str(n))
        get_settings.cache_clear()
        admission.reset()

    yield use
    monkeypatch.delenv("HEADWAY_CONCURRENT_RUNS", raising=False)
    get_settings.cache_clear()
    admission.reset()


def test_no_more_than_the_set_number_of_scripts_run_at_once(places: Callable[[int], None]) -> None:
    places(2)
    running, most, lock = 0, 0, threading.Lock()

    def page() -> None:
        nonlocal running, most
        with admission.admitted():
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.03)
            with lock:
                running -= 1

    threads = [threading.Thread(target=page) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert most == 2
    assert running == 0


def test_a_page_inside_a_page_takes_no_second_place(places: Callable[[int], None]) -> None:
    places(1)
    with admission.admitted() as waited, admission.admitted() as again:
        assert again == waited >= 0.0
    with admission.admitted():  # the place was given back once, not twice or never
        pass


def test_long_work_gives_its_place_back_and_waits_for_one_afterwards(
    places: Callable[[int], None],
) -> None:
    places(1)
    order: list[str] = []
    inside = threading.Event()

    def other() -> None:
        with admission.admitted():
            order.append("other page")

    with admission.admitted():
        with admission.unmetered():
            thread = threading.Thread(target=other)
            thread.start()
            thread.join(timeout=10)  # it got the place while the import ran
            inside.set()
        order.append("back")
    assert order == ["other page", "back"]
    with admission.unmetered():  # outside a page it does nothing
        order.append("cli")
    assert inside.is_set()


@pytest.mark.parametrize("value", ["0", "many", "-1", "65"])
def test_a_wrong_number_of_runs_is_one_sentence(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWAY_CONCURRENT_RUNS", value)
    with pytest.raises(
        ValidationError, match="HEADWAY_CONCURRENT_RUNS=.* whole number from 1 to 64"
    ):
        Settings()
