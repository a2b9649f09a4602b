"""Reading untrusted form fields: bounded text, integers and lists."""

from __future__ import annotations

from typing import Any

MAX_LIST = 50


def form_text(data: dict[str, Any], key: str, limit: int) -> str:
    """A text field, at most `limit` characters (the service validates further)."""
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)[: limit + 1]


def form_int(data: dict[str, Any], key: str) -> int | None:
    """An integer field, or None when absent or malformed."""
    value = form_text(data, key, 20).strip()
    return int(value) if value.isdigit() else None


def form_list(data: dict[str, Any], key: str, limit: int = 200) -> list[str]:
    """A multi-valued field (checkboxes) or a comma-separated text, bounded."""
    value = data.get(key, [])
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip()[:limit] for v in items[:MAX_LIST] if str(v).strip()]
