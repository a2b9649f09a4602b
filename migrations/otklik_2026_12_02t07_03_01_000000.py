"""One dictionary entry per spelling: suggestions are stored with ON CONFLICT on this pair."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T07:03:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique topic key per organisation"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)

    async def run() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        await engine._run_in_new_connection(
            "ALTER TABLE topic ADD CONSTRAINT topic_organisation_key_unique "
            "UNIQUE (organisation, key)"
        )

    async def run_backwards() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        await engine._run_in_new_connection(
            "ALTER TABLE topic DROP CONSTRAINT IF EXISTS topic_organisation_key_unique"
        )

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
