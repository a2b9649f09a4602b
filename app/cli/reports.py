"""`otklik report …` and `otklik verify FILE.pdf`: the same services as the web."""

from __future__ import annotations

import argparse
import asyncio
import shutil
from pathlib import Path

from app.reporting.formatting import local


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `report` and `verify` subcommands."""
    report = sub.add_parser("report", help="сформировать сводный отчёт или отчёт о нарушениях")
    report.add_argument("kind", choices=["summary", "violations"])
    report.add_argument("--org", required=True, help="slug организации")
    report.add_argument("--period", required=True, help="неделя 2026-W47 или месяц 2026-11")
    report.add_argument("--format", default="pdf", choices=["pdf", "xlsx"])
    report.add_argument("--department", type=int, help="id подразделения (только сводный)")
    report.add_argument("--out", required=True, help="куда сохранить файл")
    verify = sub.add_parser("verify", help="проверить электронную подпись PDF-отчёта")
    verify.add_argument("file")


async def _report(args: argparse.Namespace) -> Path:
    import app.db  # noqa: F401
    from app.identity.organisations import (
        OrganisationNotFound,
        organisation_id_by_slug,
        organisation_rules,
    )
    from app.reporting.archive import produce
    from app.reporting.periods import PeriodError, parse_period

    try:
        period = parse_period(args.period)
        rules = await organisation_rules(await organisation_id_by_slug(args.org))
    except PeriodError as error:
        raise SystemExit(f"Период: {error}") from error
    except OrganisationNotFound as error:
        raise SystemExit(f"Организация «{args.org}» не найдена.") from error
    made = await produce(rules, args.kind, period, args.format, department_id=args.department)
    assert made is not None  # a report made on demand has a fresh key
    return made.path


def cmd_report(args: argparse.Namespace) -> None:
    """Make a report (archived like one made on the web) and copy it to --out."""
    from app.cli.servers import servers

    with servers():
        path = asyncio.run(_report(args))
    shutil.copyfile(path, args.out)
    print(f"Отчёт сохранён: {args.out}")


async def _verify(data: bytes) -> list[str]:
    import app.db  # noqa: F401
    from app.reporting.signing import verify_pdf
    from app.reporting.signing_keys import known_roots

    result = await verify_pdf(data, await known_roots())
    if not result.signed:
        return [result.problem or "Подписи нет."]
    when = local(result.signed_at, "Europe/Moscow", "%d.%m.%Y %H:%M:%S (МСК)")
    lines = [f"Подписал: {result.signer}", f"Когда: {when}"]
    lines.append(
        "Документ не изменён после подписания."
        if result.intact
        else "ДОКУМЕНТ ИЗМЕНЁН после подписания или подпись повреждена."
    )
    lines.append(
        "Сертификат известен системе."
        if result.trusted
        else "Сертификат не входит в число сертификатов организаций системы."
    )
    return lines


def cmd_verify(args: argparse.Namespace) -> None:
    """Say who signed the PDF, when, and whether it is intact; exit 1 unless all is well."""
    from app.cli.servers import servers

    data = Path(args.file).read_bytes()
    with servers():
        lines = asyncio.run(_verify(data))
    print("\n".join(lines))
    if len(lines) < 4 or "ИЗМЕНЁН" in lines[2] or "не входит" in lines[3]:
        raise SystemExit(1)
