"""`otklik signing set …` and `otklik profile check FILE`: an organisation's settings from files.

`signing set` installs an organisation's PAdES signing key from a PKCS#12 file (checked,
sealed at rest with AES-GCM, replacing the demo key); `profile check` reads a regulation profile
written as TOML or JSON and says whether Otklik can run on it, with its warnings.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

MAX_KEY_FILE_BYTES = 1024 * 1024
MAX_PASSWORD_BYTES = 1024


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `signing` and `profile` subcommands."""
    signing = sub.add_parser("signing", help="ключ электронной подписи отчётов организации")
    signing_sub = signing.add_subparsers(dest="signing_command", required=True)
    set_key = signing_sub.add_parser("set", help="установить ключ подписи из файла PKCS#12")
    set_key.add_argument("--org", required=True, help="slug организации")
    set_key.add_argument("--kind", choices=["pades"], default="pades", help="вид подписи")
    set_key.add_argument("--p12-file", required=True, help="файл PKCS#12 (.p12/.pfx)")
    set_key.add_argument("--password-file", required=True, help="файл с паролем к нему")
    profile = sub.add_parser("profile", help="регламенты (профили сроков)")
    profile_sub = profile.add_subparsers(dest="profile_command", required=True)
    check = profile_sub.add_parser("check", help="проверить файл регламента (TOML или JSON)")
    check.add_argument("file")


def _read(path: str, limit: int, what: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"{what}: файл {path} не найден.")
    if file.stat().st_size > limit:
        raise SystemExit(f"{what}: файл больше {limit // 1024} КБ.")
    return file.read_bytes()


async def _set_key(slug: str, data: bytes, password: str) -> str:
    import app.db  # noqa: F401
    from app.identity.organisations import OrganisationNotFound, organisation_id_by_slug
    from app.reporting.formatting import local
    from app.reporting.signing import SigningError
    from app.reporting.signing_keys import store_signing_key

    try:
        info = await store_signing_key(await organisation_id_by_slug(slug), data, password, None)
    except OrganisationNotFound:
        raise SystemExit(f"Организация «{slug}» не найдена.") from None
    except SigningError as error:
        raise SystemExit(error.message_ru) from error
    until = local(info.not_after, "Europe/Moscow", "%d.%m.%Y")
    return f"Ключ подписи установлен: {info.subject}, действует до {until}."


def cmd_signing(args: argparse.Namespace) -> None:
    """Install an organisation's signing key from a PKCS#12 file and its password file."""
    from app.cli.servers import servers

    data = _read(args.p12_file, MAX_KEY_FILE_BYTES, "Ключ")
    password = _read(args.password_file, MAX_PASSWORD_BYTES, "Пароль").decode().rstrip("\r\n")
    with servers():
        print(asyncio.run(_set_key(args.org, data, password)))


def cmd_profile(args: argparse.Namespace) -> None:
    """Check a regulation profile file: refusal in Russian (exit 1), or its warnings."""
    from app.admin.profiles import MAX_PROFILE_CHARS, checked_profile, mapping_from_text
    from app.domain.regulation import profile_from_mapping
    from app.domain.regulation.model import ProfileError

    raw = _read(args.file, MAX_PROFILE_CHARS * 4, "Регламент")
    try:
        mapping = mapping_from_text(raw.decode("utf-8"))
        warnings = checked_profile(mapping)
        profile = profile_from_mapping(mapping)
    except UnicodeDecodeError:
        raise SystemExit("Регламент: файл должен быть в кодировке UTF-8.") from None
    except ProfileError as error:
        raise SystemExit(error.message_ru) from error
    print(f"Регламент «{profile.name}» ({profile.code}) пригоден для работы.")
    for warning in warnings:
        print(f"Предупреждение: {warning.message_ru}")
