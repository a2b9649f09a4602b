"""The keyring of secrets at rest, read from the key file (or derived from SECRET_KEY).

The key file holds one base64url AES-256 key per line: the first seals, the others still
open (they are there only during a rotation). Dev and test create the file under var/ on
first use; production names it with OTKLIK_KEY_FILE, or has none and seals with a key
derived from SECRET_KEY. The SECRET_KEY-derived key always opens too, so moving from it to a
key file (`otklik keys rotate`) needs no other step.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.config import Settings, get_settings
from app.core.secrets import Key, Keyring, SecretError, derive_key


def read_key_file(path: Path) -> list[Key]:
    """The keys of a key file, current first; [] when the file does not exist."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="ascii").splitlines()
    keys = [Key.decode(line) for line in lines if line.strip() and not line.startswith("#")]
    if not keys:
        raise SecretError(f"Файл ключей {path} пуст.", "bad_key")
    return keys


def _written(path: Path, keys: list[Key]) -> Path:
    """A temporary file (mode 0600) next to `path` holding the keys."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Otklik: keys of secrets at rest (AES-256-GCM); the first one seals.\n"
    text += "".join(f"{key.encoded()}\n" for key in keys)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    return temporary


def write_key_file(path: Path, keys: list[Key]) -> None:
    """Replace the key file atomically (mode 0600), current key first."""
    _written(path, keys).replace(path)


def _create_key_file(path: Path) -> None:
    """A first key, unless another process (the web, the worker) has just made the file."""
    temporary = _written(path, [Key.generate()])
    try:
        os.link(temporary, path)  # fails when the file exists: never two different keys
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def load_keyring(settings: Settings | None = None) -> Keyring:
    """The keyring now in force; dev and test create their key file on first use."""
    settings = settings or get_settings()
    derived = derive_key(settings.secret_key)
    keys: list[Key] = []
    if settings.key_file is not None:
        keys = read_key_file(settings.key_file)
        if not keys and not settings.is_prod:
            _create_key_file(settings.key_file)
            keys = read_key_file(settings.key_file)
    if not keys:
        return Keyring(derived, legacy_secret=settings.secret_key)
    retired = (*(k for k in keys[1:] if k != derived), derived)
    return Keyring(keys[0], retired, legacy_secret=settings.secret_key)
