"""Webhook mode (issue #14): the durable inbox of what networks called us with."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSONB,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T10:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "network_event: the webhook inbox"


class SocialAccount(Table, tablename="social_account", schema=None):
    id = Serial(null=False, primary_key=True)


def _params(**overrides: object) -> dict[str, object]:
    params: dict[str, object] = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(overrides)
    return params


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)
    manager.add_table(
        class_name="NetworkEvent", tablename="network_event", schema=None, columns=None
    )
    account = _params(
        references=SocialAccount,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        default=None,
    )
    columns: list[tuple[str, str, type, dict[str, object]]] = [
        ("id", "Serial", Serial, _params(primary_key=True)),
        ("account", "ForeignKey", ForeignKey, account),
        ("event_key", "Varchar", Varchar, _params(length=200, default="")),
        ("kind", "Varchar", Varchar, _params(length=20, default="message")),
        ("payload", "JSONB", JSONB, _params(default={})),
        ("received_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow())),
        ("processed_at", "Timestamptz", Timestamptz, _params(null=True, default=None)),
        ("attempts", "Integer", Integer, _params(default=0)),
        ("last_error", "Text", Text, _params(default="")),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="NetworkEvent",
            tablename="network_event",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
