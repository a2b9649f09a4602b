"""Hardening (issue #13): a per-organisation quota for draft attachments on disk."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T07:57:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "media quota per organisation"

FIVE_GIB = 5 * 1024**3


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Organisation",
        tablename="organisation",
        column_name="media_quota_bytes",
        db_column_name="media_quota_bytes",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": FIVE_GIB,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
