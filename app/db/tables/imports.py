"""Imports of monitoring systems' exports (CSV/XLSX) on «Ручной ввод» (issue #14)."""

from __future__ import annotations

from piccolo.columns import JSONB, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.db.tables.organisation import Organisation, User


class ImportBatch(Table):
    """One uploaded file: its rows wait here between the preview and the import.

    The import runs in steps; `position` rows are done, with their counts and problems.
    The rows are dropped when it is done; the result stays."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    filename = Varchar(length=200, default="")
    source = Varchar(length=200, default="")  # how the file was read (format, encoding)
    headers = JSONB(default=[])
    headers_key = Varchar(length=64, default="")
    rows = JSONB(default=[])  # [[row number in the file, [cell, …]], …]
    row_count = Integer(default=0)
    state = Varchar(length=20, default="preview")  # preview → importing → done
    mapping = JSONB(default={})  # app.domain.import_mapping.ColumnMapping.to_json()
    position = Integer(default=0)
    imported = Integer(default=0)
    existing = Integer(default=0)
    failed = Integer(default=0)
    problems = JSONB(default=[])  # [[row number, Russian text], …], the first ones
    finished_at = Timestamptz(null=True, default=None)


class ImportMapping(Table):
    """The column mapping an organisation chose for files with these headers (remembered)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    headers_key = Varchar(length=64)
    mapping = JSONB(default={})
    updated_at = Timestamptz(default=TimestamptzNow())
