"""Connector health (issue #14): rate-limit waits, the token refused, a message's account."""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Serial, Timestamptz
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T10:48:20:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "social_account: rate_limited_until, rate_limit_waits, auth_failed_at; message: source_account"
)


class SocialAccount(Table, tablename="social_account", schema=None):
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


# (table class, table, column, column class, params)
COLUMNS = (
    (
        "SocialAccount",
        "social_account",
        "rate_limited_until",
        Timestamptz,
        _params(null=True, default=None),
    ),
    ("SocialAccount", "social_account", "rate_limit_waits", Integer, _params(default=0)),
    (
        "SocialAccount",
        "social_account",
        "auth_failed_at",
        Timestamptz,
        _params(null=True, default=None),
    ),
    (
        "Message",
        "message",
        "source_account",
        ForeignKey,
        _params(
            references=SocialAccount,
            on_delete=OnDelete.set_null,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
            default=None,
        ),
    ),
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
