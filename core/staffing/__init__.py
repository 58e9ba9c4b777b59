"""Staffing: how many agents each team must keep on the phones each day, from its forecast.

Modules: `erlang` (Erlang C and exact floors), `forecast` (the forecast CSV), `floors` (per team
and day, the targets as written), `service` (the database: imports, targets, the planner's
floors), `words` (the floor and a PD day's effect in sentences).

Public services:
- `read_forecast_csv`, `daily_floors`, `floors_json` — the `headway staffing` contract on files
  (Erlang C per interval, the busiest interval per day, the floor after shrinkage; no database);
- `agents_needed`, `service_level`, `floor_for`, `Target`, `Load` — the numbers themselves
  (core.staffing.erlang: stable Erlang C, exact floors);
- `read_service_level`, `read_shrinkage`, `read_max_occupancy` — the targets as people write them;
- `import_forecast` — a forecast CSV into the database (all or nothing, idempotent, a newer
  forecast replaces a team's days); `staffing_target`, `set_staffing_target` — the organisation's
  target and each team's override; `forecast_floors` — the floors the PD planner reads (its one
  home for floors, core.pd.planning, asks this); `team_forecast_floors` — a team's, for its
  planners; `day_sentence`, `service_level_with` — the floor and a PD day's effect in words.
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
from core.staffing.service import (
    ForecastImport,
    TargetRead,
    forecast_floors,
    import_forecast,
    set_staffing_target,
    staffing_target,
    target_of,
    team_forecast_floors,
)
from core.staffing.words import day_sentence, expected_service_level, pd_day_sentence

__all__ = [
    "day_sentence",
    "expected_service_level",
    "pd_day_sentence",
    "ForecastImport",
    "TargetRead",
    "forecast_floors",
    "import_forecast",
    "set_staffing_target",
    "staffing_target",
    "target_of",
    "team_forecast_floors",
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
