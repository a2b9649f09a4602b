"""`otklik connect NETWORK …` and `otklik connectors [poll]`: the same services as the worker."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `connect` and `connectors` subcommands."""
    connect = sub.add_parser("connect", help="подключить официальный аккаунт организации в сети")
    # Any network of app.connectors.registry (looked up when connecting, so the CLI starts
    # without importing the connectors; an unknown one is refused naming those there are).
    connect.add_argument("network", help="код сети: vk, telegram, max, ok")
    connect.add_argument("--org", required=True, help="slug организации")
    connect.add_argument("--id", required=True, help="id сообщества / чата обсуждений")
    connect.add_argument("--token-file", required=True, help="файл с токеном доступа")
    connect.add_argument(
        "--mode",
        choices=["longpoll", "webhook"],
        default="longpoll",
        help="longpoll: Otklik опрашивает сеть (по умолчанию); webhook: сеть вызывает портал",
    )
    connect.add_argument("--api-base", default="", help="адрес API сети (по умолчанию публичный)")
    connect.add_argument(
        "--service-token-file",
        default="",
        help="ВКонтакте: файл с сервисным ключом приложения (текст поста у комментария, "
        "догрузка комментариев после перерыва)",
    )
    connectors = sub.add_parser("connectors", help="подключённые аккаунты и их состояние")
    connectors.add_argument("action", nargs="?", choices=["list", "poll"], default="list")


async def _connect(args: argparse.Namespace, token: str, service_token: str = "") -> str:
    import app.db  # noqa: F401
    from app.connectors.accounts import connect_account, set_reading_key
    from app.connectors.base import ConnectorError
    from app.identity.organisations import OrganisationNotFound, organisation_id_by_slug

    try:
        org_id = await organisation_id_by_slug(args.org)
        account_id, name = await connect_account(
            org_id, args.network, args.id, token, args.api_base, args.mode
        )
        if service_token:
            await set_reading_key(account_id, args.network, service_token)
    except OrganisationNotFound as error:
        raise SystemExit(f"Организация «{args.org}» не найдена.") from error
    except ConnectorError as error:
        raise SystemExit(f"Не подключено: {error.message_ru}") from error
    return f"Подключено: «{name}» (аккаунт {account_id}, сеть {args.network})."


async def _list() -> list[str]:
    import app.db  # noqa: F401
    from app.connectors.health import accounts_health
    from app.core import clock

    now = clock.now()
    lines = []
    for a in await accounts_health():
        last = "событий не было"
        if a.last_event_at is not None:
            last = a.last_event_at.isoformat(timespec="seconds")
        waits = f"ожиданий по лимиту: {a.rate_limit_waits}"
        if a.waiting(now) and a.rate_limited_until is not None:
            waits += f" (ждём до {a.rate_limited_until.isoformat(timespec='seconds')})"
        if a.mode == "webhook":
            waits += f"; в очереди вебхука: {a.inbox_pending}"
        error = f"; ошибка: {a.last_error}" if a.last_error else ""
        lines.append(
            f"{a.id}\t{a.organisation}\t{a.network}\t{a.external_id}\t«{a.name}»\t{a.mode}\t"
            f"{a.state_ru(now)}; последнее событие: {last}; в «Новых»: {a.backlog}; "
            f"{waits}{error}"
        )
    return lines or ["Подключённых аккаунтов нет."]


async def _poll() -> list[str]:
    import app.db  # noqa: F401
    from app.connectors.runtime.polling import poll_all
    from app.outbox import replies

    replies.install()  # as the worker does: an author's reply resumes the case
    return [
        f"аккаунт {r.account_id}: его опрашивает обработчик задач, пропущен"
        if r.busy
        else f"аккаунт {r.account_id}: сохранено {r.stored}, пропущено {r.skipped}"
        + (f"; ошибка: {r.error}" if r.error else "")
        for r in await poll_all()
    ] or ["Активных аккаунтов нет."]


def _in_servers(work: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    from app.cli.servers import servers

    async def closing() -> Any:
        from app.connectors.runtime.http import close_client
        from app.core.redis import close_shared_redis

        try:
            return await work()
        finally:  # the shared clients (leases, rate limits, HTTP) of this one run
            await close_client()
            await close_shared_redis()

    with servers():
        return asyncio.run(closing())


def cmd_connect(args: argparse.Namespace) -> None:
    """Check the account with the network and store it; prints the name the network gave."""
    token = Path(args.token_file).read_text(encoding="utf-8").strip()
    service = args.service_token_file
    service_token = Path(service).read_text(encoding="utf-8").strip() if service else ""
    print(_in_servers(lambda: _connect(args, token, service_token)))


def cmd_connectors(args: argparse.Namespace) -> None:
    """List the connected accounts with their health, or poll them all once."""
    lines = _in_servers(_poll if args.action == "poll" else _list)
    print("\n".join(lines))


COMMANDS = {"connect": cmd_connect, "connectors": cmd_connectors}
