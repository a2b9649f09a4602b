"""/verify over HTTP: a PDF with its signature inside (PAdES), any file with its detached GOST
signature (.sig); trust by the roots of the signed-in user's organisations."""

from __future__ import annotations

import re

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.signature.admin_actions import probe_pdf
from app.signature.profiles import trust_root, use_gost_openssl
from app.signature.signer import SignedFile, sign_file
from tests.integration.cases_helpers import org_id
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.signature.conftest import GostPki

pytestmark = pytest.mark.usefixtures("demo")
HTML = {"accept": "text/html"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _as(client: AsyncTestClient[Litestar], login: str) -> str:
    assert (await sign_in(client, login)).status_code == 302
    return await csrf_token(client)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def _check(
    client: AsyncTestClient[Litestar],
    token: str,
    data: bytes,
    signature: bytes | None = None,
    name: str = "report.pdf",
) -> Response:
    files = {"file": (name, data, "application/octet-stream")}
    if signature is not None:
        files["signature"] = (name + ".sig", signature, "application/pkcs7-signature")
    return await client.post("/verify", data={"_csrf_token": token}, files=files, headers=HTML)


async def _gost_signed(pki: GostPki, data: bytes, file_format: str) -> SignedFile:
    penza = await org_id("penza")
    await use_gost_openssl(penza, pki.signer_key.read_bytes(), pki.signer_cert.read_bytes(), None)
    await trust_root(penza, pki.ca_cert.read_bytes(), None)
    return await sign_file(penza, data, file_format, "Отчёт", "Пенза")


async def test_a_pdf_and_its_gost_signature_are_valid_and_a_changed_byte_is_caught(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    signed = await _gost_signed(gost_pki, probe_pdf("Monthly summary"), "pdf")
    assert signed.signature is not None
    token = await _as(client, "penza-head")
    good = await _check(client, token, signed.data, signed.signature)
    assert good.status_code == 200
    text = _text(good.text)
    assert "Подпись действительна" in text and "Подпись не подтверждена" not in text
    assert "Откреплённая подпись CMS (файл .sig)." in text
    assert "Файл совпадает с подписанным" in text and "ОГРН 1025801358945" in text
    assert "report.pdf + report.pdf.sig" in text and "МСК" in text
    changed = bytearray(signed.data)
    changed[len(changed) // 2] ^= 1
    bad = _text((await _check(client, token, bytes(changed), signed.signature)).text)
    assert "Подпись не подтверждена" in bad
    assert "Файл НЕ совпадает с подписанным: он изменён после подписания" in bad


async def test_an_xlsx_with_its_signature_checks_too_but_not_without_it(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    data = b"PK\x03\x04" + bytes(range(256)) * 40  # the bytes are what is signed
    signed = await _gost_signed(gost_pki, data, "xlsx")
    token = await _as(client, "penza-official")
    good = _text((await _check(client, token, data, signed.signature, "report.xlsx")).text)
    assert "Подпись действительна" in good
    alone = await _check(client, token, data, None, "report.xlsx")
    assert alone.status_code == 400
    assert "Это не PDF" in alone.text and "выберите и файл подписи .sig" in alone.text


async def test_trust_is_by_the_roots_of_the_users_own_organisations(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    signed = await _gost_signed(gost_pki, probe_pdf("Report"), "pdf")
    token = await _as(client, "parfino-executor")  # Parfino has not trusted Penza's CA
    text = _text((await _check(client, token, signed.data, signed.signature)).text)
    assert "Подпись не подтверждена" in text and "Подпись математически верна" in text
    assert "Доверенные сертификаты не загружены" in text


async def test_a_pades_pdf_alone_is_checked_by_the_signature_inside(
    client: AsyncTestClient[Litestar],
) -> None:
    signed = await sign_file(await org_id("penza"), probe_pdf("Report"), "pdf", "Отчёт", "Пенза")
    assert signed.signature is None and signed.signer
    token = await _as(client, "parfino-executor")  # the demo's own certificates are known
    text = _text((await _check(client, token, signed.data)).text)
    assert "Подпись действительна" in text and "Подпись встроена в PDF (PAdES)." in text
    assert "Администрация города Пензы (демо)" in text
    unsigned = _text((await _check(client, token, probe_pdf("Report"))).text)
    assert (
        "Подпись не подтверждена" in unsigned and "В документе нет встроенной подписи" in unsigned
    )


async def test_missing_and_oversized_files_are_refused_in_russian(
    client: AsyncTestClient[Litestar],
) -> None:
    token = await _as(client, "penza-head")
    none = await client.post(
        "/verify",
        data={"_csrf_token": token},
        files={"signature": ("a.sig", b"0", "application/octet-stream")},
        headers=HTML,
    )
    assert none.status_code == 400 and "Выберите подписанный документ." in none.text
    big_sig = await _check(client, token, probe_pdf("x"), b"0" * (1024 * 1024 + 1))
    assert big_sig.status_code == 400 and "больше 1 МБ" in big_sig.text
    garbage = _text((await _check(client, token, probe_pdf("x"), b"not a signature")).text)
    assert "Подпись не подтверждена" in garbage and "не читается как подпись CMS" in garbage


async def test_only_signed_in_people_check_signatures(client: AsyncTestClient[Litestar]) -> None:
    answer = await client.get("/verify", follow_redirects=False)
    assert answer.status_code in (302, 303) and "/login" in answer.headers["location"]
