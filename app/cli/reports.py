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
    verify = sub.add_parser(
        "verify", help="проверить электронную подпись отчёта (встроенную PAdES или файл .sig)"
    )
    verify.add_argument("file")
    verify.add_argument("--sig", help="откреплённая подпись (по умолчанию FILE.sig, если есть)")


async def _report(args: argparse.Namespace) -> tuple[Path, Path | None]:
    import app.db  # noqa: F401
    from app.domain.signature.certificate import SigningError
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
        made = await produce(rules, args.kind, period, args.format, department_id=args.department)
    except PeriodError as error:
        raise SystemExit(f"Период: {error}") from error
    except OrganisationNotFound as error:
        raise SystemExit(f"Организация «{args.org}» не найдена.") from error
    except SigningError as error:
        raise SystemExit(f"Отчёт не сформирован: {error.message_ru}") from error
    assert made is not None  # a report made on demand has a fresh key
    return made.path, made.signature_path


def cmd_report(args: argparse.Namespace) -> None:
    """Make a report (archived like one made on the web) and copy it to --out, with its
    detached signature as --out + «.sig» when the organisation signs with GOST."""
    from app.cli.servers import servers

    with servers():
        path, signature = asyncio.run(_report(args))
    shutil.copyfile(path, args.out)
    print(f"Отчёт сохранён: {args.out}")
    if signature is not None:
        shutil.copyfile(signature, f"{args.out}.sig")
        print(f"Подпись сохранена: {args.out}.sig")


async def _verify(data: bytes, signature: bytes | None) -> tuple[bool, list[str]]:
    import app.db  # noqa: F401
    from app.domain.signature.verdict import verdict_lines
    from app.signature.verify import verify_document

    verdict = await verify_document(data, signature)
    when = local(verdict.signed_at, "Europe/Moscow", "%d.%m.%Y %H:%M:%S МСК")
    when = when if verdict.signed_at else ""
    lines = [("" if good else "ВНИМАНИЕ: ") + text for good, text in verdict_lines(verdict, when)]
    return verdict.ok, lines


def _read_bounded(path: str, limit: int) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"Файл {path} не найден.")
    if file.stat().st_size > limit:
        raise SystemExit(f"Файл {path} больше {limit // (1024 * 1024)} МБ.")
    return file.read_bytes()


def cmd_verify(args: argparse.Namespace) -> None:
    """Say whether the file matches its signature, who signed and when, whether the
    certificate was in force and is trusted; exit 1 unless all is well."""
    from app.cli.servers import servers
    from app.signature.cms import MAX_SIGNATURE_BYTES
    from app.signature.verify import MAX_FILE_BYTES

    data = _read_bounded(args.file, MAX_FILE_BYTES)
    sig_path = args.sig or (f"{args.file}.sig" if Path(f"{args.file}.sig").is_file() else None)
    signature = _read_bounded(sig_path, MAX_SIGNATURE_BYTES) if sig_path else None
    with servers():
        ok, lines = asyncio.run(_verify(data, signature))
    if sig_path:
        print(f"Подпись: {sig_path}")
    print("\n".join(lines))
    print("Итог: подпись действительна." if ok else "Итог: подпись НЕ подтверждена.")
    if not ok:
        raise SystemExit(1)
