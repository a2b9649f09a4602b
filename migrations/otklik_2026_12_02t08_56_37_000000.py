"""Network connectors (issue #14): connector settings and health of a connected account."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Text, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T08:56:37:000000"
VERSION = "1.38.0"
DESCRIPTION = "social_account: api_base, mode, cursor, last_event_at, last_error, paused"


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
        ("api_base", "Varchar", Varchar, _params(length=500, default="")),
        ("mode", "Varchar", Varchar, _params(length=20, default="longpoll")),
        ("cursor", "Varchar", Varchar, _params(length=200, default="")),
        ("last_event_at", "Timestamptz", Timestamptz, _params(null=True, default=None)),
        ("last_error", "Text", Text, _params(default="")),
        ("paused", "Boolean", Boolean, _params(default=False)),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="SocialAccount",
            tablename="social_account",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
