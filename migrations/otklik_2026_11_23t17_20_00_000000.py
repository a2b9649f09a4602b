"""Queue indexes: Russian full-text search, open cases by deadline, new messages by time."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T17:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "russian full-text index on messages"

# The query in app/services/queues.py must use exactly this expression to hit the index.
FORWARDS = (
    "CREATE INDEX message_search_russian ON message USING gin "
    "(to_tsvector('russian', coalesce(text, '') || ' ' || coalesce(author_name, '')))",
    # The open-case queues sort by the nearest binding deadline.
    "CREATE INDEX message_open_by_deadline ON message (organisation, binding_due_at, id) "
    "WHERE state IN ('handing_over', 'routing', 'in_work')",
    "CREATE INDEX message_new_by_collected ON message (organisation, collected_at DESC) "
    "WHERE state = 'collected'",
)
BACKWARDS = (
    "DROP INDEX IF EXISTS message_new_by_collected",
    "DROP INDEX IF EXISTS message_open_by_deadline",
    "DROP INDEX IF EXISTS message_search_russian",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)

    async def run() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        for statement in FORWARDS:
            await engine._run_in_new_connection(statement)

    async def run_backwards() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        for statement in BACKWARDS:
            await engine._run_in_new_connection(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
