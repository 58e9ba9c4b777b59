"""Quality and performance observations, and the metric catalogue of the CLI contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.platform.clock import utcnow


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    low: float
    high: float
    higher_is_better: bool
    low_inclusive: bool = True
    high_inclusive: bool = True

    def in_range(self, value: float) -> bool:
        above = value >= self.low if self.low_inclusive else value > self.low
        below = value <= self.high if self.high_inclusive else value < self.high
        return above and below

    @property
    def range_text(self) -> str:
        lo = "" if self.low_inclusive else "above "
        return f"{lo}{self.low:g} to {self.high:g}" + ("" if self.high_inclusive else " (excl.)")


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("qa_score", "QA score", "%", 0, 100, True),
        Metric("csat", "CSAT", "1–5", 1, 5, True),
        Metric("fcr", "First-contact resolution", "share", 0, 1, True),
        Metric("repeat_contact_rate", "Repeat-contact rate", "share", 0, 1, False),
        Metric("aht_seconds", "Average handle time", "s", 0, 86400, False, False, False),
        Metric("ces", "Customer effort score", "1–7", 1, 7, True),
    )
}


class Observation(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("person_id", "date", "metric", "reference", name="uq_observation_key"),
        Index("ix_observation_person_metric_date", "person_id", "metric", "date"),
        Index("ix_observation_metric_date", "metric", "date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    date: dt.date
    metric: str = Field(max_length=32)
    value: float
    source: str = Field(default="", max_length=80)
    reference: str = Field(default="", max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow)
