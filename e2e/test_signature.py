"""A qualified signature end to end (issue 18): the admin loads a GOST R 34.10-2012 key and
certificate and the CA's root on «Электронная подпись»; the head makes the monthly summary;
the PDF and its .sig from the archive verify with OpenSSL and on /verify; a changed byte
is caught. The PDF carries the visible stamp «Документ подписан электронной подписью»."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import run_async
from e2e.conftest import ARTIFACTS, screenshot
from tests.integration.signature.conftest import GostPki
from tests.integration.signature.conftest import gost_pki as gost_pki  # the session fixture

SCREEN = {"width": 1366, "height": 768}
OGRN = "1025801358945"  # in the test signer's certificate (tests/integration/signature)


def _back_to_demo_signing(slug: str) -> None:
    """Other e2e tests share the server: the organisation signs with its demo PKCS#12 again."""

    async def restore() -> None:
        from app.db.tables import Organisation
        from app.signature.profiles import forget_root, trusted_roots, use_pades

        row = await Organisation.select(Organisation.id).where(Organisation.slug == slug).first()
        assert row is not None
        await use_pades(row["id"], None)
        for root in await trusted_roots(row["id"]):
            await forget_root(row["id"], root.id)

    run_async(restore)


@pytest.fixture
def gost_signing(
    people: Callable[[str], Page], gost_pki: GostPki, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The organisation's admin sets the GOST key and trusts the test CA, on the admin page."""
    slug = request.param
    admin = people("admin")
    admin.set_viewport_size(SCREEN)
    admin.goto(f"/o/{slug}/admin/signature")
    expect(admin.get_by_test_id("sig-profile")).to_contain_text("PAdES (подпись внутри PDF)")
    form = admin.get_by_test_id("sig-gost-form")
    form.get_by_label("Закрытый ключ (PEM)").set_input_files(gost_pki.signer_key)
    form.get_by_label("Сертификат (PEM или DER)").set_input_files(gost_pki.signer_cert)
    form.get_by_role("button", name="Подписывать ключом ГОСТ").click()
    expect(admin.get_by_test_id("admin-notice")).to_contain_text("ключом ГОСТ Р 34.10-2012")
    profile = admin.get_by_test_id("sig-profile")
    expect(profile).to_contain_text("ГОСТ Р 34.10-2012 через OpenSSL")
    expect(profile).to_contain_text(OGRN)
    roots = admin.get_by_test_id("sig-roots")
    roots.get_by_test_id("sig-root-file").set_input_files(gost_pki.ca_cert)
    roots.get_by_role("button", name="Добавить в доверенные").click()
    expect(admin.get_by_test_id("sig-root-list")).to_contain_text(
        "Тестовый удостоверяющий центр «Отклик»"
    )
    admin.get_by_test_id("sig-check").click()
    expect(admin.get_by_test_id("sig-check-result")).to_contain_text(
        "Тестовый документ подписан, подпись действительна"
    )
    screenshot(admin, f"signature-admin-{slug}")
    yield slug
    _back_to_demo_signing(slug)


def _download(page: Page, link: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.locator(link).first.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _verify(page: Page, document: Path, signature: Path) -> None:
    page.goto("/verify")
    page.get_by_test_id("verify-file").set_input_files(document)
    page.get_by_test_id("verify-signature").set_input_files(signature)
    page.get_by_role("button", name="Проверить").click()


def _first_page_png(pdf: Path, stem: str) -> Path:
    """The PDF's first page, where the stamp stands beside the header, as a PNG (60 dpi) in
    e2e/artifacts/, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / stem
    subprocess.run(
        [
            *("pdftoppm", "-png", "-r", "60", "-singlefile"),
            *("-f", "1", "-l", "1", str(pdf), str(prefix)),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


@pytest.mark.parametrize(
    ("gost_signing", "head_login"),
    [("penza", "penza-head"), ("parfino", "parfino-head")],
    indirect=["gost_signing"],
)
def test_a_gost_signed_summary_verifies_in_openssl_and_on_the_verify_page(
    gost_signing: str,
    head_login: str,
    people: Callable[[str], Page],
    gost_pki: GostPki,
    tmp_path: Path,
) -> None:
    slug = gost_signing
    head = people(head_login)
    head.set_viewport_size(SCREEN)
    head.goto(f"/o/{slug}/head")
    form = head.get_by_test_id("make-report")
    form.get_by_label("Отчёт").select_option("summary")
    form.get_by_label("Период").fill("2026-11")
    form.get_by_label("Формат").select_option("pdf")
    with head.expect_download():
        form.get_by_role("button", name="Сформировать").click()
    head.reload()
    archive = head.get_by_test_id("report-archive")
    expect(archive.get_by_test_id("report-signature").first).to_have_text("подпись .sig")
    row = "table[data-testid=report-archive] tbody tr:has([data-testid=report-signature])"
    pdf = _download(head, f"{row} >> a[href*='/reports/files/']:not([data-testid])", tmp_path)
    sig = _download(head, f"{row} >> [data-testid=report-signature]", tmp_path)
    assert pdf.suffix == ".pdf" and sig.name == pdf.name + ".sig"

    checked = subprocess.run(
        [
            *("openssl", "cms", "-engine", "gost", "-verify", "-binary", "-inform", "DER"),
            *("-in", str(sig), "-content", str(pdf), "-CAfile", str(gost_pki.ca_cert)),
            *("-out", "/dev/null"),
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and "Verification successful" in checked.stderr, checked.stderr

    _verify(head, pdf, sig)
    result = head.get_by_test_id("verify-result")
    expect(head.get_by_test_id("verify-verdict")).to_have_text(re.compile("Подпись действительна"))
    expect(result).to_contain_text(f"ОГРН {OGRN}")
    expect(result).to_contain_text("Файл совпадает с подписанным")
    screenshot(head, f"signature-verify-{slug}")

    changed = tmp_path / "changed.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    _verify(head, changed, sig)
    expect(head.get_by_test_id("verify-verdict")).to_have_text(
        re.compile("Подпись не подтверждена")
    )
    expect(head.get_by_test_id("verify-result")).to_contain_text(
        "Файл НЕ совпадает с подписанным: он изменён после подписания"
    )
    screenshot(head, f"signature-verify-changed-{slug}")

    stamp = _first_page_png(pdf, f"signature-stamp-{slug}")
    assert stamp.stat().st_size > 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ" in " ".join(text.stdout.split())
