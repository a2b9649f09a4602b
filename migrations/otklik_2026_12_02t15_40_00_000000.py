"""Screening assistance (issue #15): the specialist's decisions against the suggestions, and
the mark that a message's places are the specialist's (re-assessment leaves them alone)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSONB,
    Boolean,
    ForeignKey,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T15:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "screening_decision; message: places_edited_at"


class Organisation(Table, tablename="organisation", schema=None):
    id = Serial(null=False, primary_key=True)


class Message(Table, tablename="message", schema=None):
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


def _fk(references: type[Table], null: bool = False, index: bool = False) -> dict[str, object]:
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
    manager.add_table(
        class_name="ScreeningDecision", tablename="screening_decision", schema=None, columns=None
    )
    columns: list[tuple[str, str, type, dict[str, object]]] = [
        ("id", "Serial", Serial, _params(primary_key=True)),
        ("organisation", "ForeignKey", ForeignKey, _fk(Organisation)),
        ("message", "ForeignKey", ForeignKey, _fk(Message, index=True)),
        ("kind", "Varchar", Varchar, _params(length=20, default="")),
        ("suggested", "JSONB", JSONB, _params(default={})),
        ("decided", "JSONB", JSONB, _params(default={})),
        ("agreed", "Boolean", Boolean, _params(default=False)),
        ("decided_by", "ForeignKey", ForeignKey, _fk(User, null=True)),
        ("decided_at", "Timestamptz", Timestamptz, _params(null=True, default=None)),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="ScreeningDecision",
            tablename="screening_decision",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    manager.add_column(
        table_class_name="Message",
        tablename="message",
        column_name="places_edited_at",
        db_column_name="places_edited_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(null=True, default=None),
        schema=None,
    )
    return manager
