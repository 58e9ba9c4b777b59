"""Headway's log: one line per page run, job run and HTTP route, with its duration.

Lines are `key=value` pairs after the time, level and logger (logfmt), so that a log shipper
can index them and a person can still read them:

    2026-11-24 07:00:02,114 INFO headway.jobs job=daily-reminders ms=840 created=212 sent=212
    2026-11-24 09:12:40,551 INFO headway.pages page=team_growth person=14 ms=312 outcome=ok
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_HANDLER_NAME = "headway"


def configure() -> None:
    """Send the `headway` loggers' lines to stderr (once per process) at HEADWAY_LOG_LEVEL
    (default INFO)."""
    logger = logging.getLogger("headway")
    level = os.environ.get("HEADWAY_LOG_LEVEL", "INFO").upper()
    logger.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)


def fields(**values: object) -> str:
    """`key=value` pairs; a value with a space or quote is quoted."""
    parts = []
    for key, value in values.items():
        text = str(value)
        if not text or any(c in text for c in ' "=\n'):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)


class Timed:
    """What a timed block reports: set `outcome` and extra fields while it runs."""

    def __init__(self) -> None:
        self.outcome = "ok"
        self.extra: dict[str, object] = {}


@contextmanager
def timed(logger: logging.Logger, **values: object) -> Iterator[Timed]:
    """Log one line when the block ends: its fields, `ms`, `cpu_ms` (the CPU time of this
    thread: the block runs on one) and `outcome` (`error` if it raised something the block did
    not classify)."""
    started, cpu = time.perf_counter(), time.thread_time()
    result = Timed()
    try:
        yield result
    except BaseException:
        if result.outcome == "ok":
            result.outcome = "error"
        raise
    finally:
        ms = round((time.perf_counter() - started) * 1000)
        cpu_ms = round((time.thread_time() - cpu) * 1000)
        line = fields(**values, ms=ms, cpu_ms=cpu_ms, outcome=result.outcome, **result.extra)
        (logger.warning if result.outcome == "error" else logger.info)(line)
