"""Intake is idempotent per organisation: INSERT … ON CONFLICT relies on this constraint."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T17:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique message identity per organisation"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)

    async def run() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        await engine._run_in_new_connection(
            "ALTER TABLE message ADD CONSTRAINT message_organisation_dedup_key_unique "
            "UNIQUE (organisation, dedup_key)"
        )

    async def run_backwards() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        await engine._run_in_new_connection(
            "ALTER TABLE message DROP CONSTRAINT IF EXISTS message_organisation_dedup_key_unique"
        )

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
