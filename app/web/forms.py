"""Untrusted HTML forms read into typed structs: bounded text, integers, choices, lists.

A form is a frozen dataclass whose field types say how to read each input, and whose
`text_field(limit)` / `list_field(limit)` defaults bound its size:

    @dataclass(frozen=True)
    class RefuseForm:
        version: int = 0
        reason: RefusalReason | None = None
        comment: str = text_field(2000)

    form = read_form(RefuseForm, data)

Reading never raises: a malformed number or an unknown choice becomes the field's default
(None for optional fields), and text is cut one character past its limit so that the
service, which owns the rule, refuses it with a Russian message. HTML forms send one
value or many under one name, and empty strings for untouched inputs; the rules here
follow that, which the framework's strict decoders do not.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Any, TypeAlias, TypeVar, Union, get_args, get_origin, get_type_hints

from litestar.params import MultipartBody, URLEncodedBody

MAX_LIST = 50
# Ids and versions are PostgreSQL `integer` columns: a larger number names no row.
MAX_INT = 2**31 - 1
DEFAULT_TEXT_LIMIT = 200

FormT = TypeVar("FormT")
# Handler parameters: the raw form, read into a struct with read_form.
Form: TypeAlias = URLEncodedBody[dict[str, Any]]
Upload: TypeAlias = MultipartBody[dict[str, Any]]


def text_field(limit: int, default: str = "") -> Any:
    """A text field of at most `limit` characters."""
    return dataclasses.field(default=default, metadata={"limit": limit})


def list_field(limit: int = 200, count: int = MAX_LIST) -> Any:
    """A multi-valued field (checkboxes, repeated inputs or comma-separated text)."""
    return dataclasses.field(default_factory=list, metadata={"limit": limit, "count": count})


def form_text(data: Mapping[str, Any], key: str, limit: int) -> str:
    """A text field, at most `limit` characters, NUL dropped (the service validates further)."""
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    # PostgreSQL text cannot hold NUL, and nobody types one: it is dropped, not stored.
    return str(value).replace("\x00", "")[: limit + 1]


def form_int(data: Mapping[str, Any], key: str) -> int | None:
    """An integer field, or None when absent or malformed."""
    return to_int(form_text(data, key, 20))


def to_int(value: str | None) -> int | None:
    """A non-negative integer in ASCII digits that fits an integer column, else None."""
    value = (value or "").strip()
    # str.isdigit() is also true for «¹» or «٣», which int() refuses.
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_INT))):
        return None
    number = int(value)
    return number if number <= MAX_INT else None


def form_list(
    data: Mapping[str, Any], key: str, limit: int = 200, count: int = MAX_LIST
) -> list[str]:
    """A multi-valued field (checkboxes) or a comma-separated text, bounded."""
    value = data.get(key, [])
    values = value if isinstance(value, list) else str(value).split(",")
    cleaned = (str(v).replace("\x00", "").strip() for v in values[:count])
    return [v[:limit] for v in cleaned if v]


def _optional(kind: Any) -> tuple[Any, bool]:
    """(the inner type, whether None is allowed) of `X | None`."""
    if get_origin(kind) in (Union, types.UnionType):
        inner = [a for a in get_args(kind) if a is not type(None)]
        if len(inner) == 1:
            return inner[0], True
    return kind, False


@cache
def _reader(struct: Any) -> tuple[tuple[str, Any, bool, Mapping[str, Any]], ...]:
    hints = get_type_hints(struct)
    return tuple(
        (f.name, *_optional(hints[f.name]), f.metadata) for f in dataclasses.fields(struct)
    )


def read_form(struct: type[FormT], data: Mapping[str, Any]) -> FormT:
    """The dataclass `struct` read from form data, each field by its type and bounds."""
    values: dict[str, Any] = {}
    reader: Any = _reader  # functools.cache wants a Hashable; a class is one
    for name, kind, optional, meta in reader(struct):
        if name not in data:
            continue
        if kind is int:
            number = form_int(data, name)
            if number is not None or optional:
                values[name] = number
        elif kind is bool:
            values[name] = form_text(data, name, 5).strip().lower() in {"1", "on", "true", "yes"}
        elif isinstance(kind, type) and issubclass(kind, StrEnum):
            raw = form_text(data, name, 60).strip()
            if raw in kind._value2member_map_:
                values[name] = kind(raw)
            elif optional:
                values[name] = None
        elif kind is str:
            values[name] = form_text(data, name, meta.get("limit", DEFAULT_TEXT_LIMIT))
        elif get_origin(kind) is list:
            listed = form_list(
                data, name, meta.get("limit", DEFAULT_TEXT_LIMIT), meta.get("count", MAX_LIST)
            )
            values[name] = (
                [n for v in listed if (n := to_int(v)) is not None]
                if get_args(kind) == (int,)
                else listed
            )
        else:
            raise TypeError(f"{struct.__name__}.{name}: no form reader for {kind!r}")
    return struct(**values)
