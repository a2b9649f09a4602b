"""Screening assistance (issue #15): what the system suggests for a message, and its places.

Their indexes are in the next migration: Piccolo runs raw SQL before the columns are added."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, Array, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T15:36:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "message: screening, assessed_at, places"


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
    columns: list[tuple[str, str, type, dict[str, object]]] = [
        ("screening", "JSONB", JSONB, _params(default={})),
        ("assessed_at", "Timestamptz", Timestamptz, _params(null=True, default=None)),
        (
            "places",
            "Array",
            Array,
            _params(default=list, base_column=Varchar(length=200, default="", null=False)),
        ),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="Message",
            tablename="message",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )

    return manager
