"""Secrets at rest (issue #13): named secrets sealed with AES-GCM (SMTP password, tokens)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T08:23:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "stored_secret: named secrets sealed with AES-GCM"


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
        class_name="StoredSecret", tablename="stored_secret", schema=None, columns=None
    )
    columns: list[tuple[str, str, type, dict[str, object]]] = [
        ("id", "Serial", Serial, _params(primary_key=True)),
        ("name", "Varchar", Varchar, _params(length=200, default="", unique=True)),
        ("sealed_value", "Text", Text, _params(default="")),
        ("updated_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow())),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="StoredSecret",
            tablename="stored_secret",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
