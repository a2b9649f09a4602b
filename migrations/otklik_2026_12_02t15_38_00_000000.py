"""Screening assistance (issue #15): each organisation's routing knowledge."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSONB, ForeignKey, Integer, Serial, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T15:38:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "routing_knowledge"


class Organisation(Table, tablename="organisation", schema=None):
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


COLUMNS: list[tuple[str, str, type, dict[str, object]]] = [
    ("id", "Serial", Serial, _params(primary_key=True)),
    (
        "organisation",
        "ForeignKey",
        ForeignKey,
        _params(
            references=Organisation,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            unique=True,
            default=None,
        ),
    ),
    ("state", "JSONB", JSONB, _params(default={})),
    ("examples", "Integer", Integer, _params(default=0)),
    ("learned_through", "Integer", Integer, _params(default=0)),
    ("updated_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow())),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)
    manager.add_table(
        class_name="RoutingKnowledge", tablename="routing_knowledge", schema=None, columns=None
    )
    for name, column_class_name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="RoutingKnowledge",
            tablename="routing_knowledge",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
