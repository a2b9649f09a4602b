"""Screening assistance (issue #15): what each organisation's routing suggestions learned."""

from __future__ import annotations

from piccolo.columns import JSONB, ForeignKey, Integer, Serial, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.db.tables.organisation import Organisation


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
