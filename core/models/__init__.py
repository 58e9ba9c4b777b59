"""SQLModel tables, one module per area. Importing this package registers every table."""

from core.models.audit import AuditAction, AuditEvent
from core.models.auth import AuthSession, LoginThrottle
from core.models.calendar import ClosureDay
from core.models.draft import FormDraft
from core.models.learning import (
    Kudos,
    LearningShare,
    MindAnswer,
    MindCheck,
    Pledge,
    PledgeStatus,
    Visibility,
)
from core.models.metrics import METRICS, Metric, Observation
from core.models.notification import (
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from core.models.org import Department, Person, Role, Team, id_of
from core.models.pd import (
    Blackout,
    Leave,
    LeaveKind,
    PdDay,
    PdPurpose,
    PdRequest,
    PdStatus,
    PlanRun,
    PlanRunTeam,
    PlanStatus,
    StaffingOverride,
)
from core.models.quality import (
    Channel,
    CoachingNote,
    CoachingNoteEvaluation,
    CoachingNoteVersion,
    Evaluation,
    FollowUp,
    PrivateRemark,
    Scorecard,
)
from core.models.rotation import (
    AmbassadorProject,
    Assignment,
    AssignmentStatus,
    CareerMove,
    DepartmentHosting,
    Interest,
    ProjectStatus,
    Term,
)
from core.models.stamp import DataVersion

__all__ = [
    "AuditAction",
    "AuditEvent",
    "ClosureDay",
    "FormDraft",
    "EmailState",
    "Notification",
    "NotificationKind",
    "PlanRunTeam",
    "PlanStatus",
    "Channel",
    "CoachingNoteEvaluation",
    "NotificationPreference",
    "Kudos",
    "LearningShare",
    "MindAnswer",
    "MindCheck",
    "Pledge",
    "PledgeStatus",
    "Visibility",
    "id_of",
    "DataVersion",
    "CoachingNote",
    "CoachingNoteVersion",
    "Evaluation",
    "FollowUp",
    "PrivateRemark",
    "Scorecard",
    "AmbassadorProject",
    "Assignment",
    "AssignmentStatus",
    "CareerMove",
    "DepartmentHosting",
    "Interest",
    "ProjectStatus",
    "Term",
    "METRICS",
    "AuthSession",
    "LoginThrottle",
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
