"""Database layer: Piccolo tables and the engine configuration."""

import os

# Piccolo finds its engine through this module path.
os.environ.setdefault("PICCOLO_CONF", "app.db.piccolo_conf")
