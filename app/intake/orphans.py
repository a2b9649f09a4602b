"""The sweep of orphan attachment files: on disk, older than a day, and no draft refers to them.

An upload is placed inside the transaction that stores its draft row and deleted when the
action is refused, so orphans come only from a crash between the two (or a file received
for an action that never ran). Drafts are versions that are never deleted, so a file a
draft refers to is kept for good. Only names this app writes are touched.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import anyio.to_thread

from app.core.config import get_settings
from app.db.tables import Draft
from app.intake.uploads import INCOMING

ORPHAN_AGE_SECONDS = 24 * 3600
# <id>, <id>.json and the temporary .<id>.part / .<id>.json.part of an interrupted write.
STORED_NAME = re.compile(r"^\.?(?P<id>[0-9a-f]{32})(\.json)?(\.part)?$")


async def referenced_file_ids(organisation_id: int) -> frozenset[str]:
    """The ids of every file some draft of the organisation has attached."""
    rows = await Draft.raw(
        "SELECT DISTINCT a->>'id' AS id FROM draft d "
        "CROSS JOIN LATERAL jsonb_array_elements("
        "CASE WHEN jsonb_typeof(d.attachments) = 'array' THEN d.attachments ELSE '[]' END) a "
        "WHERE d.organisation = {}",
        organisation_id,
    )
    return frozenset(str(r["id"]) for r in rows if r["id"])


def _organisation_ids(root: Path) -> list[int]:
    ids: set[int] = set()
    for parent in (root, root / INCOMING):
        if parent.is_dir():
            ids |= {int(p.name) for p in parent.iterdir() if p.is_dir() and p.name.isdigit()}
    return sorted(ids)


def _sweep_directory(directory: Path, keep: frozenset[str], cutoff: float) -> int:
    removed = 0
    if not directory.is_dir():
        return 0
    with os.scandir(directory) as entries:
        for entry in entries:
            match = STORED_NAME.match(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            if match["id"] in keep or entry.stat().st_mtime >= cutoff:
                continue
            Path(entry.path).unlink(missing_ok=True)
            removed += 1
    return removed


async def sweep_orphans(now: float | None = None, age: float = ORPHAN_AGE_SECONDS) -> int:
    """Delete orphan files older than `age` seconds (file time, not the app clock); a count."""
    root = get_settings().media_dir
    cutoff = (time.time() if now is None else now) - age
    removed = 0
    for organisation_id in await anyio.to_thread.run_sync(_organisation_ids, root):
        # Read after listing: a row stored meanwhile refers to a file younger than a day.
        keep = await referenced_file_ids(organisation_id)
        for directory in (root / str(organisation_id), root / INCOMING / str(organisation_id)):
            removed += await anyio.to_thread.run_sync(_sweep_directory, directory, keep, cutoff)
    return removed
