"""Screening assistance (issue #15): the indexes of message.places and of unassessed messages."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T15:37:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "message: places (GIN) and unassessed indexes"

FORWARDS_SQL = (
    "CREATE INDEX IF NOT EXISTS message_places_gin ON message USING gin (places)",
    """CREATE INDEX IF NOT EXISTS message_unassessed ON message (collected_at)
    WHERE assessed_at IS NULL""",
)
BACKWARDS_SQL = (
    "DROP INDEX IF EXISTS message_unassessed",
    "DROP INDEX IF EXISTS message_places_gin",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)

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
