"""`otklik keys …`, `otklik smtp …`, `otklik backup FILE`, `otklik restore FILE`.

Keys: `keys status` says which key seals and how many values each key holds; `keys rotate`
puts a new key first in the key file, re-seals every sealed value with it in one
transaction, then drops the old keys from the file (a crash in between leaves a file that
still opens everything). SMTP: `smtp set --password-file F` stores the password sealed in
the database (it wins over SMTP_PASSWORD); `smtp show` shows only «задан, ••••1234».
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from app.core.config import get_settings
from app.core.errors import UserError

MAX_PASSWORD_BYTES = 1024


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `keys`, `smtp`, `backup` and `restore` subcommands."""
    keys = sub.add_parser("keys", help="ключи шифрования секретов (SMTP, токены, ключи подписи)")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("status", help="какой ключ шифрует и сколько значений под каждым")
    keys_sub.add_parser("rotate", help="новый ключ: перешифровать все секреты, старый убрать")
    smtp = sub.add_parser("smtp", help="пароль почтового сервера (хранится зашифрованным)")
    smtp_sub = smtp.add_subparsers(dest="smtp_command", required=True)
    smtp_set = smtp_sub.add_parser("set", help="сохранить пароль SMTP из файла")
    smtp_set.add_argument("--password-file", required=True, help="файл с паролем")
    smtp_sub.add_parser("show", help="задан ли пароль SMTP (без самого пароля)")
    smtp_sub.add_parser("clear", help="удалить сохранённый пароль SMTP")
    backup = sub.add_parser("backup", help="резервная копия: база, файлы, файл ключей")
    backup.add_argument("file", help="куда записать архив")
    restore = sub.add_parser("restore", help="восстановить из резервной копии (заменяет всё)")
    restore.add_argument("file", help="архив, сделанный otklik backup")
    restore.add_argument("--yes", action="store_true", help="да, заменить текущие данные")


def _run(work: Any) -> Any:
    from app.cli.servers import migrate, servers

    with servers():
        asyncio.run(migrate())
        try:
            return asyncio.run(work())
        except UserError as error:
            raise SystemExit(error.message_ru) from error


async def _status() -> list[str]:
    import app.db  # noqa: F401
    from app.core.keyring import load_keyring
    from app.db.sealed import key_usage

    settings = get_settings()
    keyring = load_keyring(settings)
    source = f"файл {settings.key_file}" if settings.key_file else "выведен из SECRET_KEY"
    lines = [f"Текущий ключ: {keyring.current.key_id} ({source})"]
    for key_id, count in sorted((await key_usage()).items()):
        mark = " (текущий)" if key_id == keyring.current.key_id else ""
        lines.append(f"  {key_id}{mark}: {count}")
    return lines


async def rotate_keys() -> tuple[str, int]:
    """A new key first in the key file, everything re-sealed, old keys dropped: (id, count)."""
    import app.db  # noqa: F401
    from app.core.keyring import load_keyring, read_key_file, write_key_file
    from app.core.secrets import Key
    from app.db.sealed import reseal_all

    settings = get_settings()
    if settings.key_file is None:
        raise SystemExit("Задайте OTKLIK_KEY_FILE: новый ключ записывается в файл ключей.")
    new = Key.generate()
    write_key_file(settings.key_file, [new, *read_key_file(settings.key_file)])
    keyring = load_keyring(settings)
    count = await reseal_all(keyring)
    # A web or worker process that read the file just before may have sealed a value with
    # the old key meanwhile: a second pass catches it before the old key goes.
    count += await reseal_all(keyring)
    write_key_file(settings.key_file, [new])
    return new.key_id, count


def cmd_keys(args: argparse.Namespace) -> None:
    """Show the keys in use, or rotate them."""
    if args.keys_command == "status":
        print("\n".join(_run(_status)))
        return
    key_id, count = _run(rotate_keys)
    print(f"Новый ключ {key_id}: перешифровано значений — {count}. Старый ключ больше не нужен.")


def _read_password(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"Пароль: файл {path} не найден.")
    if file.stat().st_size > MAX_PASSWORD_BYTES:
        raise SystemExit("Пароль: файл больше 1 КБ.")
    password = file.read_bytes().decode().rstrip("\r\n")
    if not password:
        raise SystemExit("Пароль: файл пуст.")
    return password


def cmd_smtp(args: argparse.Namespace) -> None:
    """Store, show (masked) or forget the SMTP password."""
    import app.db  # noqa: F401
    from app.db.sealed import SMTP_PASSWORD, delete_secret, put_secret, secret_hint

    if args.smtp_command == "set":
        password = _read_password(args.password_file)

        async def store() -> str:
            await put_secret(SMTP_PASSWORD, password)
            return await secret_hint(SMTP_PASSWORD)

        print(f"Пароль SMTP сохранён зашифрованным: {_run(store)}.")
        if os.environ.get("SMTP_PASSWORD"):
            print("SMTP_PASSWORD в окружении больше не используется: его можно убрать.")
    elif args.smtp_command == "show":
        stored = _run(lambda: secret_hint(SMTP_PASSWORD))
        env = "задан" if get_settings().smtp_password else "не задан"
        print(f"Сохранённый пароль SMTP: {stored}; SMTP_PASSWORD в окружении: {env}.")
    else:
        gone = _run(lambda: delete_secret(SMTP_PASSWORD))
        print("Сохранённый пароль SMTP удалён." if gone else "Сохранённого пароля SMTP нет.")


def _places() -> Any:
    from app.cli.backup import Places, embedded_tools

    settings = get_settings()
    # Before servers(): an unset DATABASE_URL means the embedded server and its binaries.
    embedded = settings.database_url is None
    folders = {"media": settings.media_dir, "reports": settings.var_dir / "reports"}

    def places() -> Places:
        url = get_settings().database_url or ""
        tools = embedded_tools() if embedded or not _on_path("pg_dump") else None
        return Places(url, folders, settings.key_file, tools)

    return places


def _on_path(name: str) -> bool:
    import shutil

    return shutil.which(name) is not None


def cmd_backup(args: argparse.Namespace) -> None:
    """Write the database dump, the files under var/ and the key file to one archive."""
    from app.cli.backup import make_backup
    from app.cli.servers import servers

    places = _places()
    with servers():
        try:
            manifest = make_backup(Path(args.file), places())
        except UserError as error:
            raise SystemExit(error.message_ru) from error
    files = len(manifest["files"]) - 1
    print(f"Резервная копия записана: {args.file} (база данных и файлов: {files}).")
    if get_settings().key_file is None:
        print("Файла ключей нет: храните SECRET_KEY отдельно, без него секреты не откроются.")


def cmd_restore(args: argparse.Namespace) -> None:
    """Check the archive, then replace the database, the files and the key file with it."""
    from app.cli.backup import restore_backup
    from app.cli.servers import servers

    if not args.yes:
        raise SystemExit(
            "Восстановление заменит базу данных, файлы и ключ. Остановите портал и "
            "обработчик задач и повторите с --yes."
        )
    places = _places()
    with servers():
        try:
            manifest = restore_backup(Path(args.file), places())
        except UserError as error:
            raise SystemExit(error.message_ru) from error
    print(f"Восстановлено из {args.file} (копия от {manifest['created_at']}).")


COMMANDS = {
    "keys": cmd_keys,
    "smtp": cmd_smtp,
    "backup": cmd_backup,
    "restore": cmd_restore,
}
