"""Staffing: how many agents each team must keep on the phones each day, from its forecast.

Public services:
- `read_forecast_csv`, `daily_floors`, `floors_json` — the `headway staffing` contract on files
  (Erlang C per interval, the busiest interval per day, the floor after shrinkage; no database);
- `agents_needed`, `service_level`, `floor_for`, `Target`, `Load` — the numbers themselves
  (core.staffing.erlang: stable Erlang C, exact floors);
- `read_service_level`, `read_shrinkage`, `read_max_occupancy` — the targets as people write them.
"""

from core.staffing.erlang import Load, Target, agents_needed, floor_for, service_level
from core.staffing.floors import (
    DayFloor,
    daily_floors,
    floors_json,
    percent_text,
    read_max_occupancy,
    read_service_level,
    read_shrinkage,
)
from core.staffing.forecast import Forecast, ForecastRow, read_forecast_csv

__all__ = [
    "DayFloor",
    "Forecast",
    "ForecastRow",
    "Load",
    "Target",
    "agents_needed",
    "daily_floors",
    "floor_for",
    "floors_json",
    "percent_text",
    "read_forecast_csv",
    "read_max_occupancy",
    "read_service_level",
    "read_shrinkage",
    "service_level",
]
