"""Screening assistance (issue #15): what each organisation's routing suggestions learned,
and the specialists' decisions against the suggestions."""

from __future__ import annotations

from piccolo.columns import JSONB, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.db.tables.cases import Message
from app.db.tables.organisation import Organisation, User


class RoutingKnowledge(Table):
    """The organisation's routing model (app.domain.screening.routing counts as JSON).

    `state` holds only what was learned from routed cases and imported histories (the
    cold-start pseudo-examples are rebuilt from departments and topics when loaded);
    `learned_through` is the last Assignment id the worker learned from, so each routing is
    learned exactly once."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, unique=True)
    state = JSONB(default={})
    examples = Integer(default=0)
    learned_through = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())


class ScreeningDecision(Table):
    """What the specialist decided against what screening assistance suggested (issue #15),
    written in the transaction of the decision itself (mark, refuse, route). `kind` is
    flags | importance | topic | department (app.domain.screening.agreement)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False)
    message = ForeignKey(Message, null=False, index=True)
    kind = Varchar(length=20, default="")
    suggested = JSONB(default={})
    decided = JSONB(default={})
    agreed = Boolean(default=False)
    decided_by = ForeignKey(User, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
