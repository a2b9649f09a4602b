"""Oversight: violations, notifications and their preferences, heightened-activity alerts."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSONB,
    Boolean,
    ForeignKey,
    Integer,
    Real,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.db.tables.cases import Assignment, Message
from app.db.tables.organisation import Department, Organisation, User


class Violation(Table):
    """A breach: a step deadline that passed, recorded once per (case, assignment, step, due),
    or another breach the official recorded; either may carry the official's decision."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    message = ForeignKey(Message, null=False, index=True)
    assignment = ForeignKey(Assignment, null=True, default=None)
    step = Varchar(length=30)
    clause = Varchar(length=30, default="")
    started_at = Timestamptz()
    due_at = Timestamptz(index=True)
    responsible_role = Varchar(length=20, default="")
    # The person whose step it was (the absent principal when a substitute carried it).
    responsible_user = ForeignKey(User, null=True, default=None)
    substitute_user = ForeignKey(User, null=True, default=None)
    department = ForeignKey(Department, null=True, default=None)
    recorded_at = Timestamptz()
    late_minutes = Integer(default=0)  # working minutes late when recorded
    resolved_at = Timestamptz(null=True, default=None)  # the late action finally happened
    final_late_minutes = Integer(null=True, default=None)
    escalated_at = Timestamptz(null=True, default=None)  # notifications created (Penza p.19)
    # "message:assignment:step:due-iso": INSERT … ON CONFLICT DO NOTHING makes it exactly-once.
    dedup_key = Varchar(length=200, unique=True)
    # A missed deadline, or another breach the official records (Penza p.19, Parfino p.22):
    # app.domain.breaches.BreachKind.
    kind = Varchar(length=40, default="deadline")
    description = Text(default="")  # what was wrong (other breaches)
    recorded_by = ForeignKey(User, null=True, default=None)  # None = the timers
    decision = Text(default="")  # the official's decision
    measures = Text(default="")  # measures taken
    decided_by = ForeignKey(User, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class Notification(Table):
    """An in-app notification (and its e-mail copy) for one user, created exactly once."""

    class EmailStatus(StrEnum):
        none = "none"  # in-app only
        pending = "pending"
        sent = "sent"
        failed = "failed"  # gave up after the last attempt

    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, index=True)
    organisation = ForeignKey(Organisation, null=True, default=None)
    kind = Varchar(length=30)
    message = ForeignKey(Message, null=True, default=None)
    title = Varchar(length=300)
    body = Text(default="")
    url = Varchar(length=500, default="")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
    dedup_key = Varchar(length=300, unique=True)
    email_status = Varchar(length=10, choices=EmailStatus, default=EmailStatus.none)
    email_attempts = Integer(default=0)
    email_last_error = Text(default="")
    email_next_attempt_at = Timestamptz(null=True, default=None)
    emailed_at = Timestamptz(null=True, default=None)
    # A file under var_dir the e-mail carries (a report's signed PDF); "" = none.
    attachment = Varchar(length=500, default="")


class NotificationPreference(Table):
    """Per user and kind of notification: in-app only, or in-app and e-mail (unique pair)."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, index=True)
    kind = Varchar(length=30)
    email = Boolean(default=True)


class ActivityAlert(Table):
    """Heightened activity on one topic (Penza p.21, Parfino p.24), once per window."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    topic = Varchar(length=120)
    window_start = Timestamptz()
    window_end = Timestamptz()
    message_count = Integer()
    usual = Real(default=0.0)  # the usual count for such a window (baseline rate × window)
    reason = Varchar(length=20)  # threshold | rate
    message_ids = JSONB(default=[])
    created_at = Timestamptz()
    dedup_key = Varchar(length=300, unique=True)
