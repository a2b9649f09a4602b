"""Imports of monitoring systems' exports (issue #14): uploaded files, remembered mappings."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSONB, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T10:58:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "import_batch, import_mapping"


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


BATCH: list[tuple[str, str, type, dict[str, object]]] = [
    ("id", "Serial", Serial, _params(primary_key=True)),
    ("organisation", "ForeignKey", ForeignKey, _fk(Organisation, null=False, index=True)),
    ("created_by", "ForeignKey", ForeignKey, _fk(User, null=True, index=False)),
    ("created_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow())),
    ("filename", "Varchar", Varchar, _params(length=200, default="")),
    ("source", "Varchar", Varchar, _params(length=200, default="")),
    ("headers", "JSONB", JSONB, _params(default=[])),
    ("headers_key", "Varchar", Varchar, _params(length=64, default="")),
    ("rows", "JSONB", JSONB, _params(default=[])),
    ("row_count", "Integer", Integer, _params(default=0)),
    ("state", "Varchar", Varchar, _params(length=20, default="preview")),
    ("mapping", "JSONB", JSONB, _params(default={})),
    ("position", "Integer", Integer, _params(default=0)),
    ("imported", "Integer", Integer, _params(default=0)),
    ("existing", "Integer", Integer, _params(default=0)),
    ("failed", "Integer", Integer, _params(default=0)),
    ("problems", "JSONB", JSONB, _params(default=[])),
    ("finished_at", "Timestamptz", Timestamptz, _params(null=True, default=None)),
]
MAPPING: list[tuple[str, str, type, dict[str, object]]] = [
    ("id", "Serial", Serial, _params(primary_key=True)),
    ("organisation", "ForeignKey", ForeignKey, _fk(Organisation, null=False, index=True)),
    ("headers_key", "Varchar", Varchar, _params(length=64, default="")),
    ("mapping", "JSONB", JSONB, _params(default={})),
    ("updated_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow())),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)
    for class_name, tablename, columns in (
        ("ImportBatch", "import_batch", BATCH),
        ("ImportMapping", "import_mapping", MAPPING),
    ):
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class_name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class_name,
                column_class=column_class,
                params=params,
                schema=None,
            )

    return manager
