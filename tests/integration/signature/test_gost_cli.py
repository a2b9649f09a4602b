"""The operator's commands for GOST signatures: `otklik signing set|show|trust`, `otklik report
--out f.pdf` writing `f.pdf.sig` beside it, and `otklik verify f.pdf [--sig f.pdf.sig]`."""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli.test_cli import otklik
from tests.integration.signature.conftest import GostPki
from tests.integration.signature.test_gost_reports import openssl_accepts


async def test_gost_report_from_the_command_line(
    demo: None, gost_pki: GostPki, tmp_path: Path
) -> None:
    expired = otklik(
        "signing", "set", "--org", "parfino", "--kind", "gost-openssl",
        "--key-file", str(gost_pki.expired_key), "--cert-file", str(gost_pki.expired_cert),
    )  # fmt: skip
    assert expired.returncode == 1 and "истёк" in expired.stderr
    done = otklik(
        "signing", "set", "--org", "parfino", "--kind", "gost-openssl",
        "--key-file", str(gost_pki.signer_key), "--cert-file", str(gost_pki.signer_cert),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Подпись ГОСТ (gost-openssl) установлена: Иванов Иван Иванович" in done.stdout
    trusted = otklik("signing", "trust", "--org", "parfino", "--cert-file", str(gost_pki.ca_cert))
    assert trusted.returncode == 0 and "Тестовый удостоверяющий центр" in trusted.stdout
    shown = otklik("signing", "show", "--org", "parfino")
    assert "Вид подписи: gost-openssl" in shown.stdout and "Доверенный [1]" in shown.stdout

    pdf = tmp_path / "parfino-2026-11.pdf"
    made = otklik("report", "summary", "--org", "parfino", "--period", "2026-11", "--out", str(pdf))
    assert made.returncode == 0, made.stderr
    sig = Path(f"{pdf}.sig")
    assert f"Подпись сохранена: {sig}" in made.stdout
    assert openssl_accepts(pdf, sig, gost_pki.ca_cert)

    checked = otklik("verify", str(pdf))  # finds parfino-2026-11.pdf.sig beside it
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Откреплённая подпись CMS" in checked.stdout
    assert "ОГРН 1025801358945" in checked.stdout
    assert "Сертификат действовал на момент подписания." in checked.stdout
    assert "Итог: подпись действительна." in checked.stdout

    changed = tmp_path / "changed.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    refused = otklik("verify", str(changed), "--sig", str(sig))
    assert refused.returncode == 1 and "Файл НЕ совпадает с подписанным" in refused.stdout


async def test_test_gost_gives_the_demo_a_working_gost_path(demo: None, tmp_path: Path) -> None:
    installed = otklik("signing", "test-gost", "--org", "penza")
    assert installed.returncode == 0, installed.stderr
    assert "Это не квалифицированная подпись." in installed.stdout
    shown = otklik("signing", "show", "--org", "penza")
    assert "Вид подписи: gost-openssl" in shown.stdout
    assert "Администрация города Пензы (тест ГОСТ)" in shown.stdout
    pdf = tmp_path / "penza.pdf"
    made = otklik(
        "report", "violations", "--org", "penza", "--period", "2026-11", "--out", str(pdf)
    )
    assert made.returncode == 0, made.stderr
    checked = otklik("verify", str(pdf))
    assert checked.returncode == 0, checked.stdout
    assert "Сертификат ведёт к доверенному корневому сертификату." in checked.stdout
