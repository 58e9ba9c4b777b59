"""Admission: how many page scripts one server process runs at the same moment.

A Streamlit server is one Python process; its page scripts run on threads that share one
interpreter lock, beside the event loop that sends every page to its browser. Measured on the
2,000-agent demo with 200 sessions, letting every waiting script run at once made each of them
slower than running them in turn (each SQL row and each element sent hands the lock over, and
with many threads each hand-over waits): 20 page runs a second at p95 6.5 s, against 28 a second
at p95 2.0 s with two at a time (README, "Capacity"). So a script waits here, holding no lock,
until one of `HEADWAY_CONCURRENT_RUNS` (default 2) places is free.

Long work that is not Python holding the lock — a solver, a file import going through the
database — gives its place back while it runs (`unmetered`), so one import never holds up the
pages of everyone else."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from core.platform.config import get_settings

_places: threading.BoundedSemaphore | None = None
_lock = threading.Lock()
_held = threading.local()


def _semaphore() -> threading.BoundedSemaphore:
    global _places
    with _lock:
        if _places is None:
            _places = threading.BoundedSemaphore(get_settings().concurrent_runs)
        return _places


@contextmanager
def admitted() -> Iterator[float]:
    """Run the block in one of the places; yields the seconds it waited for it. Nested use on
    the same thread (the app's run, then its page) takes no second place and yields the same
    wait."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield _held.waited
        finally:
            _held.depth -= 1
        return
    places = _semaphore()
    started = time.perf_counter()
    places.acquire()
    _held.depth, _held.waited = 1, time.perf_counter() - started
    try:
        yield _held.waited
    finally:
        _held.depth = 0
        places.release()


@contextmanager
def unmetered() -> Iterator[None]:
    """Give this thread's place back while the block runs (long work: an import, a solver),
    and wait for one again afterwards. Outside `admitted` it does nothing."""
    if not getattr(_held, "depth", 0):
        yield
        return
    places = _semaphore()
    depth, _held.depth = _held.depth, 0
    places.release()
    try:
        yield
    finally:
        places.acquire()
        _held.depth = depth


def reset() -> None:
    """Forget the places (tests that change HEADWAY_CONCURRENT_RUNS)."""
    global _places
    with _lock:
        _places = None
