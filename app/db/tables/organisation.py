"""People and places: organisations, users, departments, roles, absences, accounts, tokens."""

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
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Network(StrEnum):
    """Networks of Penza p.4 / Parfino p.3, today's Telegram and MAX, and manual entry."""

    VK = "vk"
    OK = "ok"
    TELEGRAM = "telegram"
    MAX = "max"
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
    # Networks the administrator enabled besides the profile's (Penza p.4, Parfino p.3).
    enabled_networks = Array(Varchar(length=20), default=list)
    # Who receives each scheduled report by agreement (Penza p.20): {"summary": [user ids], …};
    # a report with no list goes to the holders of the profile's recipient roles.
    report_recipients = JSONB(default={})
    # Room for draft attachments (photo, video) on disk; uploads beyond it are refused.
    media_quota_bytes = BigInt(default=5 * 1024**3)
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
    # Connector settings (issue #14); the token is a stored secret `network/<id>/token`.
    api_base = Varchar(length=500, default="")
    mode = Varchar(length=20, default="longpoll")
    cursor = Varchar(length=200, default="")
    last_event_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    paused = Boolean(default=False)
    # Health (app.connectors.health): the network asked to wait until then (not polled
    # before), how many such waits there were, and when the network first refused the
    # token in the current failure streak (its people are told once per streak).
    rate_limited_until = Timestamptz(null=True, default=None)
    rate_limit_waits = Integer(default=0)
    auth_failed_at = Timestamptz(null=True, default=None)


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


class Topic(Table):
    """A topic of an organisation's dictionary (Parfino p.7), with its synonyms.

    Messages store the topic's name (Message.topics, Assignment.topic); a topic typed by a
    specialist that the dictionary lacks is kept as a suggestion until the administrator
    accepts it or merges it into a topic. `key` (app.domain.topics.topic_key of the name) is
    unique per organisation."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    name = Varchar(length=120)
    key = Varchar(length=120)
    synonyms = Array(Varchar(length=120), default=list)
    is_active = Boolean(default=True)
    is_suggestion = Boolean(default=False)
    suggested_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
