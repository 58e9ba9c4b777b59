"""Reading and writing the files the `headway` commands take: JSON, CSV bytes, dates, and the
line-numbered problems they report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

from core.platform.errors import InvalidInput
from core.platform.parsing import (
    read_date,
)

EXIT_OK, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_TIMEOUT = 0, 1, 2, 3
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE of sysexits.h: a bug, not the user's input
EXIT_INTERRUPTED = 130


def _date(value: str) -> dt.date:
    day, problem = read_date(value)
    if day is None:
        raise argparse.ArgumentTypeError(str(problem))
    return day


def _no_constant(name: str) -> object:
    raise InvalidInput(f"{name} is not a number JSON allows (write a number, or leave the key out)")


def _read_json(path: str) -> object:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle, parse_constant=_no_constant)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc}") from exc
    except RecursionError as exc:
        raise InvalidInput(
            f"{path} is nested too deeply to read: its lists and objects go hundreds of levels deep"
        ) from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path} is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except ValueError as exc:  # the only other one: a number of more than 4,300 digits
        raise InvalidInput(f"{path} is not valid JSON: a number in it is too long") from exc


def _write_json(path: str, data: object) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from exc


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc


def _prefixed(path: str, error: InvalidInput) -> InvalidInput:
    return InvalidInput(f"{path}: {error}", [f"{path}: {p}" for p in error.problems])


def _read_rows_of(path: str, read: Callable[[bytes], Any]) -> Any:
    """`read` over the file's bytes; its bad lines keep their "line N: " start, and one
    "error:" line names the file."""
    try:
        return read(_read_bytes(path))
    except InvalidInput as exc:
        if len(exc.problems) == 1:  # main prints only the problem then
            print(f"error: in {path}:", file=sys.stderr)
        raise InvalidInput(f"{path}: {exc}", exc.problems) from exc
