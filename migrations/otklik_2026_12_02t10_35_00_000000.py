"""Network connectors (issue #14): a message's thread in its network, and its deletion there."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T10:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "message: thread_key, thread, deleted_in_network_at"


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
        ("thread_key", "Varchar", Varchar, _params(length=300, default="")),
        ("thread", "JSONB", JSONB, _params(default={})),
        ("deleted_in_network_at", "Timestamptz", Timestamptz, _params(null=True, default=None)),
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
