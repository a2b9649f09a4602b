"""Rows into view models: a frozen dataclass filled from a query's row by field name."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

ViewT = TypeVar("ViewT")


def view_of(view: type[ViewT], row: Mapping[str, Any], **extra: Any) -> ViewT:
    """The dataclass `view` with each field taken from `row` (or `extra`) by its name."""
    names = [f.name for f in dataclasses.fields(view)]  # type: ignore[arg-type]
    return view(**{name: extra[name] if name in extra else row[name] for name in names})
