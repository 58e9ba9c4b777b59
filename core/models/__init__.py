"""SQLModel tables, one module per area. Importing this package registers every table."""

from core.models.auth import AuthSession
from core.models.metrics import METRICS, Metric, Observation
from core.models.org import Department, Person, Role, Team
from core.models.pd import (
    Blackout,
    Leave,
    LeaveKind,
    PdDay,
    PdPurpose,
    PdRequest,
    PdStatus,
    PlanRun,
    StaffingOverride,
)

__all__ = [
    "METRICS",
    "AuthSession",
    "Blackout",
    "Leave",
    "LeaveKind",
    "PdDay",
    "PdPurpose",
    "PdRequest",
    "PdStatus",
    "PlanRun",
    "StaffingOverride",
    "Department",
    "Metric",
    "Observation",
    "Person",
    "Role",
    "Team",
]
