"""Imports of monitoring systems' exports: the uploaded table waits for its column mapping,
then its rows go through the intake one by one, in steps a request can afford.

Idempotent like the intake: a row already stored (network + external id, else URL) counts as
«уже были» and changes nothing stored (a changed text becomes an edit event, as from the
API). A step takes at most STEP_ROWS rows or about STEP_SECONDS; it works in chunks whose
counts are saved only if no other step did that chunk meanwhile (the position is checked),
so two tabs or a repeated request never count a row twice, and a request broken off loses
no row: its unsaved chunk is done again by the next step, idempotently.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core import clock
from app.db.tables import ImportBatch, ImportMapping
from app.domain.import_mapping import (
    ColumnMapping,
    guess_mapping,
    headers_key,
    incoming_from_row,
    row_problem_ru,
)
from app.domain.intake import IntakeError
from app.identity.organisations import OrganisationRules
from app.intake.import_files import MAX_COLUMNS, Table
from app.intake.messages import intake_message
from app.journal.events import EventActor

STEP_ROWS = 1_000
STEP_SECONDS = 10.0
CHUNK_ROWS = 50
MAX_PROBLEMS = 500  # problems listed on the result page; the count is always exact
PREVIEW_ROWS = 10
STALE_PREVIEW = timedelta(days=1)
RECENT = 5


class ImportNotFound(Exception):
    """No such import in this organisation."""


@dataclass(frozen=True)
class BatchView:
    """An uploaded file as the pages show it."""

    id: int
    filename: str
    source: str
    headers: tuple[str, ...]
    row_count: int
    state: str
    mapping: ColumnMapping
    remembered: bool  # the mapping was chosen earlier for a file with the same headers
    preview: tuple[tuple[int, tuple[str, ...]], ...]
    position: int
    imported: int
    existing: int
    failed: int
    problems: tuple[tuple[int, str], ...]
    created_at: datetime
    finished_at: datetime | None

    @property
    def done(self) -> bool:
        """Every row has been through the intake."""
        return self.state == "done"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def store_upload(organisation_id: int, user_id: int, filename: str, table: Table) -> int:
    """Keep the file's table for its preview; returns the import's id.

    Previews nobody imported within a day are deleted first (their rows are the bulk)."""
    await ImportBatch.delete().where(
        (ImportBatch.organisation == organisation_id)
        & (ImportBatch.state == "preview")
        & (ImportBatch.created_at < clock.now() - STALE_PREVIEW)
    )
    rows = await ImportBatch.insert(
        ImportBatch(
            organisation=organisation_id,
            created_by=user_id,
            created_at=clock.now(),
            filename=filename[:200],
            source=table.source[:200],
            headers=list(table.headers),
            headers_key=headers_key(table.headers),
            rows=[[number, list(cells)] for number, cells in table.rows],
            row_count=len(table.rows),
        )
    ).returning(ImportBatch.id)
    return int(rows[0]["id"])


async def _remembered(organisation_id: int, key: str, width: int) -> ColumnMapping | None:
    row = (
        await ImportMapping.select(ImportMapping.mapping)
        .where((ImportMapping.organisation == organisation_id) & (ImportMapping.headers_key == key))
        .first()
    )
    return ColumnMapping.from_json(_json(row["mapping"]), width) if row else None


async def load_batch(organisation_id: int, batch_id: int) -> BatchView:
    """The import with its first rows; ImportNotFound outside the organisation."""
    rows = await ImportBatch.raw(
        "SELECT id, filename, source, headers, headers_key, row_count, state, mapping, "
        "position, imported, existing, failed, problems, created_at, finished_at, "
        "jsonb_path_query_array(rows, {}::jsonpath) AS preview "
        "FROM import_batch WHERE id = {} AND organisation = {}",
        f"$[0 to {PREVIEW_ROWS - 1}]",
        batch_id,
        organisation_id,
    )
    if not rows:
        raise ImportNotFound(batch_id)
    row = rows[0]
    headers = tuple(str(h) for h in _json(row["headers"]))
    stored = _json(row["mapping"])
    found = None if stored else await _remembered(organisation_id, row["headers_key"], len(headers))
    if stored:
        mapping = ColumnMapping.from_json(stored, len(headers))
    else:
        mapping = found or ColumnMapping(guess_mapping(headers))
    return BatchView(
        id=int(row["id"]),
        filename=row["filename"],
        source=row["source"],
        headers=headers,
        row_count=int(row["row_count"]),
        state=row["state"],
        mapping=mapping,
        remembered=found is not None,
        preview=tuple((int(n), tuple(cells)) for n, cells in _json(row["preview"])),
        position=int(row["position"]),
        imported=int(row["imported"]),
        existing=int(row["existing"]),
        failed=int(row["failed"]),
        problems=tuple((int(n), str(text)) for n, text in _json(row["problems"])),
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


async def recent_imports(organisation_id: int) -> list[dict[str, Any]]:
    """The organisation's latest imports with their counts, newest first."""
    return list(
        await ImportBatch.select(
            ImportBatch.id,
            ImportBatch.filename,
            ImportBatch.state,
            ImportBatch.row_count,
            ImportBatch.imported,
            ImportBatch.existing,
            ImportBatch.failed,
            ImportBatch.created_at,
        )
        .where(ImportBatch.organisation == organisation_id)
        .order_by(ImportBatch.id, ascending=False)
        .limit(RECENT)
    )


async def start_import(organisation_id: int, batch_id: int, mapping: ColumnMapping) -> None:
    """Fix the mapping of a previewed file and remember it for files with the same headers.

    An import already started keeps the mapping it started with."""
    started = await ImportBatch.raw(
        "UPDATE import_batch SET state = 'importing', mapping = {}::jsonb "
        "WHERE id = {} AND organisation = {} AND state = 'preview' RETURNING headers_key",
        json.dumps(mapping.to_json()),
        batch_id,
        organisation_id,
    )
    if not started:
        return
    await ImportMapping.insert(
        ImportMapping(
            organisation=organisation_id,
            headers_key=started[0]["headers_key"],
            mapping=mapping.to_json(),
            updated_at=clock.now(),
        )
    ).on_conflict(
        target=(ImportMapping.organisation, ImportMapping.headers_key),
        action="DO UPDATE",
        values=[ImportMapping.mapping, ImportMapping.updated_at],
    )


@dataclass
class _Counts:
    imported: int = 0
    existing: int = 0
    failed: int = 0


async def _import_rows(
    rules: OrganisationRules,
    rows: list[Any],
    mapping: ColumnMapping,
    actor: EventActor,
    counts: _Counts,
) -> list[list[Any]]:
    now = clock.now()
    problems: list[list[Any]] = []
    for number, cells in rows:
        try:
            incoming = incoming_from_row(
                [str(c) for c in cells],
                mapping,
                rules.calendar.tz,
                now,
                rules.accepted_networks,
                rules.networks_clause,
            )
        except IntakeError as error:
            counts.failed += 1
            problems.append([int(number), row_problem_ru(error.errors, mapping)])
            continue
        _, created = await intake_message(rules.id, incoming, actor)
        if created:
            counts.imported += 1
        else:
            counts.existing += 1
    return problems


async def _chunk(
    rules: OrganisationRules, batch_id: int, actor: EventActor, size: int
) -> int | None:
    """Import the next `size` rows at most: how many, 0 when finished, None when not going."""
    found = await ImportBatch.raw(
        "SELECT position, row_count, state, mapping, jsonb_array_length(problems) AS listed "
        "FROM import_batch WHERE id = {} AND organisation = {}",
        batch_id,
        rules.id,
    )
    if not found or found[0]["state"] != "importing":
        return None
    position, total = int(found[0]["position"]), int(found[0]["row_count"])
    if position >= total:
        await _finish(batch_id)
        return 0
    part = await ImportBatch.raw(
        "SELECT jsonb_path_query_array(rows, {}::jsonpath) AS part FROM import_batch WHERE id = {}",
        f"$[{position} to {min(position + size, total) - 1}]",
        batch_id,
    )
    rows = _json(part[0]["part"])
    mapping = ColumnMapping.from_json(_json(found[0]["mapping"]), MAX_COLUMNS)
    counts = _Counts()
    problems = await _import_rows(rules, rows, mapping, actor, counts)
    room = max(0, MAX_PROBLEMS - int(found[0]["listed"]))
    saved = await ImportBatch.raw(
        "UPDATE import_batch SET position = position + {}, imported = imported + {}, "
        "existing = existing + {}, failed = failed + {}, problems = problems || {}::jsonb "
        "WHERE id = {} AND position = {} RETURNING id",
        len(rows),
        counts.imported,
        counts.existing,
        counts.failed,
        json.dumps(problems[:room]),
        batch_id,
        position,
    )
    if not saved:
        return None
    if position + len(rows) >= total:
        await _finish(batch_id)
    return len(rows)


async def _finish(batch_id: int) -> None:
    """Every row is through: the rows are dropped, the counts and problems stay."""
    await ImportBatch.raw(
        "UPDATE import_batch SET state = 'done', rows = '[]'::jsonb, finished_at = {} "
        "WHERE id = {} AND state = 'importing' AND position >= row_count",
        clock.now(),
        batch_id,
    )


async def run_step(
    rules: OrganisationRules,
    batch_id: int,
    actor: EventActor,
    *,
    max_rows: int | None = None,
) -> BatchView:
    """Import the next rows of a started import: at most `max_rows` (STEP_ROWS), and no new
    chunk after STEP_SECONDS, so that a request of a 5,000-row file cannot time out."""
    limit = STEP_ROWS if max_rows is None else max_rows
    started = time.monotonic()
    done = 0
    while done < limit and time.monotonic() - started < STEP_SECONDS:
        size = await _chunk(rules, batch_id, actor, min(CHUNK_ROWS, limit - done))
        if not size:
            break
        done += size
    return await load_batch(rules.id, batch_id)
