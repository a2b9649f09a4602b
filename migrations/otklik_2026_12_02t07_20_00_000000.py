"""Regulation round 2 (issue #12): the screening wait of a message, other breaches and the
official's decision on any breach (Penza p.19, Parfino p.22), and report recipients by
agreement (Penza p.20)."""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSONB, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T07:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "screening wait, other breaches, breach decisions, report recipients"


class User(Table, tablename="app_user", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False)


def _params(**extra: Any) -> dict[str, Any]:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


def _user_fk() -> dict[str, Any]:
    return _params(
        references=User,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        null=True,
        default=None,
    )


# (table class, table, column, column class, params)
COLUMNS = (
    ("Message", "message", "screening_wait_minutes", Integer, _params(default=None, null=True)),
    ("Violation", "violation", "kind", Varchar, _params(default="deadline", length=40)),
    ("Violation", "violation", "description", Text, _params(default="")),
    ("Violation", "violation", "recorded_by", ForeignKey, _user_fk()),
    ("Violation", "violation", "decision", Text, _params(default="")),
    ("Violation", "violation", "measures", Text, _params(default="")),
    ("Violation", "violation", "decided_by", ForeignKey, _user_fk()),
    ("Violation", "violation", "decided_at", Timestamptz, _params(default=None, null=True)),
    ("Organisation", "organisation", "report_recipients", JSONB, _params(default="{}")),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)
    for class_name, tablename, column, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=column,
            db_column_name=column,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
