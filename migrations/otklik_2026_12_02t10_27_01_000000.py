"""The webhook inbox dedupes a network's repeated call: INSERT … ON CONFLICT relies on this."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T10:27:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "network_event: unique (account, event_key), index of pending rows"

FORWARDS = (
    "ALTER TABLE network_event ADD CONSTRAINT network_event_account_event_key_unique "
    "UNIQUE (account, event_key)",
    # What the worker looks for: the rows not yet stored, oldest first.
    "CREATE INDEX network_event_pending ON network_event (id) WHERE processed_at IS NULL",
)
BACKWARDS = (
    "DROP INDEX IF EXISTS network_event_pending",
    "ALTER TABLE network_event DROP CONSTRAINT IF EXISTS network_event_account_event_key_unique",
)


async def _run(statements: tuple[str, ...]) -> None:
    from piccolo.engine import engine_finder

    engine = engine_finder()
    assert engine is not None
    for statement in statements:
        await engine._run_in_new_connection(statement)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="otklik", description=DESCRIPTION)

    async def run() -> None:
        await _run(FORWARDS)

    async def run_backwards() -> None:
        await _run(BACKWARDS)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
