"""One preference per user and kind: set_preference upserts with ON CONFLICT on this pair."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T17:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique notification preference per user and kind; pending e-mail index"

FORWARDS = (
    "ALTER TABLE notification_preference ADD CONSTRAINT notification_preference_user_kind_unique "
    "UNIQUE (\"user\", kind)",
    # The mailer claims due e-mails by this partial index.
    "CREATE INDEX notification_email_due ON notification (email_next_attempt_at) "
    "WHERE email_status = 'pending'",
    # Unread counts for the bell.
    "CREATE INDEX notification_unread ON notification (\"user\") WHERE read_at IS NULL",
)
BACKWARDS = (
    "DROP INDEX IF EXISTS notification_unread",
    "DROP INDEX IF EXISTS notification_email_due",
    "ALTER TABLE notification_preference "
    "DROP CONSTRAINT IF EXISTS notification_preference_user_kind_unique",
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
