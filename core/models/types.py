"""Column types and constraints shared by the tables: enums stored as their words, checked twice.

An enum column holds the member's value (``"published"``), so the rows read the same in any SQL
tool and on both databases. Python gets the member back on load; a value outside the enum is
refused when it is bound (before it reaches the database) and, for rows written by other means,
by the CHECK constraint the table declares with `one_of`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class StrEnumType(TypeDecorator[StrEnum]):
    """A ``VARCHAR(length)`` holding one value of `enum`; loads as the member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return self.enum(value).value
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in self.enum)
            raise ValueError(
                f"{value!r} is not a {self.enum.__name__} (one of {allowed})"
            ) from None

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def enum_field(enum: type[StrEnum], length: int, **field: Any) -> Any:
    """A model field of `enum` stored as its value in ``VARCHAR(length)``."""
    return Field(sa_type=StrEnumType(enum, length), **field)


def one_of(column: str, enum: type[StrEnum], *, table: str) -> CheckConstraint:
    """CHECK that `column` holds one of `enum`'s values (or NULL)."""
    values = ", ".join("'" + m.value.replace("'", "''") + "'" for m in enum)
    return CheckConstraint(f"{column} IN ({values})", name=f"ck_{table}_{column}")


def at_least(column: str, low: int, *, table: str, high: int | None = None) -> CheckConstraint:
    """CHECK the range a model declares with ``Field(ge=…, le=…)`` (SQLModel does not enforce it
    on table models, so the database does)."""
    rule = f"{column} >= {low}" + (f" AND {column} <= {high}" if high is not None else "")
    return CheckConstraint(rule, name=f"ck_{table}_{column}_range")
