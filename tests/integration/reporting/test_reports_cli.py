"""`otklik report` and `otklik verify` against the test servers: the web's code path."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from app.db.tables import Report
from tests.integration.cli.test_cli import otklik
from tests.integration.reports_helpers import build_week


async def test_report_and_verify_commands(demo: None, tmp_path: Path) -> None:
    await build_week()
    pdf = tmp_path / "summary.pdf"
    made = otklik("report", "summary", "--org", "penza", "--period", "2026-W47", "--out", str(pdf))
    assert made.returncode == 0, made.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    checked = otklik("verify", str(pdf))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Подписал: Администрация города Пензы (демо)" in checked.stdout
    assert "Файл совпадает с подписанным: не изменён после подписания." in checked.stdout
    assert "Итог: подпись действительна." in checked.stdout
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    (tmp_path / "changed.pdf").write_bytes(bytes(data))
    changed = otklik("verify", str(tmp_path / "changed.pdf"))
    assert changed.returncode == 1 and "Файл НЕ совпадает с подписанным" in changed.stdout
    xlsx = tmp_path / "violations.xlsx"
    made = otklik(
        "report",
        "violations",
        "--org",
        "penza",
        "--period",
        "2026-W47",
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
    )
    assert made.returncode == 0, made.stderr
    rows = list(load_workbook(xlsx)["Отчёт"].iter_rows(values_only=True))
    assert (
        sum(1 for r in rows if r[1] in ("Размещение ответа", "Проект ответа на согласование")) == 3
    )
    assert await Report.count() == 2  # both archived, as the web's would be
    bad = otklik("report", "summary", "--org", "penza", "--period", "2026-13", "--out", "x")
    assert bad.returncode != 0 and "Период" in bad.stderr
