"""Screening assistance (issue #15): what the system suggests for a message, and its places."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, Array, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T15:36:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "message: screening, assessed_at, places"

FORWARDS_SQL = (
    "CREATE INDEX IF NOT EXISTS message_places_gin ON message USING gin (places)",
    """CREATE INDEX IF NOT EXISTS message_unassessed ON message (collected_at)
    WHERE assessed_at IS NULL""",
)
BACKWARDS_SQL = (
    "DROP INDEX IF EXISTS message_unassessed",
    "DROP INDEX IF EXISTS message_places_gin",
)


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
        ("screening", "JSONB", JSONB, _params(default={})),
        ("assessed_at", "Timestamptz", Timestamptz, _params(null=True, default=None)),
        (
            "places",
            "Array",
            Array,
            _params(default=list, base_column=Varchar(length=200, default="", null=False)),
        ),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="Message",
            tablename="message",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )

    async def run() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        for statement in FORWARDS_SQL:
            await engine._run_in_new_connection(statement)

    async def run_backwards() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        for statement in BACKWARDS_SQL:
            await engine._run_in_new_connection(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
