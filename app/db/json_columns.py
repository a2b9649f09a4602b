"""JSON columns arrive as text from raw queries and as objects from typed ones."""

from __future__ import annotations

import json
from typing import Any


def json_value(value: Any) -> Any:
    """The parsed value of a JSON/JSONB column, whichever form the query returned."""
    return json.loads(value) if isinstance(value, str) else value
