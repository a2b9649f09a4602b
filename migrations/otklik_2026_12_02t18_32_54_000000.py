"""Qualified electronic signature (issue #18): how an organisation signs (signing_profile),
the roots its admin trusts (trusted_root), and the detached signature beside a report file."""

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
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T18:32:54:000000"
VERSION = "1.38.0"
DESCRIPTION = "signing_profile, trusted_root; report: signature_path"


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


def _fk(
    references: type[Table], null: bool = False, index: bool = False, unique: bool = False
) -> dict[str, object]:
    return _params(
        references=references,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        null=null,
        index=index,
        unique=unique,
        default=None,
    )


Columns = list[tuple[str, str, type, dict[str, object]]]

PROFILE: Columns = [
    ("id", "Serial", Serial, _params(primary_key=True)),
    ("organisation", "ForeignKey", ForeignKey, _fk(Organisation, unique=True)),
    ("kind", "Varchar", Varchar, _params(length=20, default="pades")),
    ("certificate_pem", "Text", Text, _params(default="")),
    ("subject", "Varchar", Varchar, _params(length=300, default="")),
    ("serial", "Varchar", Varchar, _params(length=100, default="")),
    ("not_before", "Timestamptz", Timestamptz, _params(null=True, default=None)),
    ("not_after", "Timestamptz", Timestamptz, _params(null=True, default=None)),
    ("sealed_key", "Text", Text, _params(default="")),
    ("command", "Text", Text, _params(default="")),
    ("command_timeout", "Integer", Integer, _params(default=60)),
    ("updated_by", "ForeignKey", ForeignKey, _fk(User, null=True)),
    ("updated_at", "Timestamptz", Timestamptz, _params(default=None, null=True)),
]

ROOT: Columns = [
    ("id", "Serial", Serial, _params(primary_key=True)),
    ("organisation", "ForeignKey", ForeignKey, _fk(Organisation, index=True)),
    ("subject", "Varchar", Varchar, _params(length=300, default="")),
    ("serial", "Varchar", Varchar, _params(length=100, default="")),
    ("not_after", "Timestamptz", Timestamptz, _params(null=True, default=None)),
    ("certificate_pem", "Text", Text, _params(default="")),
    ("fingerprint", "Varchar", Varchar, _params(length=64, default="")),
    ("added_by", "ForeignKey", ForeignKey, _fk(User, null=True)),
    ("added_at", "Timestamptz", Timestamptz, _params(default=None, null=True)),
]


def _add(manager: MigrationManager, class_name: str, tablename: str, columns: Columns) -> None:
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


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)
    _add(manager, "SigningProfile", "signing_profile", PROFILE)
    _add(manager, "TrustedRoot", "trusted_root", ROOT)
    manager.add_column(
        table_class_name="Report",
        tablename="report",
        column_name="signature_path",
        db_column_name="signature_path",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=500, default=""),
        schema=None,
    )
    return manager
