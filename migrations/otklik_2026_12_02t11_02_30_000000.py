"""The outbox (issue #14): answers on their way into the network through a connector."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T11:02:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "outgoing_reply: the outbox of answers posted through connectors"


class Organisation(Table, tablename="organisation", schema=None):
    id = Serial(null=False, primary_key=True)


class Message(Table, tablename="message", schema=None):
    id = Serial(null=False, primary_key=True)


class Assignment(Table, tablename="assignment", schema=None):
    id = Serial(null=False, primary_key=True)


class Draft(Table, tablename="draft", schema=None):
    id = Serial(null=False, primary_key=True)


class SocialAccount(Table, tablename="social_account", schema=None):
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


def _stamp(**overrides: object) -> dict[str, object]:
    return _params(**{"null": True, "default": None, **overrides})


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)
    manager.add_table(
        class_name="OutgoingReply", tablename="outgoing_reply", schema=None, columns=None
    )
    columns: list[tuple[str, str, type, dict[str, object]]] = [
        ("id", "Serial", Serial, _params(primary_key=True)),
        ("organisation", "ForeignKey", ForeignKey, _fk(Organisation)),
        ("message", "ForeignKey", ForeignKey, _fk(Message, index=True)),
        ("assignment", "ForeignKey", ForeignKey, _fk(Assignment)),
        ("draft", "ForeignKey", ForeignKey, _fk(Draft)),
        ("kind", "Varchar", Varchar, _params(length=20, default="final")),
        ("account", "ForeignKey", ForeignKey, _fk(SocialAccount)),
        ("thread", "Varchar", Varchar, _params(length=200, default="")),
        ("text", "Text", Text, _params(default="")),
        ("key", "Varchar", Varchar, _params(length=100, default="", unique=True)),
        ("state", "Varchar", Varchar, _params(length=20, default="queued", index=True)),
        ("attempts", "Integer", Integer, _params(default=0)),
        ("next_attempt_at", "Timestamptz", Timestamptz, _stamp()),
        ("posting_since", "Timestamptz", Timestamptz, _stamp()),
        ("last_error", "Text", Text, _params(default="")),
        ("reply_external_id", "Varchar", Varchar, _params(length=200, default="")),
        ("reply_url", "Varchar", Varchar, _params(length=1000, default="")),
        ("requested_by", "ForeignKey", ForeignKey, _fk(User, null=True)),
        ("requested_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow())),
        ("posted_at", "Timestamptz", Timestamptz, _stamp()),
        ("escalated_at", "Timestamptz", Timestamptz, _stamp()),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="OutgoingReply",
            tablename="outgoing_reply",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
