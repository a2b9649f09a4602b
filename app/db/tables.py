"""Piccolo tables: thin storage for the objects of SPEC §2. Rules live in app/domain."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSONB,
    Array,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Real,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Network(StrEnum):
    """Networks of Penza p.4 / Parfino p.3, plus Telegram and manual entry."""

    VK = "vk"
    OK = "ok"
    TELEGRAM = "telegram"
    FACEBOOK = "facebook"
    TWITTER = "twitter"
    INSTAGRAM = "instagram"
    OTHER = "other"


class Organisation(Table):
    """A local self-government body (орган местного самоуправления)."""

    id = Serial(primary_key=True)
    name = Varchar(length=300)
    slug = Varchar(length=60, unique=True, index=True)
    timezone = Varchar(length=60, default="Europe/Moscow")
    profile_code = Varchar(length=60, default="penza-2020")
    # WeeklySchedule as data: {"mon": [["09:00", "13:00"], ...], ...}
    schedule = JSONB(default={})
    # Production calendar options: {"include_decree_days": false, "regions": []}
    calendar_options = JSONB(default={})
    # Timers and alerts as data (app.domain.timers.AlertSettings): warning shares, activity rule.
    alert_settings = JSONB(default={})
    created_at = Timestamptz(default=TimestamptzNow())


class User(Table, tablename="app_user"):
    """A person who signs in; roles come from memberships."""

    id = Serial(primary_key=True)
    login = Varchar(length=80, unique=True, index=True)
    full_name = Varchar(length=200)
    email = Varchar(length=254, default="")
    password_hash = Varchar(length=200)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Department(Table):
    """A structural unit or another local body that answers messages."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False)
    name = Varchar(length=300)
    short_name = Varchar(length=120, default="")
    # The deputy head curating this department (Penza p.19).
    curator = ForeignKey(User, null=True, default=None)
    topics = Array(Varchar(length=120), default=list)
    is_active = Boolean(default=True)


class Membership(Table):
    """A user's role in an organisation (executor: in a department)."""

    class RoleCode(StrEnum):
        specialist = "specialist"
        coordinator = "coordinator"
        executor = "executor"
        official = "official"
        head = "head"
        admin = "admin"

    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, index=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    role = Varchar(length=20, choices=RoleCode)
    department = ForeignKey(Department, null=True, default=None)
    # Official: departments curated (empty = all).
    curated_department_ids = Array(BigInt(), default=list)
    position = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Absence(Table):
    """A dated absence with the substitute who carries the duties (Penza p.7, Parfino p.6)."""

    class Reason(StrEnum):
        illness = "illness"
        vacation = "vacation"
        business_trip = "business_trip"
        study = "study"
        other = "other"

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False)
    user = ForeignKey(User, null=False, index=True)
    starts_on = Date()
    ends_on = Date()
    reason = Varchar(length=20, choices=Reason)
    substitute = ForeignKey(User, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class SocialAccount(Table):
    """An organisation's official account in a network (Penza p.5, Parfino p.4)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False)
    network = Varchar(length=20, choices=Network)
    name = Varchar(length=200)
    url = Varchar(length=500, default="")
    external_id = Varchar(length=200, default="")
    is_active = Boolean(default=True)


class Message(Table):
    """A citizen's post or comment from an open source."""

    class Importance(StrEnum):
        normal = "normal"
        high = "high"

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    network = Varchar(length=20, choices=Network)
    external_id = Varchar(length=200, default="")
    url = Varchar(length=1000, default="")
    author_name = Varchar(length=300, default="")
    author_url = Varchar(length=1000, default="")
    author_external_id = Varchar(length=200, default="")
    text = Text(default="")
    attachments = JSONB(default=[])
    posted_at = Timestamptz(null=True, default=None)
    collected_at = Timestamptz(default=TimestamptzNow())
    # The moment the specialist marks it as needing a reaction: every deadline counts from here.
    detected_at = Timestamptz(null=True, default=None)
    topics = Array(Varchar(length=120), default=list)
    importance = Varchar(length=10, choices=Importance, default=Importance.normal)
    state = Varchar(length=30, default="collected", index=True)
    refusal_reason = Varchar(length=60, default="")
    refusal_comment = Text(default="")
    screened_by = ForeignKey(User, null=True, default=None)
    screened_at = Timestamptz(null=True, default=None)
    handed_over_at = Timestamptz(null=True, default=None)  # Parfino p.7
    routed_at = Timestamptz(null=True, default=None)  # first routing (Penza p.8)
    # Deadlines computed by app.domain.deadlines at every change (UTC): the queue sorts by
    # binding_due_at; `deadlines` holds every open step for the case page and the timers.
    answer_due_at = Timestamptz(null=True, default=None)
    binding_due_at = Timestamptz(null=True, default=None, index=True)
    binding_step = Varchar(length=30, default="")
    deadlines = JSONB(default=[])
    repeat_of: ForeignKey[Message] = ForeignKey("self", null=True, default=None)
    # Identity of the post for idempotent intake (unique per organisation, see migrations).
    dedup_key = Varchar(length=1100, default="")
    created_by = ForeignKey(User, null=True, default=None)
    version = Integer(default=1)


class Assignment(Table):
    """One message sent to one department (поручение); a split message has several."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    message = ForeignKey(Message, null=False, index=True)
    department = ForeignKey(Department, null=False)
    executor = ForeignKey(User, null=True, default=None)
    topic = Varchar(length=120, default="")
    state = Varchar(length=30, default="assigned", index=True)
    assigned_by = ForeignKey(User, null=True, default=None)
    assigned_at = Timestamptz(default=TimestamptzNow())  # received by the department
    returned_reason = Text(default="")  # outside competence (Penza p.9)
    returned_outside_at = Timestamptz(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)  # latest submission
    returned_at = Timestamptz(null=True, default=None)  # latest return for revision
    approved_at = Timestamptz(null=True, default=None)
    intermediate_published_at = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    # Clarification pauses of the answer clock (Parfino p.10): [{"start": iso, "end": iso|null}]
    pauses = JSONB(default=[])
    revision_rounds = Integer(default=0)
    due_at = Timestamptz(null=True, default=None, index=True)  # earliest binding step
    due_step = Varchar(length=30, default="")
    version = Integer(default=1)


class Draft(Table):
    """A version of an answer prepared by an executor."""

    class Kind(StrEnum):
        final = "final"
        intermediate = "intermediate"
        clarification = "clarification"

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False)
    assignment = ForeignKey(Assignment, null=False, index=True)
    kind = Varchar(length=20, choices=Kind, default=Kind.final)
    number = Integer(default=1)
    text = Text(default="")
    attachments = JSONB(default=[])
    state = Varchar(length=20, default="editing")
    author = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    reviewed_by = ForeignKey(User, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    review_comment = Text(default="")


class Publication(Table):
    """The approved answer as posted in the network, thread and account of the message."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False)
    message = ForeignKey(Message, null=False, index=True)
    assignment = ForeignKey(Assignment, null=True, default=None)
    draft = ForeignKey(Draft, null=True, default=None)
    kind = Varchar(length=20, default="final")
    account = ForeignKey(SocialAccount, null=True, default=None)
    external_id = Varchar(length=200, default="")
    url = Varchar(length=1000, default="")
    published_by = ForeignKey(User, null=True, default=None)
    published_at = Timestamptz(default=TimestamptzNow())


class Event(Table):
    """Append-only log of every transition (a trigger refuses UPDATE and DELETE)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=True, default=None, index=True)
    message = ForeignKey(Message, null=True, default=None, index=True)
    assignment = ForeignKey(Assignment, null=True, default=None)
    kind = Varchar(length=60)
    actor = ForeignKey(User, null=True, default=None)
    actor_role = Varchar(length=20, default="")
    substitute_for = ForeignKey(User, null=True, default=None)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    before = JSONB(default={})
    after = JSONB(default={})
    comment = Text(default="")


class ApiToken(Table):
    """A per-organisation token for external monitoring systems (POST /api/v1/messages)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    name = Varchar(length=200)
    # SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough.
    token_hash = Varchar(length=64, unique=True, index=True)
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class ProfileCopy(Table):
    """An organisation's edited copy of a regulation profile (the built-ins stay files)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    code = Varchar(length=60)
    based_on = Varchar(length=60, default="")
    data = JSONB(default={})
    updated_by = ForeignKey(User, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class Violation(Table):
    """A step deadline that passed (SPEC §2), recorded once per (case, assignment, step, due)."""

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


class Report(Table):
    """An archived report file (summary, violations or immediate), one row per file."""

    class Kind(StrEnum):
        summary = "summary"
        violations = "violations"
        immediate = "immediate"

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    kind = Varchar(length=20, choices=Kind)
    period = Varchar(length=20, default="")  # 2026-W47, 2026-11 ("" for immediate)
    period_start = Timestamptz(null=True, default=None)
    period_end = Timestamptz(null=True, default=None)
    file_format = Varchar(length=10, default="pdf")  # pdf | xlsx
    path = Varchar(length=500)  # relative to var_dir
    sha256 = Varchar(length=64, default="")
    size = Integer(default=0)
    signer = Varchar(length=300, default="")  # the certificate's subject ("" = unsigned)
    created_by = ForeignKey(User, null=True, default=None)  # None = the worker's schedule
    created_at = Timestamptz()
    # "scheduled:org:kind:period:format" for the worker's deliveries (exactly once);
    # a random key for reports made on demand.
    dedup_key = Varchar(length=200, unique=True)


class ImmediateReport(Table):
    """A «Срочный доклад главе» (Penza p.21, Parfino p.24): sent, acknowledged, reminded."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    message = ForeignKey(Message, null=True, default=None)
    alert = ForeignKey(ActivityAlert, null=True, default=None)
    comment = Text(default="")
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
    report = ForeignKey(Report, null=True, default=None)  # the one-page signed PDF
    acknowledged_at = Timestamptz(null=True, default=None)
    acknowledged_by = ForeignKey(User, null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)


class SigningKey(Table):
    """An organisation's signing certificate and key (PKCS#12, encrypted with SECRET_KEY)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, unique=True)
    subject = Varchar(length=300)
    not_after = Timestamptz()
    is_demo = Boolean(default=False)
    # Fernet token (key derived from SECRET_KEY by HKDF) of the PKCS#12 file and its password.
    sealed_pkcs12 = Text()
    sealed_password = Text(default="")
    uploaded_by = ForeignKey(User, null=True, default=None)
    uploaded_at = Timestamptz()
