"""Piccolo tables: thin storage for the domain's objects; rules live in app.domain.

One module per area; import them from here (`from app.db.tables import Message`)."""

from app.db.tables.cases import (
    Assignment,
    Draft,
    Event,
    Message,
    OutgoingReply,
    Publication,
)
from app.db.tables.connectors import NetworkEvent
from app.db.tables.imports import ImportBatch, ImportMapping
from app.db.tables.organisation import (
    Absence,
    ApiToken,
    Department,
    Membership,
    Network,
    Organisation,
    ProfileCopy,
    SocialAccount,
    Topic,
    User,
)
from app.db.tables.oversight import ActivityAlert, Notification, NotificationPreference, Violation
from app.db.tables.reports import (
    ImmediateReport,
    Report,
    SigningKey,
    SigningProfile,
    TrustedRoot,
)
from app.db.tables.screening import RoutingKnowledge, ScreeningDecision
from app.db.tables.secrets import StoredSecret

__all__ = [
    "Absence",
    "ActivityAlert",
    "ApiToken",
    "Assignment",
    "Department",
    "Draft",
    "Event",
    "ImmediateReport",
    "ImportBatch",
    "ImportMapping",
    "Membership",
    "Message",
    "Network",
    "NetworkEvent",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OutgoingReply",
    "ProfileCopy",
    "Publication",
    "Report",
    "RoutingKnowledge",
    "ScreeningDecision",
    "SigningKey",
    "SigningProfile",
    "SocialAccount",
    "StoredSecret",
    "Topic",
    "TrustedRoot",
    "User",
    "Violation",
]
