"""SQLModel tables, one module per area. Importing this package registers every table."""

from core.models.auth import AuthSession
from core.models.metrics import METRICS, Metric, Observation
from core.models.org import Department, Person, Role, Team

__all__ = [
    "METRICS",
    "AuthSession",
    "Department",
    "Metric",
    "Observation",
    "Person",
    "Role",
    "Team",
]
