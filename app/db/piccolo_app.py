"""The one Piccolo app; its migrations live in the top-level migrations/ folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

# The modules of app/db/tables/ (each declares its own tables; __init__ only re-exports).
TABLE_AREAS = (
    "organisation",
    "cases",
    "oversight",
    "reports",
    "secrets",
    "imports",
    "connectors",
    "screening",
)

APP_CONFIG = AppConfig(
    app_name="otklik",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations"),
    table_classes=table_finder(
        modules=[f"app.db.tables.{area}" for area in TABLE_AREAS],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
