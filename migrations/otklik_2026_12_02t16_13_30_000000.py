"""Repeats and surges (issue #15): a message's first copy, and activity alerts by address."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T16:13:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "message: duplicate_of; activity_alert: place"


class Message(Table, tablename="message", schema=None):
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
    manager.add_column(
        table_class_name="Message",
        tablename="message",
        column_name="duplicate_of",
        db_column_name="duplicate_of",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            references=Message,
            on_delete=OnDelete.set_null,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
            index=True,
            default=None,
        ),
        schema=None,
    )
    manager.add_column(
        table_class_name="ActivityAlert",
        tablename="activity_alert",
        column_name="place",
        db_column_name="place",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=200, default=""),
        schema=None,
    )
    return manager
