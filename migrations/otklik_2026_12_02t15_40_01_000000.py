"""Screening assistance (issue #15): the index of the agreement page (decisions by month).

Apart from the migration that creates the table: Piccolo runs raw SQL before added columns."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T15:40:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "screening_decision: index by organisation and time"

FORWARDS_SQL = (
    """CREATE INDEX IF NOT EXISTS screening_decision_by_month
    ON screening_decision (organisation, decided_at)""",
)
BACKWARDS_SQL = ("DROP INDEX IF EXISTS screening_decision_by_month",)


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
