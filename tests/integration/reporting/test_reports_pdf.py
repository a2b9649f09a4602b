"""The summary and violations PDFs: their text carries the figures, the signature validates
and a changed byte breaks it; page 1 goes to e2e/artifacts/ as PNG for eyes; XLSX alongside."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.identity.organisations import organisation_rules
from app.reporting.archive import list_reports, produce
from app.reporting.periods import parse_period
from app.signature.keys import ensure_demo_key, known_roots
from app.signature.pades import verify_pdf
from tests.integration.reports_helpers import build_week
from tests.integration.timers_helpers import pooled  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[3] / "e2e" / "artifacts"
W47 = parse_period("2026-W47")
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"
)


def pdf_text(path: Path) -> str:
    """The PDF's text in reading order, with every space removed (pdftotext drops some
    no-break spaces, so expectations are compared without spaces too)."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def layout_lines(path: Path) -> list[str]:
    """The PDF's lines as laid out (pdftotext -layout), runs of spaces made one."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return [" ".join(line.split()) for line in out.stdout.decode().splitlines() if line.strip()]


def assert_contains(text: str, *expected: str) -> None:
    """Each expected phrase (spaces ignored) is in the text."""
    for phrase in expected:
        assert "".join(phrase.split()) in text, phrase


def page_png(path: Path, name: str) -> Path:
    """Page 1 as PNG in e2e/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(stem)],
        check=True,
    )
    return stem.with_suffix(".png")


@needs_poppler
async def test_penza_p20_weekly_summary_pdf_signed_with_the_figures(demo: None) -> None:
    w = await build_week()
    await ensure_demo_key(w.org)
    rules = await organisation_rules(w.org)
    report = await produce(rules, "summary", W47, "pdf")
    assert report is not None and report.signer == "Администрация города Пензы (демо)"
    text = pdf_text(report.path)
    assert_contains(
        text,
        "Сводная информация",
        "Администрация города Пензы",
        "неделя 47, 16–22 ноября 2026",
        "с 16.11.2026 00:00 по 23.11.2026 00:00",
        "Москва, МСК (UTC+3)",
        "Пенза-2020, п. 20",
        # cases, on time, late, open; on-time share now and before; median and p90
        "1. Своевременность 5 2 1 2",
        "66,7 % 100,0 % 3 ч 1 ч 9 ч 34 мин 1 ч",
        "Размещение ответа 10 2 1 1 1 ч",
        "Проект ответа на согласование 11 1 0 1 30 мин",
        # received, done, of them on time, open, returned, violations of the week
        "Волков Дмитрий Андреевич 4 3 2 1 0 1",
        "Управление транспорта и связи 2 0 0 1 1 2",
        "Повторных сообщений 1",
        "Нецензурные выражения 2",
        "Страница 1 из 3",
    )
    data = report.path.read_bytes()
    roots = await known_roots()
    check = await verify_pdf(data, roots)
    assert (
        check.ok and check.signer is not None and "Администрация города Пензы" in check.signer.owner
    )
    middle = len(data) // 3
    broken = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
    assert not (await verify_pdf(broken, roots)).matches
    assert page_png(report.path, "report-penza-summary").stat().st_size > 10_000
    assert [r.id for r in await list_reports(w.org)] == [report.id]


@needs_poppler
async def test_penza_p19_violations_report_pdf(demo: None) -> None:
    w = await build_week()
    rules = await organisation_rules(w.org)
    report = await produce(rules, "violations", W47, "pdf")
    assert report is not None and report.signer  # the demo certificate
    text = pdf_text(report.path)
    assert_contains(
        text,
        "Информация о нарушениях",
        "Пенза-2020, п. 19",
        "Нарушений сроков: 3",
        "Размещение ответа, п. 10",
        "2 ч 12 мин",
        "не исполнено",
    )
    # The row of case M2 starts with its number and step, its lateness on the same line.
    row = next(line for line in layout_lines(report.path) if line.startswith(f"№{w.m['M2']} "))
    assert "Размещение" in row and "2 ч 12 мин" in row
    page_png(report.path, "report-penza-violations")


async def test_summary_xlsx_has_the_same_figures(demo: None) -> None:
    w = await build_week()
    rules = await organisation_rules(w.org)
    report = await produce(rules, "summary", W47, "xlsx")
    assert report is not None
    book = load_workbook(BytesIO(report.path.read_bytes()))
    rows = {r[0]: r[1:] for r in book["Отчёт"].iter_rows(values_only=True) if r and r[0]}
    assert rows["Случаев (требовали реакции)"][:2] == (5, 1)
    assert rows["Медиана рабочего времени до ответа"][:2] == ("3\u00a0ч", "1\u00a0ч")
    assert rows["…с фото- или видеоматериалами"][0] == 2
