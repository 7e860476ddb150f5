"""All models, imported here so that Alembic and the app see every table."""

from server.models.buses import BusDocumentHazard, BusDriver, BusSchool, BusTrip, SchoolBus
from server.models.calendars import SchoolCalendarRecord
from server.models.campaigns import Area, Campaign, CampaignPhase, FocusProblem
from server.models.console import ConsoleLogin
from server.models.content import ContentCheck
from server.models.evaluation import EvaluationScore
from server.models.exports import ExportJob
from server.models.guards import GuardShift, PerimeterLog, PerimeterLogPhoto
from server.models.hazards import Hazard, HazardEvent, HazardPhoto, Photo
from server.models.jobs import JobRun
from server.models.notices import (
    ClassReminder,
    Notice,
    NoticeRecipient,
    NoticeTarget,
    ScheduledPush,
)
from server.models.notifications import Delivery, Notification, SubscriptionGrant
from server.models.patrols import (
    ChecklistItem,
    ChecklistTemplate,
    Checkpoint,
    Patrol,
    PatrolAnswer,
    PatrolPhoto,
    PatrolPlan,
    PatrolPlanCheckpoint,
    PatrolSlot,
    RetiredCheckpointToken,
)
from server.models.people import Child, FamilyCode, Invitation, InvitationRedemption, ParentLink
from server.models.supervision import (
    AccountabilityAction,
    SupervisionFinding,
    SupervisionVisit,
    SupervisionVisitSchool,
)
from server.models.types import UTCDateTime, utcnow
from server.models.units import SchoolClass, Unit
from server.models.users import AuditRecord, AuthSession, RoleGrant, User
from server.models.water import WaterPoint, WaterPointSchool

__all__ = [
    "AccountabilityAction",
    "Area",
    "AuditRecord",
    "AuthSession",
    "BusDocumentHazard",
    "BusDriver",
    "BusSchool",
    "BusTrip",
    "Campaign",
    "CampaignPhase",
    "ChecklistItem",
    "ChecklistTemplate",
    "Checkpoint",
    "Child",
    "ClassReminder",
    "ConsoleLogin",
    "ContentCheck",
    "Delivery",
    "EvaluationScore",
    "ExportJob",
    "FamilyCode",
    "FocusProblem",
    "GuardShift",
    "Hazard",
    "HazardEvent",
    "HazardPhoto",
    "Invitation",
    "InvitationRedemption",
    "JobRun",
    "Notice",
    "NoticeRecipient",
    "NoticeTarget",
    "Notification",
    "ParentLink",
    "Patrol",
    "PatrolAnswer",
    "PatrolPhoto",
    "PatrolPlan",
    "PatrolPlanCheckpoint",
    "PatrolSlot",
    "PerimeterLog",
    "PerimeterLogPhoto",
    "Photo",
    "RetiredCheckpointToken",
    "RoleGrant",
    "ScheduledPush",
    "SchoolBus",
    "SchoolCalendarRecord",
    "SchoolClass",
    "SubscriptionGrant",
    "SupervisionFinding",
    "SupervisionVisit",
    "SupervisionVisitSchool",
    "UTCDateTime",
    "Unit",
    "User",
    "WaterPoint",
    "WaterPointSchool",
    "utcnow",
]
