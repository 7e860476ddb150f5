"""All models, imported here so that Alembic and the app see every table."""

from server.models.campaigns import Area, Campaign, CampaignPhase, FocusProblem
from server.models.hazards import (
    Hazard,
    HazardEvent,
    HazardPhoto,
    Notification,
    Photo,
)
from server.models.people import Child, Invitation, InvitationRedemption, ParentLink
from server.models.types import UTCDateTime, utcnow
from server.models.units import SchoolClass, Unit
from server.models.users import AuthSession, RoleGrant, User

__all__ = [
    "Area",
    "AuthSession",
    "Campaign",
    "CampaignPhase",
    "Child",
    "FocusProblem",
    "Hazard",
    "HazardEvent",
    "HazardPhoto",
    "Invitation",
    "InvitationRedemption",
    "Notification",
    "ParentLink",
    "Photo",
    "RoleGrant",
    "SchoolClass",
    "UTCDateTime",
    "Unit",
    "User",
    "utcnow",
]
