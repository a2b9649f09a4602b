"""The event log is append-only: the database itself refuses UPDATE and DELETE on it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "event log is append-only"

FORWARDS_SQL = (
    """CREATE OR REPLACE FUNCTION otklik_event_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'event log is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
    FOR EACH ROW EXECUTE FUNCTION otklik_event_append_only()""",
    """CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event
    FOR EACH STATEMENT EXECUTE FUNCTION otklik_event_append_only()""",
)

BACKWARDS_SQL = (
    "DROP TRIGGER IF EXISTS event_no_truncate ON event",
    "DROP TRIGGER IF EXISTS event_append_only ON event",
    "DROP FUNCTION IF EXISTS otklik_event_append_only()",
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
