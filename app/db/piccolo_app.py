"""The one Piccolo app; its migrations live in the top-level migrations/ folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="otklik",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent.parent / "migrations"),
    table_classes=table_finder(modules=["app.db.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
