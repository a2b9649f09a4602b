"""`otklik backup FILE` and `otklik restore FILE`: database, files and key file in one archive.

The archive is a tar file: `manifest.json` first (format, time, and each member's size and
SHA-256), `database.dump` (pg_dump's custom format), `media/…` and `reports/…` (uploaded
files and archived reports under var/), and `keys/secrets.key` (the key file of secrets at
rest, when there is one: the archive opens the sealed values, so keep it as a secret).
Restore unpacks into a staging folder and checks every checksum before it changes anything,
then replaces the database schema in one transaction, swaps the folders, writes the key file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from app.core.errors import UserError

FORMAT = "otklik-backup/1"
MANIFEST = "manifest.json"
DATABASE = "database.dump"
KEY_FILE = "keys/secrets.key"
FOLDERS = ("media", "reports")
CHUNK = 1024 * 1024
# Restore waits this long for the tables, then gives up (the portal must be stopped).
LOCK_TIMEOUT = "10s"


class BackupError(UserError):
    """A backup that cannot be made, or an archive that cannot be restored (nothing changed)."""

    default_code = "backup_refused"


@dataclass(frozen=True)
class Places:
    """Where the data lives: the database, the folders under var/ and the key file."""

    database_url: str
    folders: dict[str, Path]  # archive folder name -> directory on disk
    key_file: Path | None
    tools: Path | None = None  # the directory of pg_dump/pg_restore/psql; None = PATH


def embedded_tools() -> Path:
    """The PostgreSQL binaries of the pgserver wheel (the embedded server's own version)."""
    from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _tool(places: Places, name: str) -> str:
    if places.tools is not None:
        return str(places.tools / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Программа {name} не найдена: установите клиент PostgreSQL.")
    return found


def _without_password(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the environment that carries it (not seen in `ps`)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, dict(os.environ)
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    env = {**os.environ, "PGPASSWORD": unquote(parts.password)}
    return urlunsplit(parts._replace(netloc=netloc)), env


def _run(command: list[str], what: str, url: str) -> None:
    safe_url, env = _without_password(url)
    command = [safe_url if part == url else part.replace(url, safe_url) for part in command]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    if done.returncode != 0:
        # The error text of pg_* names tables and options, never passwords (the URL is an arg).
        raise BackupError(f"{what}: {done.stderr.strip()[-500:] or done.returncode}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    """The files to keep; hidden ones (uploads still arriving in `.incoming/`) are left out."""
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
            if path.is_file() and not path.is_symlink() and not hidden:
                yield path


def make_backup(target: Path, places: Places) -> dict[str, Any]:
    """Write the archive to `target` (mode 0600, replaced atomically); return its manifest."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".otklik-backup-") as work:
        dump = Path(work) / DATABASE
        _run(
            [_tool(places, "pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={dump}", f"--dbname={places.database_url}"],
            "Выгрузка базы данных не удалась",
            places.database_url,
        )  # fmt: skip
        members: dict[str, Path] = {DATABASE: dump}
        for name, folder in places.folders.items():
            for path in _files(folder):
                members[f"{name}/{path.relative_to(folder).as_posix()}"] = path
        if places.key_file is not None and places.key_file.is_file():
            members[KEY_FILE] = places.key_file
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": {
                name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                for name, path in members.items()
            },
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = Path(work) / "archive.tar"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            tar.add(manifest_path, MANIFEST)
            for name, path in members.items():
                tar.add(path, name, recursive=False)
        partial.replace(target)
    return manifest


def _refuse(reason: str) -> BackupError:
    return BackupError(f"Архив не восстановлен: {reason}. Ничего не изменено.", "backup_corrupt")


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _unpack(archive: Path, staging: Path) -> dict[str, Any]:
    """Unpack into `staging`, checking every member against the manifest; the manifest."""
    try:
        with tarfile.open(archive, mode="r:") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise _refuse("это не архив Отклика (нет описи manifest.json)")
            manifest = json.loads(tar.extractfile(first).read())  # type: ignore[union-attr]
            ours = isinstance(manifest, dict) and manifest.get("format") == FORMAT
            expected = manifest.get("files") if ours else None
            if not isinstance(expected, dict) or DATABASE not in expected:
                raise _refuse("опись архива не в формате резервной копии Отклика")
            seen: set[str] = set()
            for member in tar:  # (iterates from the start again: skip the manifest)
                if member.offset == first.offset:
                    continue
                name = member.name
                if name not in expected or name in seen or not member.isfile():
                    raise _refuse(f"файл {name} не указан в описи")
                if not _safe_name(name):
                    raise _refuse(f"недопустимое имя файла {name}")
                seen.add(name)
                _extract_checked(tar, member, staging / name, expected[name])
            missing = sorted(set(expected) - seen)
            if missing:
                raise _refuse(f"в архиве не хватает файлов ({', '.join(missing[:3])})")
    except (tarfile.TarError, json.JSONDecodeError, UnicodeDecodeError, EOFError) as error:
        raise _refuse(f"файл повреждён ({type(error).__name__})") from error
    return dict(manifest)


def _extract_checked(tar: tarfile.TarFile, member: tarfile.TarInfo, out: Path, meta: Any) -> None:
    source = tar.extractfile(member)
    assert source is not None  # a regular file
    out.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with out.open("wb") as file:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            file.write(chunk)
    meta = meta if isinstance(meta, dict) else {}
    if member.size != meta.get("size") or digest.hexdigest() != meta.get("sha256"):
        raise _refuse(f"контрольная сумма файла {member.name} не совпадает (архив повреждён)")


def restore_backup(archive: Path, places: Places) -> dict[str, Any]:
    """Check the whole archive, then restore the database, the folders and the key file."""
    if not archive.is_file():
        raise BackupError(f"Файл {archive} не найден.")
    anchor = next(iter(places.folders.values())).parent
    anchor.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=anchor, prefix=".otklik-restore-") as work:
        staging = Path(work)
        manifest = _unpack(archive, staging)
        if KEY_FILE in manifest["files"] and places.key_file is None:
            raise BackupError(
                "В архиве есть файл ключей: задайте OTKLIK_KEY_FILE (куда его положить). "
                "Ничего не изменено."
            )
        _restore_database(staging / DATABASE, places)
        for name, folder in places.folders.items():
            _swap_folder(staging / name, folder)
        if places.key_file is not None and (staging / KEY_FILE).is_file():
            places.key_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / KEY_FILE, staging / "key.tmp")
            os.chmod(staging / "key.tmp", 0o600)
            shutil.move(staging / "key.tmp", places.key_file)
    return manifest


def _restore_database(dump: Path, places: Places) -> None:
    script = dump.with_suffix(".sql")
    _run(
        [
            _tool(places, "pg_restore"),
            "--no-owner",
            "--no-privileges",
            f"--file={script}",
            str(dump),
        ],
        "Архив не восстановлен: выгрузка базы данных не читается. Ничего не изменено",
        places.database_url,
    )
    # One transaction: the old schema goes and the dump's comes, or nothing changes.
    _run(
        [_tool(places, "psql"), "--no-psqlrc", "--quiet", "--single-transaction",
         "--set=ON_ERROR_STOP=1", f"--dbname={places.database_url}",
         f"--command=SET lock_timeout = '{LOCK_TIMEOUT}'",
         "--command=DROP SCHEMA IF EXISTS public CASCADE",
         "--command=CREATE SCHEMA public", f"--file={script}"],
        "Архив не восстановлен: база данных не приняла выгрузку (остановите портал "
        "и обработчик задач и повторите). База данных не изменена",
        places.database_url,
    )  # fmt: skip


def _swap_folder(unpacked: Path, folder: Path) -> None:
    """Put the archive's folder in place of `folder` (an empty one when the archive had none)."""
    unpacked.mkdir(parents=True, exist_ok=True)
    previous = folder.with_name(f".{folder.name}.before-restore")
    shutil.rmtree(previous, ignore_errors=True)
    if folder.exists():
        folder.rename(previous)
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(unpacked, folder)
    shutil.rmtree(previous, ignore_errors=True)
