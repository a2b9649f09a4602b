"""The `otklik` console command."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.cli import connectors as connectors_cli
from app.cli import maintenance as maintenance_cli
from app.cli import org_settings as settings_cli
from app.cli import reports as reports_cli
from app.cli import screening as screening_cli
from app.cli.servers import migrate, servers
from app.core.config import ConfigError, get_settings


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit and restore Ctrl-C, so cleanup (embedded servers) runs.

    A shell starts background jobs with SIGINT ignored, and Python keeps that; `otklik run`
    must stop on Ctrl-C however it was started.
    """
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)


async def _demo(*, with_history: bool = True) -> None:
    import app.db  # noqa: F401
    from app.db.piccolo_conf import DB
    from app.demo.seed import load_demo

    # Demo data: no commit waits for the disk (a crash would lose only the last few).
    await DB.start_connection_pool(
        min_size=1, max_size=4, server_settings={"synchronous_commit": "off"}
    )
    try:
        await load_demo(with_history=with_history)
    finally:
        await DB.close_connection_pool()


def _refuse_demo_in_prod() -> None:
    if get_settings().is_prod:
        raise SystemExit("Демонстрационные данные нельзя загружать при OTKLIK_ENV=prod.")


def cmd_migrate(_: argparse.Namespace) -> None:
    """Apply pending migrations."""
    with servers():
        asyncio.run(migrate())
        print("Миграции применены.")


def cmd_demo(args: argparse.Namespace) -> None:
    """Load the demo organisations, users, cases and three months of history (idempotent)."""
    _refuse_demo_in_prod()
    with servers():
        asyncio.run(migrate())
        asyncio.run(_demo(with_history=not args.without_history))
        _print_demo_logins()


def _print_demo_logins() -> None:
    from app.demo.seed import DEMO_PASSWORD, demo_logins

    print(f"Демо-пользователи (пароль {DEMO_PASSWORD}): " + ", ".join(demo_logins()))


def _uvicorn(settings: Any) -> None:
    import uvicorn

    uvicorn.run(
        "app.asgi:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        timeout_graceful_shutdown=2,
        proxy_headers=settings.is_prod,
        log_level=os.environ.get("LOG_LEVEL", "info"),
    )


def cmd_serve(_: argparse.Namespace) -> None:
    """Serve the web portal."""
    _exit_on_sigterm()
    with servers():
        _uvicorn(get_settings())


def cmd_worker(_: argparse.Namespace) -> None:
    """Run the arq worker (timers, notifications, reports)."""
    _exit_on_sigterm()
    with servers():
        from tasks.worker import run_until_stopped

        asyncio.run(run_until_stopped())


def cmd_run(_: argparse.Namespace) -> None:
    """Development: embedded servers, migrations, demo data, web and worker; Ctrl-C stops all.

    A part that dies (a server, the web, the worker) is restarted; the others go on.
    """
    from app.cli.supervisor import Child, Supervisor

    _refuse_demo_in_prod()
    _exit_on_sigterm()
    exe = [sys.executable, "-m", "app.cli"]
    children = {"worker": Child([*exe, "worker"]), "web": Child([*exe, "serve"])}
    with servers() as embedded:
        try:
            asyncio.run(migrate())
            asyncio.run(_demo())
            settings = get_settings()
            for child in children.values():
                child.restart()
            print(f"\nОтклик: http://{settings.host}:{settings.port}/", flush=True)
            _print_demo_logins()
            print("Остановить: Ctrl-C\n", flush=True)
            Supervisor([*embedded.items(), *children.items()]).run_forever()
        except KeyboardInterrupt:
            pass
        finally:
            _stop_children([c.process for c in children.values() if c.process is not None])


def _stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)


def cmd_createuser(args: argparse.Namespace) -> None:
    """Create a user, optionally with a role in an organisation."""
    if args.password_file:
        password = Path(args.password_file).read_text().rstrip("\n")
    else:
        password = getpass.getpass("Пароль: ")
        if getpass.getpass("Пароль ещё раз: ") != password:
            raise SystemExit("Пароли не совпадают.")

    async def create() -> None:
        import app.db  # noqa: F401
        from app.db.tables import Department, Organisation
        from app.domain.roles import Role
        from app.identity.accounts import AccountError, create_user, grant_role

        try:
            organisation = None
            if args.org:
                organisation = (
                    await Organisation.objects().where(Organisation.slug == args.org).first()
                )
                if organisation is None:
                    raise AccountError(f"Организация «{args.org}» не найдена.")
            user = await create_user(args.login, args.name or args.login, password, args.email)
            if organisation is not None and args.role:
                department = None
                if args.department:
                    department = (
                        await Department.objects()
                        .where(
                            (Department.organisation == organisation.id)
                            & (Department.name == args.department)
                        )
                        .first()
                    )
                await grant_role(user, organisation, Role(args.role), department)
        except AccountError as error:
            raise SystemExit(str(error)) from error
        print(f"Пользователь «{args.login}» создан.")

    with servers():
        asyncio.run(migrate())
        asyncio.run(create())


def cmd_check(_: argparse.Namespace) -> None:
    """Print database, Redis and worker reachability; exit 1 if one is down."""

    async def check() -> dict[str, Any]:
        import app.db  # noqa: F401
        from app.core.redis import redis_from_settings
        from app.web.health_checks import system_health

        redis = redis_from_settings()
        try:
            return await system_health(redis)
        finally:
            await redis.aclose()

    settings = get_settings()
    if not settings.database_url or not settings.redis_url:
        print("DATABASE_URL / REDIS_URL не заданы: проверяю встроенные серверы в var/.")
    with servers():
        report = asyncio.run(check())
    age = report["worker"]["heartbeat_age_seconds"]
    lines = [
        ("База данных", report["database"]["ok"], ""),
        ("Redis", report["redis"]["ok"], ""),
        ("Обработчик задач", report["worker"]["ok"], "" if age is None else f" ({age} с назад)"),
    ]
    for name, ok, extra in lines:
        print(f"{name:<18} {'доступен' if ok else 'НЕДОСТУПЕН'}{extra}")
    if not all(ok for _, ok, _ in lines):
        raise SystemExit(1)


def cmd_calendar(args: argparse.Namespace) -> None:
    """Print the month-by-month working-time table of a year (of an organisation with --org)."""
    from app.domain.worktime import WorktimeError
    from app.domain.worktime.org_calendar import work_calendar_from_settings
    from app.domain.worktime.year_table import calendar_caption, format_year_table, year_table

    settings: tuple[str, Any, Any] = ("Europe/Moscow", {}, {})
    if args.org:

        async def load() -> tuple[str, Any, Any]:
            import app.db  # noqa: F401
            from app.db.tables import Organisation

            row = await Organisation.objects().where(Organisation.slug == args.org).first()
            if row is None:
                raise SystemExit(f"Организация «{args.org}» не найдена.")
            return row.timezone, row.schedule, row.calendar_options

        with servers():
            settings = asyncio.run(load())
    try:
        work_calendar = work_calendar_from_settings(*settings)
        print(calendar_caption(work_calendar, args.year))
        print(format_year_table(year_table(work_calendar, args.year)))
    except WorktimeError as error:
        raise SystemExit(error.message_ru) from error


def cmd_apitoken(args: argparse.Namespace) -> None:
    """Issue an API token for an organisation's external monitoring system (printed once)."""

    async def issue() -> str:
        import app.db  # noqa: F401
        from app.db.tables import Organisation
        from app.identity.api_tokens import issue_token

        organisation = await Organisation.objects().where(Organisation.slug == args.org).first()
        if organisation is None:
            raise SystemExit(f"Организация «{args.org}» не найдена.")
        return await issue_token(organisation, args.name, created_by=None)

    with servers():
        token = asyncio.run(issue())
    print(token)


def cmd_sweep(_: argparse.Namespace) -> None:
    """Run the timers sweep once now (the worker does it every minute)."""

    async def run() -> Any:
        import app.db  # noqa: F401
        from app.db.piccolo_conf import DB
        from app.deadlines.sweep import sweep

        await DB.start_connection_pool(min_size=1, max_size=4)
        try:
            return await sweep()
        finally:
            await DB.close_connection_pool()

    with servers():
        result = asyncio.run(run())
    print(
        f"Уведомлений: {result.notifications}, нарушений: {result.violations}, "
        f"эскалаций: {result.escalated}, сигналов активности: {result.alerts}"
    )
    for error in result.errors:
        print(f"Ошибка: {error}")
    if result.errors:
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="otklik", description="Отклик: управление системой")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="всё для разработки: серверы, миграции, демо, веб и обработчик")
    sub.add_parser("serve", help="веб-портал")
    sub.add_parser("worker", help="обработчик фоновых задач (arq)")
    sub.add_parser("migrate", help="применить миграции")
    demo = sub.add_parser("demo", help="загрузить демонстрационные данные")
    demo.add_argument(
        "--without-history", action="store_true", help="без истории за три месяца (быстрее)"
    )
    sub.add_parser("check", help="проверить базу данных, Redis и обработчик")
    sub.add_parser("sweep", help="один проход таймеров: предупреждения, сроки, нарушения")
    calendar = sub.add_parser("calendar", help="производственный календарь года по месяцам")
    calendar.add_argument("year", type=int)
    calendar.add_argument("--org", help="slug организации (её график и календарь)")
    token = sub.add_parser("apitoken", help="выпустить API-токен организации")
    token.add_argument("--org", required=True, help="slug организации")
    token.add_argument("--name", default="Система мониторинга", help="чей это токен")
    create = sub.add_parser("createuser", help="создать пользователя")
    create.add_argument("login")
    create.add_argument("--name", default="")
    create.add_argument("--email", default="")
    create.add_argument("--password-file")
    create.add_argument("--org", help="slug организации")
    create.add_argument(
        "--role",
        choices=["specialist", "coordinator", "executor", "official", "head", "admin"],
    )
    create.add_argument("--department", help="название подразделения (для исполнителя)")
    reports_cli.add_parsers(sub)
    settings_cli.add_parsers(sub)
    maintenance_cli.add_parsers(sub)
    connectors_cli.add_parsers(sub)
    screening_cli.add_parsers(sub)
    return parser


COMMANDS = {
    "run": cmd_run,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "migrate": cmd_migrate,
    "demo": cmd_demo,
    "check": cmd_check,
    "calendar": cmd_calendar,
    "apitoken": cmd_apitoken,
    "sweep": cmd_sweep,
    "createuser": cmd_createuser,
    "report": reports_cli.cmd_report,
    "verify": reports_cli.cmd_verify,
    "signing": settings_cli.cmd_signing,
    "profile": settings_cli.cmd_profile,
    **maintenance_cli.COMMANDS,
    **connectors_cli.COMMANDS,
    **screening_cli.COMMANDS,
}


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `otklik` command."""
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except ConfigError as error:
        raise SystemExit(f"Ошибка конфигурации: {error}") from error
