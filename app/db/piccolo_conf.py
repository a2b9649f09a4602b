"""Piccolo configuration: the engine from DATABASE_URL (set by the CLI for embedded servers)."""

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

DB = PostgresEngine(
    config={"dsn": os.environ.get("DATABASE_URL", "postgresql://postgres:@localhost/otklik")},
    # pgserver bundles no uuid-ossp; we need no extension.
    extensions=(),
)

APP_REGISTRY = AppRegistry(apps=["app.db.piccolo_app"])
