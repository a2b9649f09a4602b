"""Network connectors' durable inbox: what webhooks brought, until the worker stores it."""

from __future__ import annotations

from piccolo.columns import JSONB, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.db.tables.organisation import SocialAccount


class NetworkEvent(Table):
    """One item a network called us with (webhook mode), stored by the web at once and
    turned into a message by the worker (app.connectors.inbox).

    (account, event_key) is unique: a network repeating the same call (VK until it hears
    "ok", Telegram until a 2xx) inserts nothing new. `payload` is the serialised Incoming
    (app.connectors.inbox.incoming_to_json)."""

    id = Serial(primary_key=True)
    account = ForeignKey(SocialAccount, null=False, on_delete=OnDelete.cascade)
    event_key = Varchar(length=200)
    kind = Varchar(length=20, default="message")
    payload = JSONB(default={})
    received_at = Timestamptz(default=TimestamptzNow())
    processed_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    last_error = Text(default="")
