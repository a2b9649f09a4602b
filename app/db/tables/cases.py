"""Cases: messages, assignments, drafts, publications and the append-only event log."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSONB,
    Array,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.db.tables.organisation import Department, Network, Organisation, SocialAccount, User


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
    # Where the item sits in its network (issue #14): the thread's key, the post it comments
    # on and earlier comments (see app.connectors.base.ThreadContext); and when its author
    # deleted it in the network (the stored text stays).
    thread_key = Varchar(length=300, default="")
    thread = JSONB(default={})
    deleted_in_network_at = Timestamptz(null=True, default=None)
    # The connected account it came through (None: typed in, the intake API, an import).
    source_account = ForeignKey(SocialAccount, null=True, default=None, on_delete=OnDelete.set_null)
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
    # Working minutes from collection to screening (issue #12: waiting counted in reports).
    screening_wait_minutes = Integer(null=True, default=None)
    handed_over_at = Timestamptz(null=True, default=None)  # Parfino p.7
    routed_at = Timestamptz(null=True, default=None)  # first routing (Penza p.8)
    # Deadlines computed by app.domain.deadlines at every change (UTC): the queue sorts by
    # binding_due_at; `deadlines` holds every open step for the case page and the timers.
    answer_due_at = Timestamptz(null=True, default=None)
    binding_due_at = Timestamptz(null=True, default=None, index=True)
    binding_step = Varchar(length=30, default="")
    deadlines = JSONB(default=[])
    repeat_of: ForeignKey[Message] = ForeignKey("self", null=True, default=None)
    # Screening assistance (issue #15): what the system suggested (app.domain.screening
    # Assessment as JSON; {} until the worker has assessed it) and when; the message's places
    # (normalised addresses: suggested, then corrected by the specialist) for repeats, alerts
    # and reports.
    screening = JSONB(default={})
    assessed_at = Timestamptz(null=True, default=None)
    places = Array(Varchar(length=200), default=list)
    # Set when the specialist edited the places: re-assessment never overwrites them then.
    places_edited_at = Timestamptz(null=True, default=None)
    # The first copy of the same complaint posted again (another network, another account):
    # app.intake.duplicates links it at intake; the «Новые» queue groups them.
    duplicate_of: ForeignKey[Message] = ForeignKey(
        "self", null=True, default=None, index=True, on_delete=OnDelete.set_null
    )
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


class OutgoingReply(Table):
    """An approved answer on its way into the citizen's thread through a connector (the
    outbox, issue #14; states and retries: app.domain.outbox). One per draft: `key` is
    `otklik-draft-<draft id>`, the idempotency key the network gets where it takes one."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False)
    message = ForeignKey(Message, null=False, index=True)
    assignment = ForeignKey(Assignment, null=False)
    draft = ForeignKey(Draft, null=False)
    kind = Varchar(length=20, default="final")  # the draft's kind
    account = ForeignKey(SocialAccount, null=False)
    thread = Varchar(length=200, default="")  # the citizen's item's external id
    text = Text(default="")
    key = Varchar(length=100, unique=True)
    state = Varchar(length=20, default="queued", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None)
    posting_since = Timestamptz(null=True, default=None)  # the current attempt began
    last_error = Text(default="")  # Russian, as the case page shows it
    reply_external_id = Varchar(length=200, default="")
    reply_url = Varchar(length=1000, default="")
    requested_by = ForeignKey(User, null=True, default=None)
    requested_at = Timestamptz(default=TimestamptzNow())
    posted_at = Timestamptz(null=True, default=None)
    escalated_at = Timestamptz(null=True, default=None)  # the publisher was told it fails
