"""`otklik backup` / `otklik restore`: a fresh embedded PostgreSQL gets the same rows, files
and key file back; a corrupted archive is refused in Russian and changes nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest

from app.cli.backup import BackupError, Places, embedded_tools, make_backup, restore_backup
from app.core.embedded import EmbeddedPostgres
from app.db.piccolo_app import APP_CONFIG
from tests.integration.cases_helpers import MSK, Clock
from tests.integration.timers_helpers import penza_case

TABLES = sorted(t._meta.tablename for t in APP_CONFIG.table_classes)
EVENT_LOG = (
    "SELECT kind, actor, at, before, after, comment FROM event WHERE message = $1 ORDER BY id"
)


@pytest.fixture(scope="module")
def fresh_postgres() -> Iterator[str]:
    """A throwaway embedded PostgreSQL in a temporary folder (short path: unix sockets)."""
    folder = Path(tempfile.mkdtemp(prefix="otk-restore-"))
    server = EmbeddedPostgres(folder / "pgdata", database="restored")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def _state(url: str, message_id: int) -> tuple[dict[str, int], list[tuple]]:
    conn = await asyncpg.connect(url)
    try:
        counts = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
        log = [tuple(row) for row in await conn.fetch(EVENT_LOG, message_id)]
    finally:
        await conn.close()
    return counts, log


def _places(url: str, root: Path) -> Places:
    folders = {"media": root / "media", "reports": root / "reports"}
    return Places(url, folders, root / "secrets.key", embedded_tools())


async def test_backup_restores_into_a_fresh_server_and_corruption_is_refused(
    demo: None, fresh_postgres: str, tmp_path: Path
) -> None:
    source_url = os.environ["DATABASE_URL"]
    clock = Clock(datetime(2025, 3, 17, 10, tzinfo=MSK))
    message_id, _ = await penza_case(clock)  # received, marked, routed: an event log
    source = _places(source_url, tmp_path / "source")
    (source.folders["media"] / "penza" / "7").mkdir(parents=True)
    (source.folders["media"] / "penza" / "7" / "photo.jpg").write_bytes(b"\xff\xd8 jpeg")
    (source.folders["media"] / ".incoming" / "1").mkdir(parents=True)
    (source.folders["media"] / ".incoming" / "1" / "arriving").write_bytes(b"half an upload")
    source.folders["reports"].mkdir()
    (source.folders["reports"] / "summary.pdf").write_bytes(b"%PDF-1.7 report")
    assert source.key_file is not None
    source.key_file.write_text("key file\n")
    archive = tmp_path / "otklik.backup"
    manifest = make_backup(archive, source)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert {"database.dump", "media/penza/7/photo.jpg", "keys/secrets.key"} <= set(
        manifest["files"]
    )
    assert not any(".incoming" in name for name in manifest["files"])

    target = _places(fresh_postgres, tmp_path / "target")
    target.folders["media"].mkdir(parents=True)
    (target.folders["media"] / "stale.jpg").write_bytes(b"replaced by the restore")
    restore_backup(archive, target)
    expected_counts, expected_log = await _state(source_url, message_id)
    counts, log = await _state(fresh_postgres, message_id)
    assert counts == expected_counts and counts["message"] > 0 and counts["event"] > 0
    assert log == expected_log and len(log) >= 3
    assert (target.folders["media"] / "penza" / "7" / "photo.jpg").read_bytes() == b"\xff\xd8 jpeg"
    assert not (target.folders["media"] / "stale.jpg").exists()
    assert (target.folders["reports"] / "summary.pdf").read_bytes() == b"%PDF-1.7 report"
    assert target.key_file is not None and target.key_file.read_text() == "key file\n"

    # A flipped byte inside the database dump: refused before anything changes.
    conn = await asyncpg.connect(fresh_postgres)
    await conn.execute(
        "DELETE FROM stored_secret; INSERT INTO stored_secret (name, sealed_value, updated_at) "
        "VALUES ('marker', 'x', now())"
    )
    await conn.close()
    data = bytearray(archive.read_bytes())
    data[data.index(b"PGDMP") + 200] ^= 0x01
    corrupted = tmp_path / "corrupted.backup"
    corrupted.write_bytes(bytes(data))
    (target.folders["media"] / "new.jpg").write_bytes(b"kept")
    with pytest.raises(BackupError) as refused:
        restore_backup(corrupted, target)
    assert "контрольная сумма файла database.dump не совпадает" in refused.value.message_ru
    assert "Ничего не изменено" in refused.value.message_ru
    counts, _ = await _state(fresh_postgres, message_id)
    assert counts["stored_secret"] == 1  # the database was not touched
    assert (target.folders["media"] / "new.jpg").read_bytes() == b"kept"
    assert not list(target.folders["media"].parent.glob(".otklik-restore-*"))

    (tmp_path / "not-a-backup").write_bytes(b"plain text")
    with pytest.raises(BackupError, match="Ничего не изменено"):
        restore_backup(tmp_path / "not-a-backup", target)
