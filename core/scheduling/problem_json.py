"""Strict reading of the JSON problem files of the CLI contract: unknown keys and bad types are
named by their key path."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from typing import Any

from core.platform.errors import InvalidInput
from core.platform.parsing import date_out_of_window, iso_date

MAX_COUNT = 1_000_000  # the largest count, capacity or floor a problem may give


def _brief(value: Any) -> str:
    """The value as written, cut short: a message names a value, it does not echo a file."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


class Reader:
    """Collects problems with their key path instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}" if path else message)

    def check_keys(
        self, obj: Any, path: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> bool:
        if not isinstance(obj, dict):
            self.fail(path, "must be an object")
            return False
        allowed = set(allowed)
        for key in obj:
            if key not in allowed:
                self.fail(f"{path}.{key}" if path else str(key), "unknown key")
        for key in required:
            if key not in obj:
                self.fail(f"{path}.{key}" if path else key, "is required")
        return True

    def items(
        self, data: Any, key: str, allowed: Iterable[str], required: Iterable[str]
    ) -> Iterator[tuple[str, Any]]:
        """(key path, object) for each well-formed object of the list `data[key]`."""
        value = data.get(key)
        if not isinstance(value, list):
            self.fail(key, "must be a list")
            return
        for i, item in enumerate(value):
            path = f"{key}[{i}]"
            if self.check_keys(item, path, allowed, required):
                yield path, item

    def date(self, value: Any, path: str) -> dt.date | None:
        if not isinstance(value, str):
            self.fail(path, f"{_brief(value)} is not a date (YYYY-MM-DD)")
            return None
        day = iso_date(value)
        if day is None:
            self.fail(path, f"{_brief(value)} is not a date (YYYY-MM-DD)")
            return None
        outside = date_out_of_window(day)
        if outside:
            self.fail(path, outside)
            return None
        return day

    def dates(self, value: Any, path: str) -> list[dt.date]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "must be a list of dates")
            return []
        out = [self.date(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return [d for d in out if d is not None]

    def integer(self, value: Any, path: str, *, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"{_brief(value)} is not a whole number")
            return minimum
        if value < minimum:
            self.fail(path, f"must be at least {minimum}")
            return minimum
        if value > MAX_COUNT:
            self.fail(path, f"must be at most {MAX_COUNT:,}")
            return minimum
        return value

    def number(self, value: Any, path: str, *, minimum: float = 0) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"{_brief(value)} is not a number")
            return minimum
        if not math.isfinite(value) or abs(value) > MAX_COUNT:
            self.fail(
                path, f"{_brief(value)} is not a number between {minimum:g} and {MAX_COUNT:,}"
            )
            return minimum
        if value < minimum:
            self.fail(path, f"must be at least {minimum:g}")
            return minimum
        return float(value)

    def identifier(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value:
            self.fail(path, "must be a non-empty string")
            return ""
        return value

    def strings(self, value: Any, path: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(path, "must be a list of strings")
            return []
        return list(value)

    def raise_if_any(self, what: str) -> None:
        if self.problems:
            count = len(self.problems)
            raise InvalidInput(
                f"{what} has {count} problem{'s' if count > 1 else ''}:", list(self.problems)
            )
