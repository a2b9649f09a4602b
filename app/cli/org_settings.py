"""`otklik signing …` and `otklik profile check FILE`: an organisation's settings from files.

`signing set` chooses how the organisation signs its reports: `pades` (a PKCS#12 file, checked
and sealed at rest with AES-GCM, replacing the demo key), `gost-openssl` (a GOST R 34.10-2012
key and certificate, PEM) or `gost-command` (an external signer such as CryptoPro's cryptcp:
only here, not on the admin page, since a template runs a program on the server); `signing
show` tells the active profile; `signing trust` loads a trusted root for verification.
`profile check` reads a regulation profile written as TOML or JSON and says whether Otklik can
run on it, with its warnings.
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
    set_key = signing_sub.add_parser("set", help="выбрать, чем организация подписывает отчёты")
    set_key.add_argument("--org", required=True, help="slug организации")
    set_key.add_argument(
        "--kind", choices=["pades", "gost-openssl", "gost-command"], default="pades"
    )
    set_key.add_argument("--p12-file", help="pades: файл PKCS#12 (.p12/.pfx)")
    set_key.add_argument("--password-file", help="pades: файл с паролем к нему")
    set_key.add_argument("--key-file", help="gost-openssl: закрытый ключ ГОСТ 2012 (PEM)")
    set_key.add_argument("--cert-file", help="gost-*: сертификат подписанта (PEM/DER, с цепочкой)")
    set_key.add_argument(
        "--command", dest="command_template", help="gost-command: шаблон команды с {in} и {out}"
    )
    set_key.add_argument("--timeout", type=int, default=60, help="gost-command: секунд на подпись")
    test = signing_sub.add_parser(
        "test-gost", help="тестовый УЦ и сертификат ГОСТ (не квалифицированный) для пробы"
    )
    test.add_argument("--org", required=True, help="slug организации")
    show = signing_sub.add_parser("show", help="как организация подписывает отчёты")
    show.add_argument("--org", required=True, help="slug организации")
    trust = signing_sub.add_parser("trust", help="доверенный корневой сертификат для проверки")
    trust.add_argument("--org", required=True, help="slug организации")
    trust.add_argument("--cert-file", help="сертификат УЦ (PEM/DER; в PEM можно несколько)")
    trust.add_argument("--remove", type=int, help="убрать доверенный сертификат по его номеру")
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


async def _set_pades(organisation_id: int, args: argparse.Namespace) -> str:
    from app.reporting.formatting import local
    from app.signature.keys import store_signing_key
    from app.signature.profiles import use_pades

    if not args.p12_file or not args.password_file:
        raise SystemExit("Для pades нужны --p12-file и --password-file.")
    data = _read(args.p12_file, MAX_KEY_FILE_BYTES, "Ключ")
    password = _read(args.password_file, MAX_PASSWORD_BYTES, "Пароль").decode().rstrip("\r\n")
    info = await store_signing_key(organisation_id, data, password, None)
    await use_pades(organisation_id, None)
    until = local(info.not_after, "Europe/Moscow", "%d.%m.%Y")
    return f"Ключ подписи установлен: {info.subject}, действует до {until}."


async def _set_gost(organisation_id: int, args: argparse.Namespace) -> str:
    from app.signature.profiles import use_gost_command, use_gost_openssl

    if not args.cert_file:
        raise SystemExit("Нужен --cert-file: сертификат подписанта.")
    certificate = _read(args.cert_file, MAX_KEY_FILE_BYTES, "Сертификат")
    if args.kind == "gost-openssl":
        if not args.key_file:
            raise SystemExit("Для gost-openssl нужен --key-file: закрытый ключ ГОСТ (PEM).")
        key = _read(args.key_file, MAX_KEY_FILE_BYTES, "Ключ")
        facts = await use_gost_openssl(organisation_id, key, certificate, None)
    else:
        if not args.command_template:
            raise SystemExit("Для gost-command нужен --command: шаблон команды с {in} и {out}.")
        facts = await use_gost_command(
            organisation_id, args.command_template, certificate, args.timeout, None
        )
    valid = f"с {facts.not_before:%d.%m.%Y} по {facts.not_after:%d.%m.%Y}"
    return (
        f"Подпись ГОСТ ({args.kind}) установлена: {facts.owner}, сертификат "
        f"№ {facts.serial_hex.upper()}, действует {valid}."
    )


async def _organisation(slug: str) -> int:
    import app.db  # noqa: F401
    from app.identity.organisations import OrganisationNotFound, organisation_id_by_slug

    try:
        return await organisation_id_by_slug(slug)
    except OrganisationNotFound:
        raise SystemExit(f"Организация «{slug}» не найдена.") from None


async def _signing(args: argparse.Namespace) -> str:
    from app.domain.signature.certificate import SigningError

    organisation_id = await _organisation(args.org)
    try:
        if args.signing_command == "show":
            return await _show(organisation_id)
        if args.signing_command == "trust":
            return await _trust(organisation_id, args)
        if args.signing_command == "test-gost":
            return await _test_gost(organisation_id, args.org)
        if args.kind == "pades":
            return await _set_pades(organisation_id, args)
        return await _set_gost(organisation_id, args)
    except SigningError as error:
        raise SystemExit(error.message_ru) from error


async def _test_gost(organisation_id: int, slug: str) -> str:
    from app.core.config import get_settings
    from app.signature.profiles import use_test_gost

    folder = get_settings().var_dir / "test-gost" / slug
    folder.mkdir(parents=True, exist_ok=True)
    facts = await use_test_gost(organisation_id, folder, None)
    return (
        f"Тестовая подпись ГОСТ установлена: {facts.owner}, сертификат № "
        f"{facts.serial_hex.upper()}; корневой сертификат тестового УЦ — в доверенных "
        f"({folder}/ca.cert.pem). Это не квалифицированная подпись."
    )


async def _show(organisation_id: int) -> str:
    from app.signature.profiles import active_profile, trusted_roots

    profile = await active_profile(organisation_id)
    lines = [f"Вид подписи: {profile.kind}"]
    if profile.facts is not None:
        facts = profile.facts
        lines.append(f"Сертификат: {facts.owner}, № {facts.serial_hex.upper()}")
        lines.append(f"Действует: с {facts.not_before:%d.%m.%Y} по {facts.not_after:%d.%m.%Y}")
    if profile.command:
        lines.append(f"Команда: {profile.command} (ожидание {profile.command_timeout} с)")
    for root in await trusted_roots(organisation_id):
        lines.append(
            f"Доверенный [{root.id}]: {root.facts.owner}, до {root.facts.not_after:%d.%m.%Y}"
        )
    return "\n".join(lines)


async def _trust(organisation_id: int, args: argparse.Namespace) -> str:
    from app.signature.profiles import forget_root, trust_root

    if args.remove is not None:
        if not await forget_root(organisation_id, args.remove):
            raise SystemExit(f"Доверенного сертификата [{args.remove}] нет.")
        return f"Доверенный сертификат [{args.remove}] убран."
    if not args.cert_file:
        raise SystemExit("Нужен --cert-file (или --remove N).")
    added = await trust_root(
        organisation_id, _read(args.cert_file, MAX_KEY_FILE_BYTES, "Сертификат"), None
    )
    if not added:
        return "Эти сертификаты уже в числе доверенных."
    return "\n".join(f"Доверенный [{r.id}]: {r.facts.owner}" for r in added)


def cmd_signing(args: argparse.Namespace) -> None:
    """`otklik signing set|show|trust`: an organisation's signing profile and trusted roots."""
    from app.cli.servers import servers

    with servers():
        print(asyncio.run(_signing(args)))


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
