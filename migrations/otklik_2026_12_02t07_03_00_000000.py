"""Networks enabled by the administrator (Penza p.4, Parfino p.3); the topic dictionary (p.7)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Array,
    Boolean,
    ForeignKey,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T07:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "organisation.enabled_networks; topic dictionary"


class Organisation(Table, tablename="organisation", schema=None):
    id = Serial(null=False, primary_key=True)


class User(Table, tablename="app_user", schema=None):
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


def _varchar(length: int) -> Varchar:
    return Varchar(length=length, default="", null=False)


def _fk(references: type[Table], null: bool, index: bool) -> dict[str, object]:
    return _params(
        references=references,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        null=null,
        index=index,
        default=None,
    )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Organisation",
        tablename="organisation",
        column_name="enabled_networks",
        db_column_name="enabled_networks",
        column_class_name="Array",
        column_class=Array,
        params=_params(default=list, base_column=_varchar(20)),
        schema=None,
    )

    manager.add_table(class_name="Topic", tablename="topic", schema=None, columns=None)
    columns: list[tuple[str, str, type, dict[str, object]]] = [
        ("id", "Serial", Serial, _params(primary_key=True)),
        ("organisation", "ForeignKey", ForeignKey, _fk(Organisation, null=False, index=True)),
        ("name", "Varchar", Varchar, _params(length=120, default="")),
        ("key", "Varchar", Varchar, _params(length=120, default="")),
        ("synonyms", "Array", Array, _params(default=list, base_column=_varchar(120))),
        ("is_active", "Boolean", Boolean, _params(default=True)),
        ("is_suggestion", "Boolean", Boolean, _params(default=False)),
        ("suggested_by", "ForeignKey", ForeignKey, _fk(User, null=True, index=False)),
        ("created_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow())),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="Topic",
            tablename="topic",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )

    return manager
