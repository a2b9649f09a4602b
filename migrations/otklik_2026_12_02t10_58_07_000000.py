"""One remembered column mapping per organisation and headers: saved with ON CONFLICT."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T10:58:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique import mapping per organisation and headers"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)

    async def run() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        await engine._run_in_new_connection(
            "ALTER TABLE import_mapping ADD CONSTRAINT import_mapping_organisation_key_unique "
            "UNIQUE (organisation, headers_key)"
        )

    async def run_backwards() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        await engine._run_in_new_connection(
            "ALTER TABLE import_mapping DROP CONSTRAINT IF EXISTS "
            "import_mapping_organisation_key_unique"
        )

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
